// The consensus module's own section of the summary, over all its Raft groups
// (one, or one per placed table / home region): the channels' final status,
// metrics.consensus (sums over the groups, commit latency per leader region;
// with per-table placement also the local / remote latency split and
// groups[]) and the safety checks' violations. It writes no rpo, splitBrain,
// rto or failovers: the module reports acks, elections and losses as run
// events and the ledger books them as for every topology. Reads only what
// the groups and gateways recorded.
import type { LatencyHistogram } from '../../measure/histogram.ts';
import type { Percentiles, Summary } from '../../scenario/summary-types.ts';
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

/**
 * Adds the groups' own books to the summary: the channels' final status, metrics.consensus and the
 * safety checks' violations (rpo, splitBrain, rto and failovers are the ledger's, from the run's events).
 * `lost`: acknowledged writes each group lost; `placed`: per-table placement was asked for (latency
 * split, groups[]).
 */
export function summarizeGroups(s: Summary, units: readonly GroupUnit[], lost: readonly number[], ids: readonly string[], lagWarningUs: number, placed: { split: LatencySplit } | undefined): void {
  const m = s.metrics;
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
        commitLatencyMs: (g.ownCommitLatency as LatencyHistogram).summaryMs(), lostAckedWrites: lost[k] as number,
      };
    });
  }
  for (const u of units) {
    for (const v of u.group.invariants.violations) {
      if (s.invariantViolations.length < 20) s.invariantViolations.push(placed ? `group ${u.spec.name}: ${v}` : v);
    }
  }
}
