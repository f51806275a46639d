// When the leader's own disk decides the commit: a lone voter, and a leader
// whose disk is slower than its nearest follower's round trip. The group on
// the real scheduler and link model, docs/references.md RTTs (us-east-1 node 0,
// eu-west-1 node 1, ap-southeast-1 node 2), no jitter, 50 µs per entry on a
// healthy disk; every expected time is derived by hand in the comments.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../sim/core/scheduler.ts';
import { RngRoot } from '../../../sim/core/rng.ts';
import { Network } from '../../../sim/world/network.ts';
import { WallClock } from '../../../sim/world/clock.ts';
import { RaftGroup, type Placement } from '../../../sim/topology/consensus/group.ts';
import type { RaftNode } from '../../../sim/topology/consensus/raft.ts';

const S = 1_000_000;
const MS = 1000;
const CFG = { heartbeatIntervalUs: 1 * S, electionTimeoutUs: 2 * S, preVote: true, checkQuorum: true, leaseDurationUs: 6 * S, maxClockOffsetUs: 500 * MS };

function world(placement: Placement[]) {
  const sched = new Scheduler();
  const rng = new RngRoot(1);
  const ids = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
  const rttMs = [[1, 75, 222], [75, 1, 189], [222, 189, 1]];
  const net = new Network(sched, rng, {
    regionIds: ids, rttUs: rttMs.map((row) => row.map((ms) => ms * MS)), jitter: () => 0, bandwidthBytesPerS: 1e13, intraRegionRttUs: 1 * MS, loss: 0,
  });
  const commits: Array<{ index: number; atUs: number }> = [];
  class Recording extends RaftGroup {
    override leaderCommitted(n: RaftNode, fromIndex: number, toIndex: number): void {
      for (let i = fromIndex; i <= toIndex; i++) commits.push({ index: i, atUs: sched.now });
      super.leaderCommitted(n, fromIndex, toIndex);
    }
  }
  const group = new Recording({
    sched, rng, net, regionIds: ids, clocks: ids.map(() => new WallClock(0, 0)), cfg: CFG, placement,
    preferredRegion: -1, durability: () => 50, rowCount: 10, warmupUs: 0,
  });
  group.start(0);
  return { sched, group, commits };
}

describe('consensus durability at the leader', () => {
  it('a lone voter commits each entry the moment its own disk has written it', () => {
    const { sched, group, commits } = world([{ region: 0, voter: true }]);
    // The term's no-op (index 1) is written from 0 to 50 µs.
    sched.run(1 * S);
    const leader = group.nodes[0] as RaftNode;
    const p = leader.propose(3, 100);
    // The disk is idle at 1 s: the write is durable, and committed, at 1 s + 50 µs.
    sched.run(2 * S);
    expect(p?.index).toBe(2);
    expect(commits).toEqual([{ index: 1, atUs: 50 }, { index: 2, atUs: 1 * S + 50 }]);
    expect(leader.durableIndex).toBe(2);
    expect(group.invariants.violations).toEqual([]);
  });

  it('a leader whose disk is slower than the round trip to eu-west-1 commits when its own copy is durable', () => {
    const { sched, group, commits } = world([0, 1, 2].map((region) => ({ region, voter: true })));
    sched.run(5 * S);
    const leader = group.nodes[0] as RaftNode;
    leader.setApplyFactor(2000);
    const p = leader.propose(3, 100);
    // eu-west-1 has the append at 5 s + 37.5 ms, durable 50 µs later; its answer is back at 5.075050 s. The leader's
    // own copy takes 50 µs × 2000 = 100 ms: durable at 5.1 s, which completes the majority (ap-southeast-1 answers at 5.222050 s).
    sched.run(6 * S);
    expect(commits.filter((c) => c.index === p?.index)).toEqual([{ index: p?.index, atUs: 5.1 * S }]);
    expect(group.invariants.violations).toEqual([]);
  });
});
