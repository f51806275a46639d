// The comparison table of a result set: per configuration (variant and
// sweep parameters), the mean and 95% t-interval over seeds of the metrics
// that decide a design, with the best mean of each row marked. Pure; the
// HTML page and `repsim compare` format it.
import { numberAt } from './metric-path.ts';
import { type Configuration, groupConfigurations, type RunResult } from './runs.ts';
import { meanCi95, type MeanCi } from './stats.ts';

export { decimalsFor, formatMeanCi, formatNumber } from './format.ts';

/** A row of the comparison table. */
export interface ComparisonMetric {
  /** Stable id, e.g. `stalenessP99`. */
  id: string;
  /** Row label with unit, e.g. `Staleness p99 (ms)`. */
  label: string;
  /** Summary path of the per-run value. */
  path: string;
  /** Display value = run value × scale (e.g. 1/1000 for ms → s, 100 for a fraction → %). */
  scale: number;
  /** Which direction is better. */
  better: 'lower' | 'higher';
  /** A row only some topologies report: left out when no run has a value. */
  optional?: boolean;
}

/** The rows of the standard comparison, in order. */
export const COMPARISON_METRICS: readonly ComparisonMetric[] = [
  { id: 'stalenessP99', label: 'Read staleness p99 (ms)', path: 'metrics.reads.stalenessMs.p99', scale: 1, better: 'lower' },
  { id: 'staleFraction', label: 'Stale reads (%)', path: 'metrics.reads.staleFraction', scale: 100, better: 'lower' },
  { id: 'writeLatencyP50', label: 'Write latency p50 (ms)', path: 'metrics.writes.latencyMs.p50', scale: 1, better: 'lower' },
  { id: 'writeLatencyP99', label: 'Write latency p99 (ms)', path: 'metrics.writes.latencyMs.p99', scale: 1, better: 'lower' },
  { id: 'rpoLostWrites', label: 'RPO: lost acknowledged writes', path: 'metrics.rpo.lostAckedWrites', scale: 1, better: 'lower' },
  { id: 'rtoMax', label: 'RTO, worst failover (s)', path: 'metrics.rto.maxMs', scale: 1 / 1000, better: 'lower' },
  { id: 'splitBrain', label: 'Split-brain occurrences', path: 'metrics.splitBrain.occurrences', scale: 1, better: 'lower' },
  { id: 'conflicts', label: 'Conflicts', path: 'metrics.conflicts.total', scale: 1, better: 'lower' },
  { id: 'lostUpdates', label: 'Lost updates', path: 'metrics.conflicts.lostUpdates', scale: 1, better: 'lower' },
  { id: 'writeAvailability', label: 'Write availability (%)', path: 'metrics.availability.writes', scale: 100, better: 'higher' },
  // consensus with per-table placement: rows whose group is led from the client's region, and the others.
  { id: 'localWriteLatencyP50', label: 'Local-row write latency p50 (ms)', path: 'metrics.consensus.latencyMs.local.writes.p50', scale: 1, better: 'lower', optional: true },
  { id: 'remoteWriteLatencyP50', label: 'Remote-row write latency p50 (ms)', path: 'metrics.consensus.latencyMs.remote.writes.p50', scale: 1, better: 'lower', optional: true },
  // Traffic (every simulated run; absent from results written before it existed) and cost (with `costs` in the scenario).
  { id: 'crossRegionGBPerMonth', label: 'Cross-region transfer (GB per 30 days)', path: 'metrics.traffic.crossRegionBytesPerSecond', scale: (30 * 86_400) / 1e9, better: 'lower', optional: true },
  { id: 'costPerMonth', label: 'Cost per 30 days (transfer and hosts)', path: 'metrics.cost.perMonth', scale: 1, better: 'lower', optional: true },
];

/**
 * Per-region rows for `runs`: write unavailability for every client region
 * any run reports, then read unavailability (absent from results written
 * before `metrics.reads.unavailableMs` existed). Ids are
 * `writeUnavailable:<region>` / `readUnavailable:<region>`.
 */
export function regionMetrics(runs: readonly RunResult[]): ComparisonMetric[] {
  const regionsAt = (pick: (r: RunResult) => Record<string, number> | undefined): string[] => {
    const out: string[] = [];
    for (const r of runs) for (const id of Object.keys(pick(r) ?? {})) if (!out.includes(id)) out.push(id);
    return out;
  };
  const writes = regionsAt((r) => r.metrics.rto.writeUnavailableMs).map(
    (id): ComparisonMetric => ({ id: `writeUnavailable:${id}`, label: `Writes unavailable, ${id} (s)`, path: `metrics.rto.writeUnavailableMs.${id}`, scale: 1 / 1000, better: 'lower' }),
  );
  const reads = regionsAt((r) => r.metrics.reads.unavailableMs).map(
    (id): ComparisonMetric => ({ id: `readUnavailable:${id}`, label: `Reads unavailable, ${id} (s)`, path: `metrics.reads.unavailableMs.${id}`, scale: 1 / 1000, better: 'lower' }),
  );
  return [...writes, ...reads];
}

/** One cell: the statistic over the configuration's seeds, in display units. */
export interface ComparisonCell extends MeanCi {
  /** True if this mean is the row's best and the row's means are not all equal. */
  best: boolean;
}

export interface ComparisonRow {
  metric: ComparisonMetric;
  /** One cell per column, in column order. */
  cells: ComparisonCell[];
}

export interface ComparisonTable {
  /** Configurations, in result order. */
  columns: Configuration[];
  rows: ComparisonRow[];
}

/** Relative tolerance under which two means count as equal. */
const EQUAL_RELATIVE = 1e-9;

function equalish(a: number, b: number): boolean {
  return Math.abs(a - b) <= EQUAL_RELATIVE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The comparison table of `runs` over `metrics` (default: the standard rows, then the per-region rows). */
export function comparisonTable(
  runs: readonly RunResult[],
  metrics: readonly ComparisonMetric[] = [...COMPARISON_METRICS, ...regionMetrics(runs)],
): ComparisonTable {
  const columns = groupConfigurations(runs);
  const reported = metrics.filter((m) => m.optional !== true || runs.some((r) => numberAt(r, m.path) !== undefined));
  const rows = reported.map((metric) => {
    const stats = columns.map((c) =>
      meanCi95(c.runs.map((r) => numberAt(r, metric.path)).filter((v): v is number => v !== undefined).map((v) => v * metric.scale)),
    );
    const means = stats.map((s) => s.mean).filter((m) => !Number.isNaN(m));
    const best = means.length === 0 ? NaN : metric.better === 'lower' ? Math.min(...means) : Math.max(...means);
    const allEqual = means.every((m) => equalish(m, best));
    const cells = stats.map((s) => ({ ...s, best: !allEqual && !Number.isNaN(s.mean) && equalish(s.mean, best) }));
    return { metric, cells };
  });
  return { columns, rows };
}
