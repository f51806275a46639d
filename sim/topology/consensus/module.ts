// The consensus topology as a module (sim/topology/module.ts): a Raft group
// placed over the regions (group.ts, raft.ts) behind each region's gateway
// (consensus.ts). The run assembly's fault verbs stop, resume and slow the
// replicas of a region (crash, outage, pause, slow apply: their disks); link
// faults act on the network; clock jumps on the region's clock, which the
// leases read. The group elects its own leaders: failover settings do not
// apply. It keeps its own books — terms, elections, leader changes, commit
// latency, acknowledged writes — and adds them to the summary: failovers[]
// (one per election won after the start, reason `election`), RPO (an
// acknowledged write no replica holds at the end), split-brain (such writes
// grouped by the deposed leader that acknowledged them), metrics.consensus,
// and the safety checks' violations.
import { compileDist } from '../../core/distributions.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { round3 } from '../../measure/histogram.ts';
import type { FailoverSummary, Percentiles, Summary, TimelineSegment } from '../../measure/summary-types.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { RaftGroup, type Placement } from './group.ts';
import { ConsensusTopology, type ReadStrategy } from './consensus.ts';
import { AckedWrites } from './acked.ts';
import type { RaftNode } from './raft.ts';

/** Acknowledged writes tracked before those every replica applied are settled. */
const ACKED_SETTLE_EVERY = 65_536;

/** Replica placement from the scenario: voters (default 1 per region), then non-voters, in region order. */
export function placementOf(sc: Scenario, ids: readonly string[]): Placement[] {
  const c = sc.topology.consensus;
  const out: Placement[] = [];
  ids.forEach((id, r) => {
    const v = c.voters ? (c.voters[id] ?? 0) : 1;
    for (let k = 0; k < v; k++) out.push({ region: r, voter: true });
  });
  ids.forEach((id, r) => {
    for (let k = 0; k < (c.nonVoters[id] ?? 0); k++) out.push({ region: r, voter: false });
  });
  return out;
}

/** The read strategy per region. */
export function readsOf(sc: Scenario, ids: readonly string[]): ReadStrategy[] {
  const r = sc.topology.consensus.reads;
  return ids.map((id) => (typeof r === 'string' ? r : (r[id] ?? 'leaseholder')));
}

/** The consensus run, with its group and gateways exposed for tests. */
export interface ConsensusRun extends TopologyRun {
  readonly group: RaftGroup;
  readonly gateways: ConsensusTopology;
}

export const consensusModule: TopologyModule = {
  kind: 'consensus',
  create(ctx: TopologyContext): ConsensusRun {
    const { scenario: sc, sched, rng, net, clocks, regionIds: ids, keys, regions } = ctx;
    const c = sc.topology.consensus;
    const n = ids.length;
    const preferred = c.leader !== undefined ? ids.indexOf(c.leader) : 0;
    const group: RaftGroup = new RaftGroup({
      sched, rng, net, regionIds: ids, clocks,
      cfg: {
        heartbeatIntervalUs: c.heartbeatInterval, electionTimeoutUs: c.electionTimeout, preVote: c.preVote, checkQuorum: c.checkQuorum,
        leaseDurationUs: c.leaseDuration, maxClockOffsetUs: c.maxClockOffset,
      },
      placement: placementOf(sc, ids), preferredRegion: preferred, durability: compileDist(sc.topology.replication.applyTime),
      rowCount: keys.rowCount, warmupUs: sc.warmup,
      onStateChange: (x) => regions.stateChanged(x.region),
      onApplied: (x, id) => ctx.events.applied(group.entries.region(id), x.region, group.entries.proposeUs(id), sched.now),
    });
    const acked = new AckedWrites();
    let settleAt = ACKED_SETTLE_EVERY;
    const gateways = new ConsensusTopology({
      sched, net, group, workload: ctx.workload, clocks, reads: readsOf(sc, ids), followerReadLagUs: c.followerReadLag,
      clientTimeoutUs: sc.workload.clientTimeout, warmupUs: sc.warmup,
      onAcked: (id, index, term, region, ackUs) => {
        acked.add(id, index, term, region, ackUs);
        if (acked.count >= settleAt) {
          let applied = Infinity;
          for (const x of group.nodes) if (x.appliedIndex < applied) applied = x.appliedIndex;
          acked.settle(applied, (i) => group.invariants.committedAt(i));
          settleAt = acked.count + ACKED_SETTLE_EVERY;
        }
      },
    });
    const nodesIn = ids.map((_, r) => group.nodes.filter((x) => x.region === r));

    /** Cut off from more than half of the other regions (either direction). */
    const unreachable = (r: number) => {
      let cut = 0;
      for (let b = 0; b < n; b++) if (b !== r && (!net.isUp(r, b) || !net.isUp(b, r))) cut++;
      return n > 1 && cut * 2 > n - 1;
    };
    type State = ReturnType<TopologyRun['regionState']>;
    const regionState = (r: number): State => {
      // The latest fault start the assembly reports is what a following election's RTO counts from.
      const f = regions.faultStartUs(r);
      if (f !== Infinity && f > group.lastFaultUs) group.lastFaultUs = f;
      const xs = nodesIn[r] ?? [];
      const leads = xs.some((x) => x.role === 'leader' && x.status !== 'crashed');
      const state: TimelineSegment['state'] =
        regions.outage(r) > 0 || (xs.length > 0 && xs.every((x) => x.status === 'crashed')) ? 'down'
        : regions.paused(r) > 0 ? 'paused'
        : unreachable(r) ? 'unreachable'
        : leads ? 'leader'
        : xs.some((x) => x.role === 'candidate' || x.role === 'precandidate') ? 'candidate'
        : 'follower';
      return { state, role: leads ? 'primary' : 'replica' };
    };

    return {
      group,
      gateways,
      write: (op) => gateways.write(op),
      read: (op) => gateways.read(op),
      nodesOf: (r) => nodesIn[r] ?? [],
      channels: () => [],
      monitored: false,
      measure: {
        oracle: {
          kind: 'versions',
          minVisible: (row) => {
            let m = Infinity;
            for (const x of group.nodes) {
              const v = x.rowVersion[row] as number;
              if (v < m) m = v;
            }
            return m;
          },
        },
        epochs: false,
      },
      regionState,
      initialState: (r) => (r === preferred && group.voterIn(r) >= 0 ? 'leader' : 'follower'),
      faults: {
        // A clock jump never changes a region's lane, so it is marked here; other faults through regionState.
        clockJumped: () => {
          group.lastFaultUs = sched.now;
        },
      },
      start() {
        const first = group.voterIn(preferred);
        group.start(first >= 0 ? first : (group.voters[0] as number));
        gateways.start();
      },
      catchUp() {
        // Replicas apply entries as they learn they are committed: nothing is pending.
      },
      summarize(s: Summary) {
        summarize(s, group, gateways, acked, ids, sc.monitoring.lagWarning);
      },
    };
  },
};

/** Adds the group's own books to the summary. */
function summarize(s: Summary, g: RaftGroup, gateways: ConsensusTopology, acked: AckedWrites, ids: readonly string[], lagWarningUs: number): void {
  const m = s.metrics;
  const lost = acked.lostOn(g.nodes);
  m.rpo = {
    lostAckedWrites: lost.count,
    lostBytes: lost.ids.reduce((a, id) => a + g.entries.bytes(id), 0),
    lossWindowMs: lost.count === 0 ? 0 : round3((lost.lastAckUs - lost.firstAckUs) / 1000),
  };
  const sb = acked.splitBrain();
  m.splitBrain = {
    occurrences: sb.length,
    durationMs: round3(sb.reduce((a, e) => a + (e.lastAckUs - e.firstAckUs), 0) / 1000),
    divergentWrites: sb.reduce((a, e) => a + e.writes, 0),
  };
  const regionOf = (node: number) => ids[(g.nodes[node] as RaftNode).region] as string;
  const changes = g.changes.filter((x) => x.term > 1);
  m.failovers = changes.map((x, i): FailoverSummary => {
    const completedUs = x.servingUs >= 0 ? x.servingUs : x.electedUs;
    const endUs = x.firstAckUs >= 0 ? x.firstAckUs : completedUs;
    const nextUs = changes[i + 1]?.electedUs ?? Infinity;
    // Writes lost are charged to the leader change during whose reign they were acknowledged.
    const lostHere = lost.ackTimes.filter((t) => t >= x.electedUs && t < nextUs).length;
    return {
      from: x.from >= 0 ? regionOf(x.from) : '', to: regionOf(x.to), reason: 'election',
      startedAtMs: x.campaignStartUs / 1000, completedAtMs: completedUs / 1000, rtoMs: round3((endUs - x.faultUs) / 1000),
      lostAckedWrites: lostHere, lostBytes: 0, faultAtMs: x.faultUs / 1000, epoch: x.term,
      rtoEndsAt: x.firstAckUs >= 0 ? 'first-write' : 'promotion',
    };
  });
  m.rto.maxMs = m.failovers.reduce((a, f) => Math.max(a, f.rtoMs), 0);
  // Channels (origin → target region) have no channel object here: their final status is the target's
  // replicas' — failed if one is down, lagging if the oldest committed entry one has not applied is older
  // than monitoring.lagWarning, else active.
  const leader = g.leader();
  const endUs = s.simulatedMs * 1000;
  const behindUs = (x: RaftNode): number => {
    if (!leader || x.appliedIndex >= leader.commitIndex) return 0;
    return endUs - g.entries.proposeUs(leader.log.idAt(x.appliedIndex + 1));
  };
  for (const ch of m.replication.channels) {
    const xs = g.nodes.filter((x) => ids[x.region] === ch.target);
    ch.status = xs.some((x) => x.status === 'crashed') ? 'failed' : xs.some((x) => behindUs(x) >= lagWarningUs) ? 'lagging' : 'active';
  }
  const commitLatencyMs: Record<string, Percentiles> = {};
  g.commitLatency.forEach((h, r) => {
    if (h.count > 0) commitLatencyMs[ids[r] as string] = h.summaryMs();
  });
  const readUnavailableMs: Record<string, number> = {};
  ids.forEach((id, r) => (readUnavailableMs[id] = round3(gateways.readUnavailableUs(r) / 1000)));
  m.consensus = {
    elections: g.elections, preVotes: g.preVotes, leaderChanges: g.leaderChanges, maxTerm: g.maxTerm, commitLatencyMs,
    readUnavailableMs, leaseReadsBeyondClockBound: g.invariants.leaseReadsBeyondClockBound,
  };
  for (const v of g.invariants.violations) if (s.invariantViolations.length < 20) s.invariantViolations.push(v);
}
