// Builds the summary JSON (docs/metrics.md) from the recorder, the ledger and the
// failover records the ledger heard of. Reads only; the key order is fixed so
// summaries are byte-identical for the same seed. rpo, splitBrain, rto and
// failovers are computed here once for every topology; a topology's own
// summary hook only adds its own section.
import type { Scenario } from '../scenario/schema.ts';
import type { Channel } from '../db/channel.ts';
import type { Recorder } from './recorder.ts';
import type { Ledger } from './ledger.ts';
import { round3 } from './histogram.ts';
import type { Traffic } from '../world/traffic.ts';
import { costSummary, trafficSummary } from './traffic.ts';
import type { FailoverSummary, FaultWindow, SeriesPoint, Summary, TimelineSegment } from '../scenario/summary-types.ts';

export interface SummaryInput {
  scenario: Scenario;
  variant: string;
  seed: number;
  replayKey: string;
  events: number;
  endUs: number;
  regionIds: readonly string[];
  recorder: Recorder;
  ledger: Ledger;
  failovers: FailoverSummary[];
  failoversRefused: number;
  /** Channels at the end of the run (for their final status). */
  channels: Channel[];
  timeline: TimelineSegment[];
  faults: FaultWindow[];
  /** Conflicts and lost updates (active-active); zeros when absent. */
  conflicts?: { total: number; lostUpdates: number } | undefined;
  /** What the network carried (sim/world/traffic.ts); absent for a lab run, which does not count bytes. */
  traffic?: Traffic | undefined;
  /** Database hosts per region, for the node prices. */
  hosts?: readonly number[] | undefined;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : round3(a / b);
}

function series(values: number[], scale = 1): SeriesPoint[] {
  return values.map((v, i) => ({ tMs: i * 1000, value: round3(v * scale) }));
}

export function buildSummary(i: SummaryInput): Summary {
  const { recorder: rec, ledger, regionIds: ids } = i;
  const r = rec.reads;
  const served = r.total - r.failed;
  const status = new Map<string, Channel['status']>();
  for (const ch of i.channels) status.set(`${ch.source.region}->${ch.target.region}`, ch.status);
  const channels = [...rec.channels.values()]
    .filter((c) => c.lag.count > 0 || c.lagSeries.values.length > 0)
    .sort((a, b) => a.source - b.source || a.target - b.target)
    .map((c) => {
      const p = c.lag.summaryMs();
      return {
        source: ids[c.source] as string, target: ids[c.target] as string,
        lagMs: { mean: p.mean, p50: p.p50, p95: p.p95, p99: p.p99, max: p.max },
        applied: c.lag.count - c.unapplied, status: status.get(`${c.source}->${c.target}`) ?? 'failed',
      };
    });
  const lagSeries: Record<string, SeriesPoint[]> = {};
  for (const c of [...rec.channels.values()].sort((a, b) => a.source - b.source || a.target - b.target)) {
    if (c.lagSeries.values.length > 0) lagSeries[`${ids[c.source]}->${ids[c.target]}`] = series(c.lagSeries.values, 1 / 1000);
  }
  const reads = rec.readsPerSecond.values;
  const stale = rec.staleReadsPerSecond.values;
  const t = ledger.total;
  // Split-brain as the ledger defines it (sim/measure/ledger.ts), for every topology.
  const sb = ledger.splitBrain();
  const writeUnavailableMs: Record<string, number> = {};
  ids.forEach((id, k) => (writeUnavailableMs[id] = round3(rec.writeUnavailableUs(k, i.endUs) / 1000)));
  const readUnavailableMs: Record<string, number> = {};
  ids.forEach((id, k) => (readUnavailableMs[id] = round3(rec.readUnavailableUs(k, i.endUs) / 1000)));
  const traffic = i.traffic ? trafficSummary(i.traffic, ids, i.endUs) : undefined;
  const costs = i.scenario.costs;
  return {
    scenario: i.scenario.name,
    variant: i.variant,
    topology: i.scenario.topology.kind,
    seed: i.seed,
    replayKey: i.replayKey,
    simulatedMs: i.endUs / 1000,
    warmupMs: i.scenario.warmup / 1000,
    events: i.events,
    metrics: {
      reads: {
        total: r.total, stale: r.stale, staleFraction: served === 0 ? 0 : round3(r.stale / served),
        stalenessMs: r.staleness.summaryMs(),
        versionsBehind: { mean: r.stale === 0 ? 0 : round3(r.versionsBehindSum / r.stale), max: r.versionsBehindMax },
        rywViolations: r.ryw, monotonicViolations: r.monotonic,
        latencyMs: r.latency.summaryMs(), failed: r.failed, unavailableMs: readUnavailableMs,
        ...(rec.visibility ? { visibility: rec.visibility.summary(), kStaleness: rec.visibility.kStaleness() } : {}),
      },
      writes: { total: rec.writes.total, acked: rec.writes.acked, failed: rec.writes.failed, latencyMs: rec.writes.latency.summaryMs() },
      replication: { lagMs: rec.lag.summaryMs(), channels, alerts: { warning: rec.alerts.warning, critical: rec.alerts.critical } },
      rpo: {
        lostAckedWrites: t.lostAckedWrites, lostBytes: t.lostBytes,
        lossWindowMs: t.lostAckedWrites === 0 ? 0 : round3((t.lastAckUs - t.firstAckUs) / 1000),
      },
      rto: { maxMs: i.failovers.reduce((m, f) => Math.max(m, f.rtoMs), 0), writeUnavailableMs },
      splitBrain: { occurrences: sb.intervals.length, durationMs: round3(sb.durationUs / 1000), divergentWrites: sb.divergentWrites },
      conflicts: { total: i.conflicts?.total ?? 0, lostUpdates: i.conflicts?.lostUpdates ?? 0 },
      availability: { writes: ratio(rec.writes.acked, rec.writes.total), reads: ratio(served, r.total) },
      failovers: i.failovers,
      failoversRefused: i.failoversRefused,
      ...(traffic ? { traffic } : {}),
      ...(traffic && costs ? { cost: costSummary(costs, traffic, i.hosts ?? [], ids, i.endUs) } : {}),
    },
    series: {
      lagMs: lagSeries,
      staleFraction: reads.map((n, s) => ({ tMs: s * 1000, value: n === 0 ? 0 : round3((stale[s] ?? 0) / n) })),
      writesAcked: series(rec.writesAckedPerSecond.values),
    },
    stalenessCdf: rec.stalenessCdf(),
    timeline: i.timeline,
    faults: i.faults,
    invariantViolations: ledger.violations.slice(0, 20),
  };
}
