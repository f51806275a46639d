// Chart: t-visibility per group — the probability that a read started t
// after the ack of the latest write to its key reflects it (docs/model.md),
// pooled over the group's seeds. Reads `metrics.reads.visibility.points`;
// runs without it (topologies that do not report visibility) are left out.
//
// A point covers reads with t in [point, next point); pooling weights each
// run's point by its read count, so the pooled value is the fraction of all
// the group's reads in that range that were consistent. Ranges no read fell
// in are left out of the line.
import type { RunResult } from '../runs.ts';
import { CHART_CONFIG, PLOT_HEIGHT_PX, PLOT_WIDTH_PX, VL_SCHEMA, type VlSpec } from '../theme.ts';
import { type ChartGroup, emptyChartSpec, type GroupNoun, groupColorScale, runsNote } from './chart-group.ts';

/** x position of the t = 0 point on the log axis, ms. */
const ZERO_AT_MS = 0.05;

/** Pooled P(consistent) per visibility point of `runs`: [{tMs, p, reads}] for points with reads. */
export function pooledVisibility(runs: readonly RunResult[]): Array<{ tMs: number; p: number; reads: number }> {
  const acc = new Map<number, { ok: number; n: number }>();
  for (const r of runs) {
    for (const pt of r.metrics.reads.visibility?.points ?? []) {
      if (pt.reads === 0 || pt.p === null) continue;
      const a = acc.get(pt.tMs) ?? { ok: 0, n: 0 };
      a.ok += pt.p * pt.reads;
      a.n += pt.reads;
      acc.set(pt.tMs, a);
    }
  }
  return [...acc.entries()].sort((a, b) => a[0] - b[0]).map(([tMs, a]) => ({ tMs, p: a.ok / a.n, reads: a.n }));
}

/** Whether any run reports t-visibility. */
export function hasVisibility(runs: readonly RunResult[]): boolean {
  return runs.some((r) => (r.metrics.reads.visibility?.points ?? []).some((p) => p.reads > 0));
}

export function visibilitySpec(groups: readonly ChartGroup[], noun: GroupNoun = 'variant'): VlSpec {
  const title = 'P(consistent read) against time since the write’s ack';
  const values = groups.flatMap((g) =>
    pooledVisibility(g.runs).map((p) => ({ group: g.label, ms: p.tMs === 0 ? ZERO_AT_MS : p.tMs, p: p.p, reads: p.reads })),
  );
  if (values.length === 0) return emptyChartSpec(title, 'No run reports t-visibility.');
  return {
    $schema: VL_SCHEMA,
    title: {
      text: title,
      subtitle: [
        `Share of reads started t after the latest write to their key was acknowledged that reflect it; pooled over ${runsNote(groups)} per ${noun}.`,
        `Each point covers t from its x to the next point; t = 0 is drawn at ${ZERO_AT_MS} ms.`,
      ],
    },
    width: PLOT_WIDTH_PX,
    height: PLOT_HEIGHT_PX,
    config: CHART_CONFIG,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 't since the write’s ack (ms, log scale)', scale: { type: 'log', nice: false } },
      y: { field: 'p', type: 'quantitative', title: 'P(consistent read)', scale: { zero: false, nice: true }, axis: { format: '.2~%' } },
      color: { field: 'group', type: 'nominal', title: noun === 'variant' ? 'Variant' : 'Configuration', scale: groupColorScale(groups), sort: null },
      tooltip: [
        { field: 'group', type: 'nominal' },
        { field: 'ms', type: 'quantitative', title: 't (ms)' },
        { field: 'p', type: 'quantitative', format: '.4~%' },
        { field: 'reads', type: 'quantitative' },
      ],
    },
  };
}
