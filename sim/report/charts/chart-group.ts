// A group of runs drawn as one series (one colour) in a chart, and the
// Vega-Lite colour scale that keeps each group's colour the same across
// charts. Also the placeholder spec for a chart with nothing to draw.
import type { RunResult } from '../runs.ts';
import { CHART_CONFIG, PLOT_WIDTH_PX, VL_SCHEMA, type VlSpec } from '../theme.ts';

/** Runs drawn as one series: normally one configuration over its seeds. */
export interface ChartGroup {
  /** Legend label, unique among the groups of one chart. */
  label: string;
  /** CSS colour of the series. */
  color: string;
  runs: RunResult[];
}

/** What one group is called in titles and legends. */
export type GroupNoun = 'variant' | 'configuration';

/** A Vega-Lite ordinal colour scale mapping each group label to its colour, in group order. */
export function groupColorScale(groups: readonly ChartGroup[]): { domain: string[]; range: string[] } {
  return { domain: groups.map((g) => g.label), range: groups.map((g) => g.color) };
}

/** A chart that says why there is nothing to draw, so no chart is ever blank. */
export function emptyChartSpec(title: string, message: string): VlSpec {
  return {
    $schema: VL_SCHEMA,
    title: { text: title },
    width: PLOT_WIDTH_PX,
    height: 60,
    config: { ...CHART_CONFIG, view: { stroke: null } },
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 13, color: '#444444' },
    encoding: { text: { field: 'message', type: 'nominal' } },
  };
}

/** "a->b" or "a→b" channel key as display text "a → b". */
export function channelLabel(key: string): string {
  return key.replace(/\s*(->|→)\s*/, ' → ');
}

/**
 * What the runs of each group are, for subtitles: "3 seeds" when every group
 * has that many runs with distinct seeds, else "N runs" or "the runs".
 */
export function runsNote(groups: ReadonlyArray<{ runs: ReadonlyArray<{ seed: number }> }>): string {
  const counts = new Set(groups.map((g) => g.runs.length));
  const bySeed = groups.every((g) => new Set(g.runs.map((r) => r.seed)).size === g.runs.length);
  const [only] = counts;
  if (counts.size !== 1 || only === undefined) return bySeed ? 'the seeds' : 'the runs';
  const what = bySeed ? 'seed' : 'run';
  return `${only} ${what}${only === 1 ? '' : 's'}`;
}

/** Which run a one-run-per-configuration chart shows: its seed, and why it stands for the group. */
export function representativeRunNote(seed: number, runsInGroup: number): string {
  return runsInGroup > 1 ? `seed ${seed} (the run with the median lag p99 of ${runsInGroup})` : `seed ${seed}`;
}
