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
//
// Placement per table (placement.ts): tables listed under
// topology.consensus.tables get their own groups (regional-by-table: one;
// regional-by-row: one per home region), each with its own replicas, RNG
// streams, gateways and books; an operation goes to its row's group. The
// module's answers cover every group: a region's nodes are all groups'
// replicas there, its lane is `leader` while any group's leader is there, the
// staleness oracle reads the row's group, failovers[] lists every group's
// leader changes (with the group's name), RPO and split-brain add up, and
// metrics.consensus gains latencyMs (local / remote) and groups[].
import { compileDist } from '../../core/distributions.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { FailoverSummary, Percentiles, Summary, TimelineSegment } from '../../measure/summary-types.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { RaftGroup, type Placement } from './group.ts';
import { ConsensusTopology, type ReadStrategy } from './consensus.ts';
import { AckedWrites } from './acked.ts';
import type { RaftNode } from './raft.ts';
import { LatencyHistogram, round3 } from '../../measure/histogram.ts';
import type { Op } from '../../workload/op.ts';
import type { Rng } from '../../core/rng.ts';
import { homedKey } from '../homes.ts';
import { layoutOf, placementFrom, SHARED_GROUP, type GroupSpec } from './placement.ts';

/** Acknowledged writes tracked before those every replica applied are settled. */
const ACKED_SETTLE_EVERY = 65_536;

/** Replica placement of the shared group from the scenario: voters (default 1 per region), then non-voters, in region order. */
export function placementOf(sc: Scenario, ids: readonly string[]): Placement[] {
  const c = sc.topology.consensus;
  return placementFrom(ids.map((id) => (c.voters ? (c.voters[id] ?? 0) : 1)), ids.map((id) => c.nonVoters[id] ?? 0));
}

/** The read strategy per region. */
export function readsOf(sc: Scenario, ids: readonly string[]): ReadStrategy[] {
  const r = sc.topology.consensus.reads;
  return ids.map((id) => (typeof r === 'string' ? r : (r[id] ?? 'leaseholder')));
}

/** One Raft group of the run with its gateways and acknowledged writes. */
export interface GroupUnit {
  readonly spec: GroupSpec;
  readonly group: RaftGroup;
  readonly gateways: ConsensusTopology;
  readonly acked: AckedWrites;
}

/** Latency of successful operations, split by whether the row's group prefers its leader in the client's region. */
interface LatencySplit {
  local: { writes: LatencyHistogram; reads: LatencyHistogram };
  remote: { writes: LatencyHistogram; reads: LatencyHistogram };
}

/** The consensus run, with its groups and gateways exposed for tests (`group`, `gateways`: the first group's). */
export interface ConsensusRun extends TopologyRun {
  readonly group: RaftGroup;
  readonly gateways: ConsensusTopology;
  readonly units: readonly GroupUnit[];
  /** The group index of a row. */
  groupOf(row: number): number;
}

export const consensusModule: TopologyModule = {
  kind: 'consensus',
  create(ctx: TopologyContext): ConsensusRun {
    const { scenario: sc, sched, rng, net, clocks, regionIds: ids, keys, regions } = ctx;
    const c = sc.topology.consensus;
    const n = ids.length;
    const layout = layoutOf(sc, ids, keys, (a, b) => net.rttUs(a, b));
    /** Per-table placement asked for: the summary gains the group detail and the latency split. */
    const placed = Object.keys(c.tables).length > 0;
    const commitLatency = placed ? ids.map(() => new LatencyHistogram()) : undefined;
    const split: LatencySplit | undefined = placed
      ? { local: { writes: new LatencyHistogram(), reads: new LatencyHistogram() }, remote: { writes: new LatencyHistogram(), reads: new LatencyHistogram() } }
      : undefined;
    const durability = compileDist(sc.topology.replication.applyTime);
    const reads = readsOf(sc, ids);
    const units: GroupUnit[] = layout.groups.map((spec) => {
      const group: RaftGroup = new RaftGroup({
        sched, rng, net, regionIds: ids, clocks,
        cfg: {
          heartbeatIntervalUs: c.heartbeatInterval, electionTimeoutUs: c.electionTimeout, preVote: c.preVote, checkQuorum: c.checkQuorum,
          leaseDurationUs: c.leaseDuration, maxClockOffsetUs: c.maxClockOffset,
        },
        placement: spec.placement, preferredRegion: spec.preferred, durability,
        rowCount: keys.rowCount, warmupUs: sc.warmup,
        onStateChange: (x) => regions.stateChanged(x.region),
        onApplied: (x, id) => ctx.events.applied(group.entries.region(id), x.region, group.entries.proposeUs(id), sched.now),
        streamPrefix: spec.name === SHARED_GROUP ? undefined : `consensus/${spec.name}`,
        commitLatency,
      });
      const acked = new AckedWrites();
      let settleAt = ACKED_SETTLE_EVERY;
      const gateways = new ConsensusTopology({
        sched, net, group, workload: ctx.workload, clocks, reads, followerReadLagUs: c.followerReadLag,
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
        onServed: split
          ? (op: Op, atUs: number) => {
              if (op.invokeUs < sc.warmup) return;
              const side = spec.preferred === op.region ? split.local : split.remote;
              (op.write ? side.writes : side.reads).record(atUs - op.invokeUs);
            }
          : undefined,
      });
      return { spec, group, gateways, acked };
    });
    const first = units[0] as GroupUnit;
    const groupOf = layout.groupOf;
    const unitNodes = units.map((u) => u.group.nodes);
    const nodesIn = ids.map((_, r) => units.flatMap((u) => u.group.nodes.filter((x) => x.region === r)));

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
      if (f !== Infinity) for (const u of units) if (f > u.group.lastFaultUs) u.group.lastFaultUs = f;
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
    const remoteShare = sc.workload.remoteShare;
    const pickRow = layout.homed.some((h) => h)
      ? (region: number, r: Rng): number => {
          const table = keys.pickTable(r);
          const key = keys.pickKey(r);
          return keys.row(table, layout.homed[table] ? homedKey(keys, n, remoteShare, region, key, r) : key);
        }
      : undefined;

    return {
      group: first.group,
      gateways: first.gateways,
      units,
      groupOf,
      write: (op) => (units[groupOf(op.row)] as GroupUnit).gateways.write(op),
      read: (op) => (units[groupOf(op.row)] as GroupUnit).gateways.read(op),
      ...(pickRow ? { pickRow } : {}),
      nodesOf: (r) => nodesIn[r] ?? [],
      channels: () => [],
      monitored: false,
      measure: {
        oracle: {
          kind: 'versions',
          minVisible: (row) => {
            let m = Infinity;
            for (const x of unitNodes[groupOf(row)] as RaftNode[]) {
              const v = x.rowVersion[row] as number;
              if (v < m) m = v;
            }
            return m;
          },
        },
        epochs: false,
      },
      regionState,
      initialState: (r) => (units.some((u) => u.spec.preferred === r && u.group.voterIn(r) >= 0) ? 'leader' : 'follower'),
      faults: {
        // A clock jump never changes a region's lane, so it is marked here; other faults through regionState.
        clockJumped: () => {
          for (const u of units) u.group.lastFaultUs = sched.now;
        },
      },
      start() {
        for (const u of units) {
          const v = u.group.voterIn(u.spec.preferred);
          u.group.start(v >= 0 ? v : (u.group.voters[0] as number));
          u.gateways.start();
        }
      },
      catchUp() {
        // Replicas apply entries as they learn they are committed: nothing is pending.
      },
      summarize(s: Summary) {
        summarize(s, units, ids, sc.monitoring.lagWarning, placed ? { split: split as LatencySplit } : undefined);
      },
    };
  },
};

/** Adds the groups' own books to the summary; `placed`: per-table placement was asked for (group names, latency split, groups[]). */
function summarize(s: Summary, units: readonly GroupUnit[], ids: readonly string[], lagWarningUs: number, placed: { split: LatencySplit } | undefined): void {
  const m = s.metrics;
  const losses = units.map((u) => u.acked.lostOn(u.group.nodes));
  const lostCount = losses.reduce((a, l) => a + l.count, 0);
  let firstAckUs = Infinity;
  let lastAckUs = -Infinity;
  for (const l of losses) {
    if (l.count === 0) continue;
    firstAckUs = Math.min(firstAckUs, l.firstAckUs);
    lastAckUs = Math.max(lastAckUs, l.lastAckUs);
  }
  m.rpo = {
    lostAckedWrites: lostCount,
    lostBytes: losses.reduce((a, l, k) => a + l.ids.reduce((b, id) => b + (units[k] as GroupUnit).group.entries.bytes(id), 0), 0),
    lossWindowMs: lostCount === 0 ? 0 : round3((lastAckUs - firstAckUs) / 1000),
  };
  const sb = units.flatMap((u) => u.acked.splitBrain());
  m.splitBrain = {
    occurrences: sb.length,
    durationMs: round3(sb.reduce((a, e) => a + (e.lastAckUs - e.firstAckUs), 0) / 1000),
    divergentWrites: sb.reduce((a, e) => a + e.writes, 0),
  };
  m.failovers = units.flatMap((u, k) => failoversOf(u.group, (losses[k] as { ackTimes: number[] }).ackTimes, ids, placed ? u.spec.name : undefined));
  if (units.length > 1) m.failovers.sort((a, b) => a.startedAtMs - b.startedAtMs);
  m.rto.maxMs = m.failovers.reduce((a, f) => Math.max(a, f.rtoMs), 0);
  // Channels (origin → target region) have no channel object here: their final status is the target's
  // replicas' — failed if one is down, lagging if the oldest committed entry one has not applied (of its
  // group) is older than monitoring.lagWarning, else active.
  const endUs = s.simulatedMs * 1000;
  const behind = units.map((u) => {
    const g = u.group;
    const leader = g.leader();
    return (x: RaftNode): number => {
      if (!leader || x.appliedIndex >= leader.commitIndex) return 0;
      return endUs - g.entries.proposeUs(leader.log.idAt(x.appliedIndex + 1));
    };
  });
  for (const ch of m.replication.channels) {
    const xs = units.map((u) => u.group.nodes.filter((x) => ids[x.region] === ch.target));
    ch.status = xs.some((ns) => ns.some((x) => x.status === 'crashed')) ? 'failed'
      : xs.some((ns, k) => ns.some((x) => (behind[k] as (x: RaftNode) => number)(x) >= lagWarningUs)) ? 'lagging'
      : 'active';
  }
  const commitLatencyMs: Record<string, Percentiles> = {};
  (units[0] as GroupUnit).group.commitLatency.forEach((h, r) => {
    if (h.count > 0) commitLatencyMs[ids[r] as string] = h.summaryMs();
  });
  const gateways = units.map((u) => u.gateways);
  const readUnavailableMs: Record<string, number> = {};
  ids.forEach((id, r) => (readUnavailableMs[id] = round3(ConsensusTopology.readUnavailableUs(gateways, r) / 1000)));
  const sum = (f: (g: RaftGroup) => number) => units.reduce((a, u) => a + f(u.group), 0);
  m.consensus = {
    elections: sum((g) => g.elections), preVotes: sum((g) => g.preVotes), leaderChanges: sum((g) => g.leaderChanges),
    maxTerm: units.reduce((a, u) => Math.max(a, u.group.maxTerm), 0), commitLatencyMs,
    readUnavailableMs, leaseReadsBeyondClockBound: sum((g) => g.invariants.leaseReadsBeyondClockBound),
  };
  if (placed) {
    const { split } = placed;
    m.consensus.latencyMs = {
      local: { writes: split.local.writes.summaryMs(), reads: split.local.reads.summaryMs() },
      remote: { writes: split.remote.writes.summaryMs(), reads: split.remote.reads.summaryMs() },
    };
    m.consensus.groups = units.map((u, k) => {
      const g = u.group;
      const leader = g.leader();
      return {
        name: u.spec.name, home: ids[u.spec.preferred] as string, leaderAtEnd: leader ? (ids[leader.region] as string) : '',
        voters: g.voters.length, nonVoters: g.nodeCount - g.voters.length,
        elections: g.elections, leaderChanges: g.leaderChanges, maxTerm: g.maxTerm,
        commitLatencyMs: (g.ownCommitLatency as LatencyHistogram).summaryMs(), lostAckedWrites: (losses[k] as { count: number }).count,
      };
    });
  }
  for (const u of units) {
    for (const v of u.group.invariants.violations) {
      if (s.invariantViolations.length < 20) s.invariantViolations.push(placed ? `group ${u.spec.name}: ${v}` : v);
    }
  }
}

/** The group's leader changes after the start as failovers[] entries (reason `election`); `group` names it when tables are placed. */
function failoversOf(g: RaftGroup, lostAckTimes: readonly number[], ids: readonly string[], group: string | undefined): FailoverSummary[] {
  const regionOf = (node: number) => ids[(g.nodes[node] as RaftNode).region] as string;
  const changes = g.changes.filter((x) => x.term > 1);
  return changes.map((x, i): FailoverSummary => {
    const completedUs = x.servingUs >= 0 ? x.servingUs : x.electedUs;
    const endUs = x.firstAckUs >= 0 ? x.firstAckUs : completedUs;
    const nextUs = changes[i + 1]?.electedUs ?? Infinity;
    // Writes lost are charged to the leader change during whose reign they were acknowledged.
    const lostHere = lostAckTimes.filter((t) => t >= x.electedUs && t < nextUs).length;
    return {
      from: x.from >= 0 ? regionOf(x.from) : '', to: regionOf(x.to), reason: 'election',
      startedAtMs: x.campaignStartUs / 1000, completedAtMs: completedUs / 1000, rtoMs: round3((endUs - x.faultUs) / 1000),
      lostAckedWrites: lostHere, lostBytes: 0, faultAtMs: x.faultUs / 1000, epoch: x.term,
      rtoEndsAt: x.firstAckUs >= 0 ? 'first-write' : 'promotion',
      ...(group !== undefined ? { group } : {}),
    };
  });
}
