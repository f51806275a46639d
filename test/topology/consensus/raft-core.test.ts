// The Raft core driven directly (no clients): the group on the real
// scheduler and network link model, with the docs/references.md RTTs between
// us-east-1 (node 0, the bootstrapped leader), eu-west-1 (1) and
// ap-southeast-1 (2). Every expected time below is derived by hand.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../sim/core/scheduler.ts';
import { RngRoot } from '../../../sim/core/rng.ts';
import { Network } from '../../../sim/world/network.ts';
import { WallClock } from '../../../sim/world/clock.ts';
import { RaftGroup } from '../../../sim/topology/consensus/group.ts';
import type { RaftNode } from '../../../sim/topology/consensus/raft.ts';

const S = 1_000_000;
const MS = 1000;

/** CockroachDB's defaults (pkg/base/config.go): heartbeat 1 s, election timeout 2 s, lease 6 s, max offset 500 ms. */
const DEFAULTS = { heartbeatIntervalUs: 1 * S, electionTimeoutUs: 2 * S, preVote: true, checkQuorum: true, leaseDurationUs: 6 * S, maxClockOffsetUs: 500 * MS };

function world(seed: number, cfg = DEFAULTS) {
  const sched = new Scheduler();
  const rng = new RngRoot(seed);
  const ids = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
  const rttMs = [[1, 75, 222], [75, 1, 189], [222, 189, 1]];
  const net = new Network(sched, rng, {
    regionIds: ids, rttUs: rttMs.map((row) => row.map((ms) => ms * MS)), jitter: () => 0, bandwidthBytesPerS: 1e13, intraRegionRttUs: 1 * MS, loss: 0,
  });
  const clocks = ids.map(() => new WallClock(0, 0));
  const campaigns: Array<{ node: number; atUs: number; pre: boolean }> = [];
  class Recording extends RaftGroup {
    override electionStarted(n: RaftNode, pre: boolean): void {
      campaigns.push({ node: n.id, atUs: sched.now, pre });
      super.electionStarted(n, pre);
    }
  }
  const group = new Recording({
    sched, rng, net, regionIds: ids, clocks, cfg, placement: [0, 1, 2].map((region) => ({ region, voter: true })),
    preferredRegion: -1, durability: () => 50, rowCount: 10, warmupUs: 0,
  });
  group.start(0);
  return { sched, net, group, campaigns };
}

describe('Raft core', () => {
  it('a healthy group keeps its leader: no campaign, term 1, heartbeats only', () => {
    const { sched, group } = world(1);
    sched.run(60 * S);
    expect(group.elections + group.preVotes).toBe(0);
    expect(group.maxTerm).toBe(1);
    expect(group.leader()?.id).toBe(0);
    expect(group.invariants.violations).toEqual([]);
  });

  it('after the leader crashes: the first pre-vote within [1×, 2×) of the election timeout after the last heartbeat, then the new leader serves once the old lease surely expired', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { sched, group, campaigns } = world(seed);
      // Heartbeats leave node 0 at 0 s, 1 s, ..., 9 s; it crashes at 9.5 s.
      sched.run(9.5 * S);
      (group.nodes[0] as RaftNode).crash();
      sched.run(30 * S);
      // The 9 s heartbeat reached eu-west-1 at 9.0375 s and ap-southeast-1 at 9.111 s; each node's timeout is in [2 s, 4 s).
      const first = campaigns[0]!;
      expect(first.pre).toBe(true);
      const heardUs = first.node === 1 ? 9.0375 * S : 9.111 * S;
      expect(first.atUs - heardUs).toBeGreaterThanOrEqual(2 * S);
      expect(first.atUs - heardUs).toBeLessThan(4 * S);
      const c = group.changes[group.changes.length - 1]!;
      expect([1, 2]).toContain(c.to);
      expect(c.term).toBeGreaterThanOrEqual(2);
      // One round: pre-vote and vote are two eu-west-1 ↔ ap-southeast-1 round trips (2 × 189 ms).
      if (group.preVotes === 1) expect(c.electedUs - c.campaignStartUs).toBe(2 * 189 * MS);
      // The old lease began with the 9 s heartbeat: it ends at 15 s on node 0's clock; + 500 ms offset bound → serving from 15.5 s.
      expect(c.servingUs).toBeGreaterThanOrEqual(15.5 * S);
      expect(c.servingUs).toBeLessThanOrEqual(15.5 * S + 1);
      expect(group.invariants.violations).toEqual([]);
    }
  });

  it('without leases the new leader serves as soon as it is elected', () => {
    const { sched, group } = world(3, { ...DEFAULTS, leaseDurationUs: 0 });
    sched.run(9.5 * S);
    (group.nodes[0] as RaftNode).crash();
    sched.run(30 * S);
    const c = group.changes[group.changes.length - 1]!;
    expect(c.servingUs).toBe(c.electedUs);
  });

  it('one-way partition (the leader cannot reach ap-southeast-1): pre-vote keeps the cut-off node from disrupting the leader; without pre-vote and check-quorum it does', () => {
    const oneWay = (cfg: typeof DEFAULTS) => {
      const { sched, net, group } = world(7, cfg);
      sched.run(5 * S);
      net.cut(0, 2);
      sched.run(60 * S);
      return group;
    };
    const guarded = oneWay(DEFAULTS);
    // ap-southeast-1 times out and asks for pre-votes every 2–4 s; eu-west-1 still hears the leader and refuses.
    expect(guarded.preVotes).toBeGreaterThan(5);
    expect(guarded.elections).toBe(0);
    expect(guarded.maxTerm).toBe(1);
    expect(guarded.leader()?.id).toBe(0);
    const bare = oneWay({ ...DEFAULTS, preVote: false, checkQuorum: false });
    // Its RequestVote with a higher term deposes the healthy leader (nothing tells the voters to ignore it).
    expect(bare.elections).toBeGreaterThan(0);
    expect(bare.leaderChanges).toBeGreaterThan(0);
    expect(bare.maxTerm).toBeGreaterThan(1);
    expect(bare.invariants.violations).toEqual([]);
  });

  it('check-quorum: a leader cut off from both followers steps down one election timeout after it last heard from them', () => {
    const { sched, net, group } = world(2);
    sched.run(5.5 * S);
    // The 5 s heartbeat's answers arrived at 5.075 s (eu-west-1) and 5.222 s (ap-southeast-1); the majority's latest is 5.222 s.
    for (const b of [1, 2]) { net.cut(0, b); net.cut(b, 0); }
    let steppedDownUs = -1;
    const leader = group.nodes[0] as RaftNode;
    while (sched.now < 10 * S && steppedDownUs < 0) {
      sched.run(sched.now + 1 * MS);
      if (leader.role !== 'leader') steppedDownUs = sched.now;
    }
    // Quorum of 2 counts the leader itself (now) and the more recent follower answer (5.222 s): deadline 7.222 s.
    expect(steppedDownUs).toBe(7.222 * S);
  });
});
