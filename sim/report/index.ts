// The report writer's public API, used by `repsim report`, `run --out`,
// `compare --out` and the main job. Reads a result set, renders its charts
// (Vega-Lite → SVG → PNG) and writes a self-contained index.html beside
// them. Filesystem access in sim/report/ is confined to this file,
// result-set.ts (reading results), render.ts (chart files, fonts) and
// text-metrics.ts (fonts); chart, table and page builders are pure.
//
//   result dir ──read──▶ runs ──chartSet──▶ specs ──render──▶ charts/NAME.{vl.json,svg,png}
//                          └──────comparison, replay keys──────▶ index.html
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChartDef, type ChartSetOptions, chartSet } from './chart-set.ts';
import { type PageChart, renderScenarioPage } from './html.ts';
import { type ChartFiles, type RenderedChart, renderChart, writeRenderedChart } from './render.ts';
import { readResultSet } from './result-set.ts';
import type { RunResult } from './runs.ts';
import { type Headline, headlineNumbers, renderSiteIndex, type SiteIndexEntry, type SiteIndexOptions } from './site-index.ts';

export { meanCi95, type MeanCi } from './stats.ts';
export { comparisonTable, COMPARISON_METRICS, formatMeanCi, formatNumber, type ComparisonTable } from './comparison.ts';
export { tradeoffSpec, type TradeoffOptions } from './charts/tradeoff.ts';
export { chartSet, type ChartDef, type ChartSetOptions } from './chart-set.ts';
export { readResultSet, type ResultSet, type ScenarioInfo } from './result-set.ts';
export { headlineNumbers, type Headline, type SiteIndexEntry } from './site-index.ts';
export type { RunResult } from './runs.ts';

/** Sub-directory of the output directory that holds the chart files. */
export const CHARTS_DIR = 'charts';

/** What writeReport wrote. */
export interface ReportResult {
  /** Path of the written index.html. */
  indexHtml: string;
  /** Paths of every chart file written (NAME.vl.json, NAME.svg, NAME.png per chart), in page order. */
  charts: string[];
  /** Headline numbers of the result set, for a site index entry. */
  headline: Headline[];
  /** Scenario name (scenario.json, else the runs' scenario). */
  name: string;
  /** Scenario description, if scenario.json has one. */
  description?: string;
}

function filesOf(f: ChartFiles): string[] {
  return [f.vegaLite, f.svg, f.png];
}

async function renderAll(defs: readonly ChartDef[], dir: string): Promise<Array<{ def: ChartDef; rendered: RenderedChart; files: ChartFiles }>> {
  const out = [];
  for (const def of defs) {
    const rendered = await renderChart(def);
    out.push({ def, rendered, files: await writeRenderedChart(rendered, dir) });
  }
  return out;
}

/**
 * Writes the report of the result set in `resultDir` (results.jsonl or
 * summary.json, plus scenario.json if present) into `outDir` (default:
 * `resultDir`): index.html and charts/NAME.{vl.json,svg,png}; `links.playground`
 * adds an "open in playground" link to the page. Throws
 * InputError if the directory is missing or holds no results.
 */
export async function writeReport(resultDir: string, outDir: string = resultDir, options: ChartSetOptions = {}, links: { playground?: string } = {}): Promise<ReportResult> {
  const set = await readResultSet(resultDir);
  await mkdir(outDir, { recursive: true });
  const charts = await renderAll(chartSet(set.runs, options), join(outDir, CHARTS_DIR));
  const pageCharts: PageChart[] = charts.map(({ def, rendered }) => ({
    def,
    svg: rendered.svg,
    hrefs: {
      png: `${CHARTS_DIR}/${def.name}.png`,
      svg: `${CHARTS_DIR}/${def.name}.svg`,
      vegaLite: `${CHARTS_DIR}/${def.name}.vl.json`,
    },
  }));
  const indexHtml = join(outDir, 'index.html');
  await writeFile(indexHtml, renderScenarioPage({ scenario: set.scenario, runs: set.runs, charts: pageCharts, ...(links.playground !== undefined ? { playground: links.playground } : {}) }));
  const name = set.scenario.name ?? [...new Set(set.runs.map((r) => r.scenario))].join(', ');
  return {
    indexHtml,
    charts: charts.flatMap((c) => filesOf(c.files)),
    headline: headlineNumbers(set.runs),
    name,
    ...(set.scenario.description !== undefined ? { description: set.scenario.description } : {}),
  };
}

/**
 * Writes the charts of `summaries` (one run, or many runs of one scenario)
 * into `outDir` as NAME.vl.json, NAME.svg and NAME.png; no HTML. Resolves to
 * the paths written, in chart order.
 */
export async function writeCharts(summaries: readonly RunResult[], outDir: string, options: ChartSetOptions = {}): Promise<string[]> {
  const charts = await renderAll(chartSet(summaries, options), outDir);
  return charts.flatMap((c) => filesOf(c.files));
}

/**
 * Writes `outDir/index.html` linking several scenario reports (hrefs
 * relative to outDir), with their headline numbers. Resolves to its path.
 */
export async function writeSiteIndex(outDir: string, entries: readonly SiteIndexEntry[], options: SiteIndexOptions = {}): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'index.html');
  await writeFile(path, renderSiteIndex(entries, options));
  return path;
}
