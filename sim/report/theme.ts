// The look shared by every chart: font, sizes, and colour-blind-safe
// palettes (Okabe & Ito, "Color Universal Design"). Also the Vega-Lite spec
// types the chart builders use. Pure data.
import type { Config, TopLevelSpec } from 'vega-lite';
import type { TimelineSegment } from '../scenario/summary-types.ts';

/** A Vega-Lite top-level spec (re-exported so chart files need one import). */
export type VlSpec = TopLevelSpec;
/** A child of a layer spec: a unit spec or a nested layer. */
export type VlLayer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];
/** A child of a vconcat spec. */
export type VlConcatChild = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

/** The font every chart uses; render.ts loads the DejaVu TTF files for it. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Plot-area width in px: with axes and legend a chart stays under ~860 px. */
export const PLOT_WIDTH_PX = 620;
/** Plot-area height in px of a single-panel chart. */
export const PLOT_HEIGHT_PX = 260;

/** The Vega-Lite schema URL written into `.vl.json` files (an identifier for editors; never fetched). */
export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Shared chart config. */
export const CHART_CONFIG: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 12,
  view: { stroke: '#bbbbbb' },
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#444444', anchor: 'start', offset: 10, subtitlePadding: 4 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: '#222222',
    labelColor: '#333333',
    gridColor: '#e6e6e6',
    labelOverlap: true,
  },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, symbolSize: 120, orient: 'right' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  concat: { spacing: 28 },
};

/**
 * Okabe–Ito categorical colours, ordered for contrast on white (yellow last:
 * weakest on white). Variants take them in order.
 */
export const CATEGORY_COLORS: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
];

/** The colour of the i-th category (cycling through the palette). */
export function categoryColor(i: number): string {
  return CATEGORY_COLORS[i % CATEGORY_COLORS.length] ?? '#000000';
}

/** Timeline states in legend order, with a fixed colour each (same in every chart). */
export const STATE_COLORS: ReadonlyArray<readonly [TimelineSegment['state'], string]> = [
  ['primary', '#0072B2'],
  ['replica', '#56B4E9'],
  ['rebuilding', '#009E73'],
  ['paused', '#F0E442'],
  ['partitioned', '#E69F00'],
  ['fenced', '#CC79A7'],
  ['down', '#D55E00'],
  ['leader', '#0072B2'],
  ['follower', '#56B4E9'],
  ['candidate', '#999999'],
  ['unreachable', '#E69F00'],
];

/** Fill of fault-window shading. */
export const FAULT_FILL = '#7f7f7f';
/** Colour of fault-window outlines and labels. */
export const FAULT_INK = '#333333';
