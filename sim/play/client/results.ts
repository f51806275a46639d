// What the page shows of a batch: `repsim compare`'s table (the same rows,
// built by the same code, each cell also carrying the exact text the CLI
// prints for it) and the report's charts (the same Vega-Lite specs from
// chartSet), rendered by Vega in the page, each with SVG and PNG downloads.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { compareTable } from '../../report/compare-table.ts';
import { chartSet, type ChartDef } from '../../report/chart-set.ts';
import { type ComparisonCell, formatMeanCi } from '../../report/comparison.ts';
import { decimalsFor, formatNumber } from '../../report/format.ts';
import { escapeHtml as esc, inlineSvg } from '../../report/html-kit.ts';
import type { RunResult } from '../../report/runs.ts';

function cellHtml(cell: ComparisonCell): string {
  const d = decimalsFor(cell.mean);
  const interval = Number.isFinite(cell.halfWidth) ? `<span class="ci">${esc(`${formatNumber(Math.max(0, cell.low), d)} – ${formatNumber(cell.high, d)}`)}</span>` : '';
  return `<td class="num${cell.best ? ' best' : ''}" data-cli="${esc(formatMeanCi(cell))}">${cell.best ? '★ ' : ''}${esc(formatNumber(cell.mean, d))}${interval}</td>`;
}

/** compare's table as HTML: a row per metric, a column per variant. */
export function tableHtml(runs: readonly RunResult[]): string {
  const t = compareTable(runs);
  const head = t.columns.map((c) => `<th scope="col" data-variant="${esc(c.variant)}">${esc(c.label)}<span class="ci">${c.runs.length} seed${c.runs.length === 1 ? '' : 's'}</span></th>`).join('');
  const body = t.rows.map((r) => `<tr data-metric="${esc(r.metric.id)}"><th scope="row">${esc(r.metric.label)}</th>${r.cells.map(cellHtml).join('')}</tr>`).join('\n');
  return `<div class="table-scroll"><table class="comparison"><thead><tr><th scope="col">metric (lower is better)</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A chart drawn in the page: its definition and its Vega view (for SVG and PNG). */
export interface DrawnChart {
  def: ChartDef;
  view: vega.View;
  svg: string;
}

/** The report's charts of these runs. */
export function chartDefs(runs: readonly RunResult[]): ChartDef[] {
  return chartSet(runs);
}

/** Renders one chart headlessly (no DOM of its own) and returns its SVG. */
export async function drawChart(def: ChartDef): Promise<DrawnChart> {
  const spec = compile(def.spec).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  return { def, view, svg };
}

/** The figure of a chart, with its download buttons (wired by the page). */
export function figureHtml(chart: DrawnChart, index: number): string {
  const id = `chart-${index}-${chart.def.name}`;
  return `<figure class="chart" id="${esc(id)}" data-chart="${index}" aria-label="${esc(chart.def.title)}">${inlineSvg(chart.svg, id)}<figcaption>${esc(chart.def.caption)} <button data-download="svg" data-chart="${index}">SVG</button> <button data-download="png" data-chart="${index}">PNG</button></figcaption></figure>`;
}
