// `repsim compare`'s table, pure so the playground builds the same one in
// the browser: rows = the headline metrics (then unavailability per client
// region), columns = variants, cells mean and 95% interval over seeds, the
// best mean per row marked; as text, as JSON (`compare --json`).
import { comparisonTable, COMPARISON_METRICS, formatMeanCi, regionMetrics, type ComparisonTable } from './comparison.ts';
import type { RunResult } from './runs.ts';

/** The rows of compare's table (all lower-is-better), by comparison metric id; the per-region unavailability rows follow them. */
export const COMPARE_METRIC_IDS = ['stalenessP99', 'staleFraction', 'writeLatencyP50', 'writeLatencyP99', 'rpoLostWrites', 'rtoMax', 'splitBrain', 'conflicts', 'lostUpdates', 'localWriteLatencyP50', 'remoteWriteLatencyP50', 'crossRegionGBPerMonth', 'costPerMonth'];

/** compare's table of a result set. */
export function compareTable(runs: readonly RunResult[]): ComparisonTable {
  const metrics = COMPARE_METRIC_IDS.map((id) => COMPARISON_METRICS.find((m) => m.id === id)).filter((m) => m !== undefined);
  return comparisonTable(runs, [...metrics, ...regionMetrics(runs)]);
}

/** The table as text: one row per metric, one column per variant, best marked `*`. */
export function formatComparison(runs: readonly RunResult[]): string {
  const table = compareTable(runs);
  const seeds = table.columns.map((c) => c.runs.length);
  const header = ['metric (lower is better)', ...table.columns.map((c) => c.label)];
  const body = table.rows.map((row) => [row.metric.label, ...row.cells.map((c) => `${formatMeanCi(c)}${c.best ? ' *' : '  '}`)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('   ').trimEnd();
  const n = Math.min(...seeds) === Math.max(...seeds) ? `${seeds[0] ?? 0} seeds` : `${Math.min(...seeds)}–${Math.max(...seeds)} seeds`;
  return [fmt(header), fmt(header.map((_, i) => '-'.repeat(widths[i] as number))), ...body.map(fmt), `mean ± half-width of the 95% interval over ${n}; * best`].join('\n');
}

/** The table as JSON (NaN → null). */
export function comparisonJson(runs: readonly RunResult[], skipped: ReadonlyArray<{ variant: string; reason: string }>): object {
  const table = compareTable(runs);
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return {
    scenario: runs[0]?.scenario ?? null,
    variants: table.columns.map((c) => c.variant),
    seeds: table.columns.map((c) => c.runs.map((r) => r.seed)),
    rows: table.rows.map((row) => ({
      metric: row.metric.id,
      label: row.metric.label,
      cells: Object.fromEntries(row.cells.map((c, i) => [table.columns[i]?.variant ?? String(i), { n: c.n, mean: num(c.mean), halfWidth: num(c.halfWidth), best: c.best }])),
    })),
    skipped,
  };
}
