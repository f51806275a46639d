// The top-level page linking the report pages of several scenarios (the main
// job's reports/index.html), with a few headline numbers per scenario; and
// those headline numbers for a result set. Pure: index.ts writes the page.
import { comparisonTable } from './comparison.ts';
import { formatNumber } from './format.ts';
import { escapeHtml as esc, page } from './html-kit.ts';
import type { RunResult } from './runs.ts';

/** A labelled number (already formatted) shown for a scenario on the index page. */
export interface Headline {
  label: string;
  value: string;
}

/** One scenario on the index page. */
export interface SiteIndexEntry {
  name: string;
  description?: string;
  /** Link to the scenario's report page, relative to the index page. */
  href: string;
  headline: Headline[];
  /** Link that opens this scenario in the playground, if one was written. */
  playground?: string;
}

/** Options of the index page. */
export interface SiteIndexOptions {
  /** Page heading (default "repsim reports"). */
  title?: string;
  /** A paragraph under the heading. */
  intro?: string;
  /** Link to the playground page (`repsim play`), if one was written. */
  playground?: string;
}

function range(values: number[], unit: string): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '–';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const text = lo === hi ? formatNumber(lo) : `${formatNumber(lo)} – ${formatNumber(hi)}`;
  return unit === '' ? text : `${text} ${unit}`;
}

/**
 * Headline numbers of a result set: how many runs, and the range over
 * configurations of the mean staleness p99, lost writes and worst RTO, plus
 * how many runs saw split-brain, and the range of monthly cost when the
 * scenario has prices.
 */
export function headlineNumbers(runs: readonly RunResult[]): Headline[] {
  const table = comparisonTable(runs);
  const means = (id: string): number[] => table.rows.find((r) => r.metric.id === id)?.cells.map((c) => c.mean) ?? [];
  const splitRuns = runs.filter((r) => r.metrics.splitBrain.occurrences > 0).length;
  return [
    { label: 'Runs', value: `${runs.length} (${table.columns.length} configuration${table.columns.length === 1 ? '' : 's'})` },
    { label: 'Staleness p99', value: range(means('stalenessP99'), 'ms') },
    { label: 'Lost writes (RPO)', value: range(means('rpoLostWrites'), '') },
    { label: 'RTO, worst', value: range(means('rtoMax'), 's') },
    { label: 'Split-brain', value: `${splitRuns} of ${runs.length} run${runs.length === 1 ? '' : 's'}` },
    ...(means('costPerMonth').length > 0 ? [{ label: 'Cost per 30 days', value: range(means('costPerMonth'), '') }] : []),
  ];
}

/** The index page: one row per scenario, one column per headline label. */
export function renderSiteIndex(entries: readonly SiteIndexEntry[], options: SiteIndexOptions = {}): string {
  const title = options.title ?? 'repsim reports';
  const labels: string[] = [];
  for (const e of entries) for (const h of e.headline) if (!labels.includes(h.label)) labels.push(h.label);
  const head = ['Scenario', ...labels].map((l) => `<th scope="col">${esc(l)}</th>`).join('');
  const rows = entries
    .map((e) => {
      const cells = labels.map((l) => `<td class="num">${esc(e.headline.find((h) => h.label === l)?.value ?? '–')}</td>`).join('');
      const description = e.description !== undefined && e.description !== '' ? `<br><span class="note">${esc(e.description)}</span>` : '';
      const play = e.playground !== undefined ? ` <a class="playground" href="${esc(e.playground)}">open in playground</a>` : '';
      return `<tr><th scope="row"><a href="${esc(e.href)}">${esc(e.name)}</a>${play}${description}</th>${cells}</tr>`;
    })
    .join('\n');
  const intro = options.intro !== undefined ? `<p class="lead">${esc(options.intro)}</p>` : '';
  const play = options.playground !== undefined ? `<p class="lead"><a class="playground" href="${esc(options.playground)}">Open the playground</a>: edit these scenarios and run them in the browser, offline.</p>` : '';
  const body = `<h1>${esc(title)}</h1>
${intro}${play}
<p class="note">${entries.length} scenario${entries.length === 1 ? '' : 's'}. Ranges run over each scenario's variants (means over seeds); open a scenario for intervals, charts and replay commands.</p>
<div class="table-scroll"><table class="site-index">
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
  return page(title, body);
}
