// Chart: cumulative distribution of read staleness per group, pooled over
// the group's seeds. Reads `stalenessCdf` and `reads` of each run.
//
// A run's `stalenessCdf` lists {ms, fraction of all reads with staleness ≤
// ms}; reads that are not stale count as staleness 0, so below its first
// point a run's CDF is 1 − staleFraction. Pooling weights each run by its
// read count, so the pooled curve is the CDF of all reads of all seeds.
import type { RunResult } from '../runs.ts';
import { CHART_CONFIG, PLOT_HEIGHT_PX, PLOT_WIDTH_PX, VL_SCHEMA, type VlSpec } from '../theme.ts';
import { type ChartGroup, emptyChartSpec, type GroupNoun, groupColorScale, runsNote } from './chart-group.ts';

/** A point of a CDF: fraction of reads with staleness ≤ ms. */
export interface CdfPoint {
  ms: number;
  fraction: number;
}

/** Lowest staleness the x axis shows, ms (smaller steps are drawn at the left edge). */
const MIN_AXIS_MS = 0.1;
/** Above this many distinct staleness values the pooled CDF is evaluated on a log grid instead. */
const MAX_POINTS = 400;

/** A run's CDF evaluated at `ms` (step function, right-continuous). */
function runCdfAt(run: RunResult, ms: number): number {
  let value = 1 - run.metrics.reads.staleFraction;
  for (const p of run.stalenessCdf) {
    if (p.ms > ms) break;
    value = p.fraction;
  }
  return value;
}

/** Positive staleness values at which any of `runs` has a CDF step, ascending. */
function breakpoints(runs: readonly RunResult[]): number[] {
  const all = new Set<number>();
  for (const r of runs) for (const p of r.stalenessCdf) if (p.ms > 0) all.add(p.ms);
  return [...all].sort((a, b) => a - b);
}

/** `count` log-spaced points from `lo` to `hi` inclusive. */
function logGrid(lo: number, hi: number, count: number): number[] {
  if (hi <= lo) return [lo];
  const step = Math.log(hi / lo) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? hi : lo * Math.exp(step * i)));
}

/**
 * The CDF of staleness over all reads of `runs` (weighted by each run's read
 * count), evaluated at `at` (default: every run's breakpoints, or a log grid
 * if there are many). Empty when no run has reads.
 */
export function pooledStalenessCdf(runs: readonly RunResult[], at?: readonly number[]): CdfPoint[] {
  const weighted = runs.filter((r) => r.metrics.reads.total > 0);
  const totalReads = weighted.reduce((s, r) => s + r.metrics.reads.total, 0);
  if (totalReads === 0) return [];
  let xs = at ?? breakpoints(weighted);
  if (at === undefined && xs.length > MAX_POINTS) xs = logGrid(xs[0] ?? 1, xs[xs.length - 1] ?? 1, MAX_POINTS);
  // Each run's CDF points are ascending by ms (the Summary's contract); sort defensively once.
  const sortedRuns = weighted.map((r) => ({ ...r, stalenessCdf: [...r.stalenessCdf].sort((a, b) => a.ms - b.ms) }));
  return xs.map((ms) => ({
    ms,
    fraction: sortedRuns.reduce((s, r) => s + runCdfAt(r, ms) * r.metrics.reads.total, 0) / totalReads,
  }));
}

/** Staleness CDF per group on a log time axis. `noun` names a group in the legend. */
export function stalenessCdfSpec(groups: readonly ChartGroup[], noun: GroupNoun = 'variant'): VlSpec {
  const title = 'Read staleness: cumulative distribution';
  const xs = breakpoints(groups.flatMap((g) => g.runs));
  if (xs.length === 0) {
    return emptyChartSpec(title, 'No stale reads in any run: every read reflected all writes acknowledged before it began.');
  }
  const last = xs[xs.length - 1] ?? 1;
  // Staleness under 0.1 ms is noise on a ms axis: start there unless everything is smaller.
  const lo = Math.max(xs[0] ?? 1, Math.min(MIN_AXIS_MS, last / 10));
  const hi = last > lo ? last : lo * 10;
  // A common grid: every group's curve spans the whole axis (a group with no
  // stale reads is a flat line at 100%).
  const grid = xs.length > MAX_POINTS ? logGrid(lo, hi, MAX_POINTS) : xs;
  const values = groups.flatMap((g) =>
    pooledStalenessCdf(g.runs, grid).map((p) => ({ group: g.label, ms: p.ms, fraction: p.fraction })),
  );
  const seedNote = runsNote(groups);
  return {
    $schema: VL_SCHEMA,
    title: {
      text: title,
      subtitle: [
        `Fraction of all reads whose staleness is at most x; pooled over ${seedNote} per ${noun}.`,
        'Reads that were not stale count at 0 ms, so each curve starts at 1 − stale fraction.',
      ],
    },
    width: PLOT_WIDTH_PX,
    height: PLOT_HEIGHT_PX,
    config: CHART_CONFIG,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: true },
    encoding: {
      x: {
        field: 'ms',
        type: 'quantitative',
        title: 'Staleness (ms, log scale)',
        scale: { type: 'log', domain: [lo, hi], nice: false },
      },
      y: {
        field: 'fraction',
        type: 'quantitative',
        title: 'Fraction of reads with staleness ≤ x',
        scale: { zero: false, nice: true },
        axis: { format: '.2~%' },
      },
      color: { field: 'group', type: 'nominal', title: noun === 'variant' ? 'Variant' : 'Configuration', scale: groupColorScale(groups), sort: null },
    },
  };
}
