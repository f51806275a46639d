// Chart: how long each region's clients could not write and could not
// read, per group, side by side: one band per region, one bar per group
// inside it, mean over seeds with its 95% t-interval. Reads
// `metrics.rto.writeUnavailableMs` and `metrics.reads.unavailableMs` (both
// per client region, ms: seconds weighted by the share of that region's
// operations that failed; results written before the read key existed
// get the write panel only).
import { meanCi95 } from '../stats.ts';
import type { RunResult } from '../runs.ts';
import { CHART_CONFIG, PLOT_WIDTH_PX, VL_SCHEMA, type VlConcatChild, type VlLayer, type VlSpec } from '../theme.ts';
import { type ChartGroup, type GroupNoun, emptyChartSpec, groupColorScale, runsNote } from './chart-group.ts';

/** Height of one bar inside a region's band, px (a band holds a bar per group and one bar's gap). */
const BAR_PX = 14;

/** A per-region measure of unavailability. */
interface Panel {
  title: string;
  axisTitle: string;
  /** The run's per-region values, ms; undefined when the run does not measure it. */
  perRegion: (r: RunResult) => Record<string, number> | undefined;
}

const PANELS: Readonly<Record<'writes' | 'reads', Panel>> = {
  writes: {
    title: 'Writes unavailable per client region',
    axisTitle: 'Write unavailability (s, weighted by the share of writes that failed)',
    perRegion: (r) => r.metrics.rto.writeUnavailableMs,
  },
  reads: {
    title: 'Reads unavailable per client region',
    axisTitle: 'Read unavailability (s, weighted by the share of reads that failed)',
    perRegion: (r) => r.metrics.reads.unavailableMs,
  },
};

/** The regions a panel has values for, in first-seen order. */
function regionsOf(panel: Panel, groups: readonly ChartGroup[]): string[] {
  const out: string[] = [];
  for (const g of groups) for (const r of g.runs) for (const id of Object.keys(panel.perRegion(r) ?? {})) if (!out.includes(id)) out.push(id);
  return out;
}

/** One row per (region, group) that measured the quantity: mean over the group's runs and its 95% t-interval, in seconds. */
export function unavailabilityRows(
  which: keyof typeof PANELS,
  groups: readonly ChartGroup[],
): Array<{ region: string; group: string; mean: number; low: number; high: number; n: number }> {
  const panel = PANELS[which];
  const rows = [];
  for (const region of regionsOf(panel, groups)) {
    for (const g of groups) {
      const values = g.runs.map((r) => panel.perRegion(r)?.[region]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).map((v) => v / 1000);
      if (values.length === 0) continue;
      const ci = meanCi95(values);
      const hasCi = Number.isFinite(ci.halfWidth);
      rows.push({ region, group: g.label, mean: ci.mean, low: hasCi ? Math.max(0, ci.low) : ci.mean, high: hasCi ? ci.high : ci.mean, n: ci.n });
    }
  }
  return rows;
}

function panelSpec(which: keyof typeof PANELS, groups: readonly ChartGroup[]): VlConcatChild | undefined {
  const panel = PANELS[which];
  const rows = unavailabilityRows(which, groups);
  if (rows.length === 0) return undefined;
  const regions = regionsOf(panel, groups);
  const maxX = Math.max(0, ...rows.map((r) => r.high));
  const x = { type: 'quantitative' as const, scale: { domain: [0, maxX > 0 ? maxX * 1.1 : 1], nice: false } };
  const y = { field: 'region', type: 'nominal' as const, title: 'Client region', sort: regions };
  const shown = groups.map((g) => g.label).filter((label) => rows.some((r) => r.group === label));
  const yOffset = { field: 'group', type: 'nominal' as const, scale: { domain: shown } };
  const withCi = rows.filter((r) => r.high > r.low);
  const layers: VlLayer[] = [
    {
      data: { values: rows },
      mark: { type: 'bar', opacity: 0.85 },
      encoding: {
        y,
        yOffset,
        x: { ...x, field: 'mean', title: panel.axisTitle },
        color: { field: 'group', type: 'nominal', scale: groupColorScale(groups), title: null },
        tooltip: [
          { field: 'region', type: 'nominal' },
          { field: 'group', type: 'nominal' },
          { field: 'mean', type: 'quantitative', format: '.3f', title: 'mean (s)' },
          { field: 'n', type: 'quantitative', title: 'runs' },
        ],
      },
    },
  ];
  if (withCi.length > 0)
    layers.push({
      data: { values: withCi },
      mark: { type: 'rule', color: '#111111', strokeWidth: 1.5 },
      encoding: { y, yOffset, x: { ...x, field: 'low' }, x2: { field: 'high' } },
    });
  return {
    title: { text: panel.title, fontSize: 13, fontWeight: 'bold' },
    width: PLOT_WIDTH_PX - 120,
    height: regions.length * (shown.length + 1) * BAR_PX,
    layer: layers,
  };
}

/** Whether any run reports per-region unavailability worth a chart (some region lost writes or reads). */
export function hasUnavailability(runs: readonly RunResult[]): boolean {
  return runs.some((r) => Object.values(PANELS).some((p) => Object.values(p.perRegion(r) ?? {}).some((v) => v > 0)));
}

/** Write (and, where measured, read) unavailability per client region, one bar per group. */
export function unavailabilitySpec(groups: readonly ChartGroup[], noun: GroupNoun = 'variant'): VlSpec {
  const title = `Unavailability per region and ${noun}`;
  const panels = (['writes', 'reads'] as const).map((p) => panelSpec(p, groups)).filter((p): p is VlConcatChild => p !== undefined);
  if (panels.length === 0) return emptyChartSpec(title, 'No run reports unavailability per region.');
  const anyCi = groups.some((g) => g.runs.length > 1);
  return {
    $schema: VL_SCHEMA,
    title: {
      text: title,
      subtitle: [
        anyCi
          ? `Bar: mean over ${runsNote(groups)}; black line: 95% t-interval (clamped at 0). A missing bar: that ${noun} does not measure it.`
          : `One seed per bar: no interval. A missing bar: that ${noun} does not measure it.`,
      ],
    },
    config: CHART_CONFIG,
    // Each panel places only the groups that measure its quantity inside a region's band.
    resolve: { scale: { yOffset: 'independent' } },
    vconcat: panels,
  };
}
