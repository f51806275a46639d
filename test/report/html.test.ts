// The report pages: self-contained (no network resources), escaped, with
// the comparison table, best values marked, replay commands, and charts.
import { describe, expect, it } from 'vitest';
import { chartSet } from '../../sim/report/chart-set.ts';
import { comparisonTable, formatMeanCi, formatNumber } from '../../sim/report/comparison.ts';
import { escapeHtml, inlineSvg, shellQuote } from '../../sim/report/html-kit.ts';
import { type PageChart, renderScenarioPage, replayCommand } from '../../sim/report/html.ts';
import { headlineNumbers, renderSiteIndex } from '../../sim/report/site-index.ts';
import { meanCi95 } from '../../sim/report/stats.ts';
import { compareResults, scenarioInfo, SWEEP_PARAM, sweepResults } from './fixture-summaries.ts';
import { networkLoads } from './network-loads.ts';

const fakeSvg = (i: number): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><text>${i}</text></g></svg>`;

function pageCharts(runs: ReturnType<typeof compareResults>): PageChart[] {
  return chartSet(runs).map((def, i) => ({
    def,
    svg: fakeSvg(i),
    hrefs: { png: `charts/${def.name}.png`, svg: `charts/${def.name}.svg`, vegaLite: `charts/${def.name}.vl.json` },
  }));
}

describe('scenario page', () => {
  const runs = compareResults();
  const html = renderScenarioPage({ scenario: scenarioInfo('compare'), runs, charts: pageCharts(runs) });

  it('loads nothing from the network and runs no script', () => {
    expect(networkLoads(html)).toEqual([]);
    // The detector does catch loads.
    expect(networkLoads('<img src="https://x/y.png"><style>a{background:url(http://x)}</style>').length).toBeGreaterThanOrEqual(2);
  });

  it('escapes text from the scenario', () => {
    expect(html).toContain('&lt;Escaping &amp; &quot;quotes&quot; test&gt;');
    expect(html).not.toContain('<Escaping');
  });

  it('names the scenario, file and parameters', () => {
    expect(html).toContain('<h1>primary-region-partition</h1>');
    expect(html).toContain('scenarios/primary-region-partition.yaml');
    expect(html).toContain('sha256:9c4b7e21d0aa');
    expect(html).toContain('Sweep parameters');
  });

  it('has the comparison table with every metric and the best marked', () => {
    expect(html).toContain('<table class="comparison">');
    for (const label of ['Read staleness p99 (ms)', 'Stale reads (%)', 'Write latency p50 (ms)', 'Write latency p99 (ms)',
      'RPO: lost acknowledged writes', 'RTO, worst failover (s)', 'Split-brain occurrences', 'Conflicts', 'Lost updates']) {
      expect(html).toContain(`<th scope="row">${label}</th>`);
    }
    expect(html).toMatch(/<td class="num best"><span class="marker" aria-label="best">★ <\/span>0<span class="ci">0 – 0<\/span><\/td>/);
  });

  it('lists replay keys and exact commands for every run', () => {
    for (const r of runs) {
      expect(html).toContain(r.replayKey);
      expect(html).toContain(`repsim run scenarios/primary-region-partition.yaml --variant ${r.variant} --seed ${r.seed}`);
    }
  });

  it('inlines every chart with ids made unique per chart', () => {
    const figures = html.match(/<figure class="chart"/g) ?? [];
    expect(figures).toHaveLength(chartSet(runs).length);
    expect(html).toContain('id="chart-staleness-cdf-clip1"');
    expect(html).toContain('url(#chart-rpo-rto-clip1)');
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has print styles', () => {
    expect(html).toContain('@media print');
  });
});

describe('sweep page', () => {
  const runs = sweepResults();
  const html = renderScenarioPage({ scenario: scenarioInfo('sweep'), runs, charts: pageCharts(runs) });

  it('replays sweep runs with --set for each parameter', () => {
    expect(html).toContain(`repsim run scenarios/ship-interval-sweep.yaml --variant async --seed 1 --set ${SWEEP_PARAM}=10`);
    expect(html).toContain(`<code>${SWEEP_PARAM}</code> = 0, 10, 50`);
  });

  it('has a sweep section', () => {
    expect(html).toContain('<section id="sweep">');
    expect(networkLoads(html)).toEqual([]);
  });

  it('lists configurations as rows when there are many', () => {
    const many = runs.map((r) => ({ ...r, params: { ...r.params, extra: r.seed } }));
    const page = renderScenarioPage({ scenario: {}, runs: many, charts: [] });
    expect(page).toContain('<th scope="col">Configuration (runs)</th>');
    expect(page).toContain('&lt;scenario.yaml&gt;');
  });
});

describe('replayCommand', () => {
  it('quotes what the shell would split', () => {
    const run = { ...compareResults()[0]!, variant: "it's odd", params: { 'workload.regions.us-east-1.writes': '500/s', mode: 'a b' } };
    expect(replayCommand(run, 'my scenarios/x.yaml')).toBe(
      `repsim run 'my scenarios/x.yaml' --variant 'it'\\''s odd' --seed 1 --set workload.regions.us-east-1.writes=500/s --set 'mode=a b'`,
    );
  });
});

describe('html kit', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('quotes shell arguments only when needed', () => {
    expect(shellQuote('a.yaml')).toBe('a.yaml');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
  });
  it('prefixes ids and their references', () => {
    expect(inlineSvg('<g id="a"><use xlink:href="#a"/><rect clip-path="url(#a)"/></g>', 'p')).toBe(
      '<g id="p-a"><use xlink:href="#p-a"/><rect clip-path="url(#p-a)"/></g>',
    );
  });
});

describe('comparison', () => {
  it('marks the best mean per row, in the right direction, and nothing when all tie', () => {
    const table = comparisonTable(compareResults());
    const row = (id: string) => table.rows.find((r) => r.metric.id === id)!;
    expect(row('rpoLostWrites').cells.map((c) => c.best)).toEqual([false, false, true]);
    expect(row('writeLatencyP99').cells.filter((c) => c.best)).toHaveLength(1);
    expect(row('splitBrain').cells.map((c) => c.best)).toEqual([true, false, true]);
    expect(row('conflicts').cells.some((c) => c.best)).toBe(false);
    const avail = row('writeAvailability');
    const best = avail.cells.find((c) => c.best)!;
    expect(best.mean).toBe(Math.max(...avail.cells.map((c) => c.mean)));
  });

  it('converts units (ms → s, fraction → %)', () => {
    const table = comparisonTable(compareResults());
    const runs = compareResults().filter((r) => r.variant === 'async-stonith');
    const rto = table.rows.find((r) => r.metric.id === 'rtoMax')!.cells[0]!;
    expect(rto.mean).toBeCloseTo(meanCi95(runs.map((r) => r.metrics.rto.maxMs / 1000)).mean, 12);
    const stale = table.rows.find((r) => r.metric.id === 'staleFraction')!.cells[0]!;
    expect(stale.mean).toBeCloseTo(meanCi95(runs.map((r) => r.metrics.reads.staleFraction * 100)).mean, 12);
  });

  it('formats numbers for tables', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(4.8)).toBe('4.80');
    expect(formatNumber(0.01234)).toBe('0.012');
    expect(formatNumber(-3.2)).toBe('−3.20');
    expect(formatNumber(NaN)).toBe('–');
    expect(formatMeanCi(meanCi95([10, 12, 14]))).toBe('12 ± 5.0');
    expect(formatMeanCi(meanCi95([5]))).toBe('5');
    expect(formatNumber(26)).toBe('26');
    expect(formatNumber(26.5)).toBe('26.5');
  });
});

describe('site index', () => {
  it('links scenarios with their headline numbers, escaped and offline', () => {
    const html = renderSiteIndex(
      [
        { name: 'primary-region-partition', description: 'Cut <off>', href: 'primary-region-partition/index.html', headline: headlineNumbers(compareResults()) },
        { name: 'ship-interval-sweep', href: 'ship-interval-sweep/index.html', headline: headlineNumbers(sweepResults()) },
      ],
      { title: 'Topology comparison', intro: 'Reference scenarios.' },
    );
    expect(html).toContain('<h1>Topology comparison</h1>');
    expect(html).toContain('<a href="primary-region-partition/index.html">primary-region-partition</a>');
    expect(html).toContain('Cut &lt;off&gt;');
    expect(html).toContain('<th scope="col">Lost writes (RPO)</th>');
    expect(html).toContain('3 of 9 runs');
    expect(networkLoads(html)).toEqual([]);
  });

  it('summarises a result set in headline numbers', () => {
    const h = headlineNumbers(compareResults());
    expect(h.map((x) => x.label)).toEqual(['Runs', 'Staleness p99', 'Lost writes (RPO)', 'RTO, worst', 'Split-brain']);
    expect(h[0]!.value).toBe('9 (3 configurations)');
    expect(h[2]!.value).toMatch(/^0 – \d+$/);
    expect(h[3]!.value).toMatch(/ s$/);
  });
});
