// The report page of one result set: scenario, parameters, the comparison
// table, the charts (inline SVG), and the replay keys with the exact command
// that reproduces each run. Pure: builds the HTML string; index.ts writes it.
import type { ChartDef } from './chart-set.ts';
import { type ComparisonCell, type ComparisonTable, comparisonTable } from './comparison.ts';
import { decimalsFor, formatNumber } from './format.ts';
import { escapeHtml as esc, inlineSvg, page, shellQuote } from './html-kit.ts';
import type { ScenarioInfo } from './result-set.ts';
import { formatParamValue, paramPaths, type RunResult } from './runs.ts';

/** A rendered chart as the page shows it. */
export interface PageChart {
  def: ChartDef;
  /** The chart's SVG markup. */
  svg: string;
  /** Links to the chart files, relative to the page. */
  hrefs: { png: string; svg: string; vegaLite: string };
}

/** Everything the scenario page shows. */
export interface ScenarioPageInput {
  scenario: ScenarioInfo;
  runs: RunResult[];
  charts: PageChart[];
  /** Link that opens this scenario in the playground, if one was written. */
  playground?: string;
}

/** Above this many configurations the comparison table lists configurations as rows. */
const MAX_TABLE_COLUMNS = 6;

/** The exact command that replays `run` (sweep parameters become `--set`). */
export function replayCommand(run: RunResult, scenarioFile: string | undefined): string {
  const args = ['repsim', 'run', scenarioFile ?? '<scenario.yaml>', '--variant', run.variant, '--seed', String(run.seed)];
  for (const [path, value] of Object.entries(run.params ?? {})) args.push('--set', `${path}=${formatParamValue(value)}`);
  return args.map((a, i) => (i === 2 && scenarioFile === undefined ? a : shellQuote(a))).join(' ');
}

/**
 * A cell: the mean, and under it the interval with the mean's decimals (none
 * for one seed). Every compared metric is non-negative, so the interval shown starts at 0 at the least.
 */
function cellHtml(cell: ComparisonCell): string {
  const decimals = decimalsFor(cell.mean);
  const interval = Number.isFinite(cell.halfWidth)
    ? `<span class="ci">${esc(`${formatNumber(Math.max(0, cell.low), decimals)} – ${formatNumber(cell.high, decimals)}`)}</span>`
    : cell.n === 0
      ? '<span class="ci">no data</span>'
      : '';
  const marker = cell.best ? '<span class="marker" aria-label="best">★ </span>' : '';
  return `<td class="num${cell.best ? ' best' : ''}">${marker}${esc(formatNumber(cell.mean, decimals))}${interval}</td>`;
}

/** A configuration's label for a column head: variant, then parameters on their own line. */
function columnHead(label: string): string {
  const [variant = '', params] = label.split(' · ');
  return params === undefined ? esc(variant) : `${esc(variant)}<br><span class="params">${esc(params)}</span>`;
}

function comparisonHtml(table: ComparisonTable): string {
  const cols = table.columns;
  if (cols.length <= MAX_TABLE_COLUMNS) {
    const head = cols.map((c) => `<th scope="col">${columnHead(c.label)}<br><span class="note">${c.runs.length} run${c.runs.length === 1 ? '' : 's'}</span></th>`).join('');
    const body = table.rows
      .map((row) => `<tr><th scope="row">${esc(row.metric.label)}</th>${row.cells.map(cellHtml).join('')}</tr>`)
      .join('\n');
    return `<div class="table-scroll"><table class="comparison">\n<thead><tr><th scope="col">Metric</th>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
  }
  // Many configurations (a sweep): one row per configuration, one column per metric.
  const head = table.rows.map((r) => `<th scope="col">${esc(r.metric.label)}</th>`).join('');
  const body = cols
    .map((c, i) => {
      const cells = table.rows.map((r) => {
        const cell = r.cells[i];
        return cell === undefined ? '<td></td>' : cellHtml(cell);
      });
      return `<tr><th scope="row">${esc(c.label)} <span class="note">(${c.runs.length})</span></th>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table class="comparison">\n<thead><tr><th scope="col">Configuration (runs)</th>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

function figureHtml(chart: PageChart): string {
  const id = `chart-${chart.def.name}`;
  return `<figure class="chart" id="${esc(id)}">
${inlineSvg(chart.svg, id)}
<figcaption>${esc(chart.def.caption)} <span class="files">Files: <a href="${esc(chart.hrefs.png)}">PNG</a> · <a href="${esc(chart.hrefs.svg)}">SVG</a> · <a href="${esc(chart.hrefs.vegaLite)}">Vega-Lite</a></span></figcaption>
</figure>`;
}

function metaHtml(scenario: ScenarioInfo, runs: readonly RunResult[]): string {
  const items: Array<[string, string]> = [];
  if (scenario.file !== undefined) items.push(['Scenario file', `<code>${esc(scenario.file)}</code>`]);
  if (scenario.contentHash !== undefined) items.push(['Content hash', `<code>${esc(scenario.contentHash)}</code>`]);
  const variants = scenario.variants ?? [...new Set(runs.map((r) => r.variant))];
  items.push(['Variants', variants.map((v) => `<code>${esc(v)}</code>`).join(', ')]);
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  items.push(['Seeds', `${seeds.length}: ${esc(seeds.join(', '))}`]);
  const topologies = [...new Set(runs.map((r) => r.topology))];
  items.push([topologies.length === 1 ? 'Topology' : 'Topologies', esc(topologies.join(', '))]);
  const simulated = [...new Set(runs.map((r) => r.simulatedMs))];
  items.push(['Simulated time', esc(simulated.map((ms) => `${formatNumber(ms / 1000)} s`).join(', '))]);
  const paths = [...new Set([...(scenario.params ?? []), ...paramPaths(runs)])];
  if (paths.length > 0) {
    const swept = paths.map((p) => {
      const values: string[] = [];
      for (const r of runs) {
        const v = formatParamValue(r.params?.[p]);
        if (r.params !== undefined && p in r.params && !values.includes(v)) values.push(v);
      }
      return `<code>${esc(p)}</code> = ${esc(values.join(', '))}`;
    });
    items.push(['Sweep parameters', swept.join('<br>')]);
  } else {
    items.push(['Sweep parameters', 'none (variants × seeds)']);
  }
  items.push(['Runs', String(runs.length)]);
  return `<dl class="meta">\n${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('\n')}\n</dl>`;
}

function replayHtml(runs: readonly RunResult[], scenarioFile: string | undefined): string {
  const paths = paramPaths(runs);
  const head = ['Variant', ...paths, 'Seed', 'Replay key', 'Command'].map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const rows = runs
    .map((r) => {
      const params = paths.map((p) => `<td>${esc(formatParamValue(r.params?.[p]))}</td>`).join('');
      return `<tr><td>${esc(r.variant)}</td>${params}<td class="num">${esc(String(r.seed))}</td><td><code>${esc(r.replayKey)}</code></td><td><code>${esc(replayCommand(r, scenarioFile))}</code></td></tr>`;
    })
    .join('\n');
  const note =
    scenarioFile === undefined
      ? '<p class="note">scenario.json names no scenario file: replace <code>&lt;scenario.yaml&gt;</code> with it.</p>'
      : '';
  return `${note}<div class="table-scroll"><table class="replay">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody></table></div>`;
}

function violationsHtml(runs: readonly RunResult[]): string {
  const bad = runs.filter((r) => r.invariantViolations.length > 0);
  if (bad.length === 0) return '';
  const items = bad
    .flatMap((r) => r.invariantViolations.map((v) => `<li><code>${esc(r.variant)}</code> seed ${esc(String(r.seed))}: ${esc(v)}</li>`))
    .slice(0, 50)
    .join('\n');
  return `<div class="warning"><strong>Invariant violations in ${bad.length} run${bad.length === 1 ? '' : 's'}.</strong> These results come from a model that broke its own rules; replay the runs below to investigate.<ul>\n${items}\n</ul></div>`;
}

/** The report page of one result set. */
export function renderScenarioPage(input: ScenarioPageInput): string {
  const { scenario, runs, charts } = input;
  const name = scenario.name ?? [...new Set(runs.map((r) => r.scenario))].join(', ');
  const table = comparisonTable(runs);
  const seedCounts = [...new Set(table.columns.map((c) => c.runs.length))];
  const seedsText = seedCounts.length === 1 ? `${seedCounts[0]} seed${seedCounts[0] === 1 ? '' : 's'}` : 'the seeds';
  const overview = charts.filter((c) => c.def.section === 'overview');
  const sweep = charts.filter((c) => c.def.section === 'sweep');
  const perConfig = new Map<string, PageChart[]>();
  for (const c of charts.filter((c) => c.def.section === 'configuration')) {
    const key = c.def.configuration ?? '';
    perConfig.set(key, [...(perConfig.get(key) ?? []), c]);
  }
  const sections: string[] = [];
  sections.push(`<header>
<h1>${esc(name)}</h1>
${scenario.description !== undefined ? `<p class="lead">${esc(scenario.description)}</p>` : ''}
${metaHtml(scenario, runs)}
${input.playground !== undefined ? `<p><a class="playground" href="${esc(input.playground)}">Open in playground</a>: change the scenario and rerun it in the browser.</p>` : ''}
<nav class="toc">Contents: <a href="#comparison">Comparison</a> <a href="#charts">Charts</a>${sweep.length > 0 ? ' <a href="#sweep">Sweep</a>' : ''}${perConfig.size > 0 ? ' <a href="#runs">Timelines and lag</a>' : ''} <a href="#replay">Replay</a></nav>
</header>`);
  sections.push(violationsHtml(runs));
  sections.push(`<section id="comparison">
<h2>Comparison</h2>
<p class="note">Each cell: the mean over ${esc(seedsText)}${seedCounts.every((n) => n < 2) ? ' (one seed gives no interval)' : ', and below it the 95% confidence interval (Student t, clamped at 0)'}. ★ and green: the best mean of the row (not marked when all are equal). An interval that overlaps another means the seeds do not separate the two.</p>
${comparisonHtml(table)}
</section>`);
  sections.push(`<section id="charts">\n<h2>Charts</h2>\n${overview.map(figureHtml).join('\n')}\n</section>`);
  if (sweep.length > 0) sections.push(`<section id="sweep">\n<h2>Sweep</h2>\n${sweep.map(figureHtml).join('\n')}\n</section>`);
  if (perConfig.size > 0) {
    const parts = [...perConfig].map(([label, list]) => `<h3>${esc(label)}</h3>\n${list.map(figureHtml).join('\n')}`);
    sections.push(`<section id="runs">\n<h2>Timelines and lag</h2>\n<p class="note">One representative seed per ${esc(perConfig.size === table.columns.length ? 'configuration' : 'variant')}: the run with the median replication lag p99.</p>\n${parts.join('\n')}\n</section>`);
  }
  sections.push(`<section id="replay">\n<h2>Replay</h2>\n<p class="note">The same replay key reproduces the same summary. Each command reruns one run.</p>\n${replayHtml(runs, scenario.file)}\n</section>`);
  return page(`${name}: repsim report`, sections.filter((s) => s !== '').join('\n'));
}
