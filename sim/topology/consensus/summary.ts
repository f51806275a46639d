// The consensus module's own books in the summary, over all its Raft groups
// (one, or one per placed table / home region): RPO (acknowledged writes no
// replica of their group holds at the end) and split-brain (such writes by a
// deposed leader), failovers[] (each group's elections won after the start),
// the channels' final status, metrics.consensus (sums over the groups, commit
// latency per leader region; with per-table placement also the local /
// remote latency split and groups[]) and the safety checks' violations.
// Reads only what the groups and gateways recorded.
import { round3, type LatencyHistogram } from '../../measure/histogram.ts';
import type { FailoverSummary, Percentiles, Summary } from '../../scenario/summary-types.ts';
import type { ConsensusTopology } from './consensus.ts';
import type { RaftGroup } from './group.ts';
import type { RaftNode } from './raft.ts';
import type { AckedWrites } from './acked.ts';
import type { GroupSpec } from './placement.ts';

/** One Raft group of the run with its gateways and acknowledged writes. */
export interface GroupUnit {
  readonly spec: GroupSpec;
  readonly group: RaftGroup;
  readonly gateways: ConsensusTopology;
  readonly acked: AckedWrites;
}

/** Latency of successful operations, split by whether the row's group prefers its leader in the client's region. */
export interface LatencySplit {
  local: { writes: LatencyHistogram; reads: LatencyHistogram };
  remote: { writes: LatencyHistogram; reads: LatencyHistogram };
}

/** Adds the groups' own books to the summary; `placed`: per-table placement was asked for (group names, latency split, groups[]). */
export function summarizeGroups(s: Summary, units: readonly GroupUnit[], ids: readonly string[], lagWarningUs: number, placed: { split: LatencySplit } | undefined): void {
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
  // The run's read unavailability (metrics.reads.unavailableMs), kept under this key as well: it counts
  // every read a region's clients issued, those of clients a region outage left dark too.
  const readUnavailableMs: Record<string, number> = { ...(m.reads.unavailableMs ?? {}) };
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
