// Chart: acknowledged writes lost (RPO) and worst recovery time (RTO) per
// group: mean over seeds as a bar, its 95% t-interval as an error bar, and
// each seed as a dot. Reads `metrics.rpo.lostAckedWrites` and `metrics.rto.maxMs`.
import { formatMeanCi, formatNumber } from '../format.ts';
import { meanCi95 } from '../stats.ts';
import { CHART_CONFIG, PLOT_WIDTH_PX, VL_SCHEMA, type VlConcatChild, type VlLayer, type VlSpec } from '../theme.ts';
import type { RunResult } from '../runs.ts';
import { type ChartGroup, type GroupNoun, groupColorScale, runsNote } from './chart-group.ts';

/** Height of one group's bar row, px. */
const ROW_PX = 30;

interface Panel {
  title: string;
  axisTitle: string;
  /** The run's value in the panel's unit. */
  value: (r: RunResult) => number;
}

const PANELS: Panel[] = [
  {
    title: 'Data loss (RPO): acknowledged writes no surviving node holds',
    axisTitle: 'Lost acknowledged writes per run (count)',
    value: (r) => r.metrics.rpo.lostAckedWrites,
  },
  {
    title: 'Recovery time (RTO): fault to first write on the new primary, worst failover',
    axisTitle: 'RTO, worst failover per run (s)',
    value: (r) => r.metrics.rto.maxMs / 1000,
  },
];

function panelSpec(panel: Panel, groups: readonly ChartGroup[]): VlConcatChild {
  const rows = groups.map((g) => {
    const ci = meanCi95(g.runs.map(panel.value));
    const hasCi = Number.isFinite(ci.halfWidth);
    // Metrics are non-negative: the drawn interval is clamped at 0.
    const low = hasCi ? Math.max(0, ci.low) : ci.mean;
    const high = hasCi ? ci.high : ci.mean;
    const text = hasCi ? formatMeanCi(ci) : `${formatNumber(ci.mean)} (${ci.n === 1 ? '1 seed' : 'no runs'})`;
    return { group: g.label, mean: ci.mean, low, high, text, n: ci.n, hasCi };
  });
  const withCi = rows.filter((r) => r.hasCi);
  const seeds = groups.flatMap((g) => g.runs.map((r) => ({ group: g.label, value: panel.value(r), seed: r.seed })));
  const maxX = Math.max(0, ...rows.map((r) => r.high), ...seeds.map((s) => s.value));
  // Room on the right for the value labels.
  const domainMax = maxX > 0 ? maxX * 1.3 : 1;
  const y = { field: 'group', type: 'nominal' as const, title: null, sort: groups.map((g) => g.label) };
  const x = { type: 'quantitative' as const, scale: { domain: [0, domainMax], nice: false } };
  return {
    title: { text: panel.title, fontSize: 13, fontWeight: 'bold' },
    width: PLOT_WIDTH_PX - 120,
    height: Math.max(60, groups.length * ROW_PX),
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', opacity: 0.85, height: { band: 0.6 } },
        encoding: {
          y,
          x: { ...x, field: 'mean', title: panel.axisTitle },
          color: { field: 'group', type: 'nominal', scale: groupColorScale(groups), legend: null },
        },
      },
      ...(withCi.length === 0
        ? []
        : ([
            {
              data: { values: withCi },
              mark: { type: 'rule', color: '#111111', strokeWidth: 1.5 },
              encoding: { y, x: { ...x, field: 'low' }, x2: { field: 'high' } },
            },
            {
              data: { values: withCi },
              mark: { type: 'tick', color: '#111111', thickness: 1.5, size: 12, orient: 'vertical' },
              encoding: { y, x: { ...x, field: 'low' } },
            },
            {
              data: { values: withCi },
              mark: { type: 'tick', color: '#111111', thickness: 1.5, size: 12, orient: 'vertical' },
              encoding: { y, x: { ...x, field: 'high' } },
            },
          ] satisfies VlLayer[])),
      {
        data: { values: seeds },
        mark: { type: 'point', shape: 'circle', filled: true, size: 28, color: '#111111', opacity: 0.55, yOffset: 8 },
        encoding: { y, x: { ...x, field: 'value' } },
      },
      {
        data: { values: rows.map((r) => ({ ...r, at: Math.max(r.high, ...seeds.filter((s) => s.group === r.group).map((s) => s.value)) })) },
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 8, fontSize: 11, color: '#222222' },
        encoding: { y, x: { ...x, field: 'at' }, text: { field: 'text', type: 'nominal' } },
      },
    ],
  };
}

/** RPO and RTO panels, one bar per group, stacked vertically. `noun` names a group in the title. */
export function rpoRtoSpec(groups: readonly ChartGroup[], noun: GroupNoun = 'variant'): VlSpec {
  const seedNote = runsNote(groups);
  const anyCi = groups.some((g) => g.runs.length > 1);
  return {
    $schema: VL_SCHEMA,
    title: {
      text: `Data loss and recovery time per ${noun}`,
      subtitle: [
        anyCi
          ? `Bar: mean over ${seedNote}; black line: 95% t-interval (clamped at 0); dots: individual seeds.`
          : 'One seed per bar: no interval. Run more seeds (repsim compare) for 95% intervals.',
      ],
    },
    config: CHART_CONFIG,
    vconcat: PANELS.map((p) => panelSpec(p, groups)),
  };
}
