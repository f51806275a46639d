// Chart specs: each compiles to Vega without warnings, carries its data
// inline, names its axes with units, and handles the no-data case.
import { describe, expect, it } from 'vitest';
import { chartSet, slug } from '../../sim/report/chart-set.ts';
import { downsampleMax, lagOverTimeSpec } from '../../sim/report/charts/lag-over-time.ts';
import { placeFaultLabels } from '../../sim/report/charts/fault-windows.ts';
import { rpoRtoSpec } from '../../sim/report/charts/rpo-rto.ts';
import { pooledStalenessCdf, stalenessCdfSpec } from '../../sim/report/charts/staleness-cdf.ts';
import { timelineSpec } from '../../sim/report/charts/timeline.ts';
import { tradeoffSpec } from '../../sim/report/charts/tradeoff.ts';
import { compileToVega } from '../../sim/report/render.ts';
import { groupConfigurations, representativeRun, type RunResult } from '../../sim/report/runs.ts';
import { STATE_COLORS, type VlSpec } from '../../sim/report/theme.ts';
import { compareResults, fixtureSummary, SWEEP_PARAM, sweepResults } from './fixture-summaries.ts';

const compare = compareResults();
const sweep = sweepResults();

function groups(runs: RunResult[]) {
  const colors = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9'];
  return groupConfigurations(runs).map((c, i) => ({ label: c.label, color: colors[i] ?? '#000', runs: c.runs }));
}

/** Every inline `data.values` array anywhere in a spec. */
function dataArrays(spec: unknown): unknown[][] {
  const out: unknown[][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const data = o.data as { values?: unknown } | undefined;
    if (data !== undefined && Array.isArray(data.values)) out.push(data.values);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') visit(v);
  };
  visit(spec);
  return out;
}

/** Every axis/legend title string in a spec. */
function titles(spec: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'title' && typeof v === 'string') out.push(v);
      visit(v);
    }
  };
  visit(spec);
  return out;
}

function compileClean(spec: VlSpec): void {
  const warnings: string[] = [];
  const vg = compileToVega(spec, warnings);
  expect(warnings).toEqual([]);
  expect(vg.marks?.length ?? 0).toBeGreaterThan(0);
}

describe('staleness CDF', () => {
  it('compiles, has one line per variant spanning the axis, and a log x axis in ms', () => {
    const spec = stalenessCdfSpec(groups(compare));
    compileClean(spec);
    const [values] = dataArrays(spec) as Array<Array<{ group: string; ms: number; fraction: number }>>;
    expect(values).toBeDefined();
    const labels = new Set(values!.map((v) => v.group));
    expect([...labels]).toEqual(['async-stonith', 'async-no-fencing', 'semi-sync-stonith']);
    for (const v of values!) {
      expect(v.ms).toBeGreaterThan(0);
      expect(v.fraction).toBeGreaterThan(0.9);
      expect(v.fraction).toBeLessThanOrEqual(1);
    }
    expect(titles(spec)).toContain('Staleness (ms, log scale)');
    expect(JSON.stringify(spec)).toContain('"type":"log"');
  });

  it('pools seeds weighted by read count and starts at 1 − stale fraction', () => {
    const a = fixtureSummary({ scenario: 's', variant: 'async-stonith', seed: 1 });
    const b = fixtureSummary({ scenario: 's', variant: 'async-stonith', seed: 2 });
    const below = Math.min(...[...a.stalenessCdf, ...b.stalenessCdf].map((p) => p.ms)) / 2;
    const [first] = pooledStalenessCdf([a, b], [below]);
    const reads = a.metrics.reads.total + b.metrics.reads.total;
    const expected =
      ((1 - a.metrics.reads.staleFraction) * a.metrics.reads.total + (1 - b.metrics.reads.staleFraction) * b.metrics.reads.total) / reads;
    expect(first?.fraction).toBeCloseTo(expected, 12);
    const last = pooledStalenessCdf([a, b], [1e9])[0];
    expect(last?.fraction).toBeCloseTo(1, 12);
    // Monotone non-decreasing.
    const curve = pooledStalenessCdf([a, b]);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.fraction).toBeGreaterThanOrEqual(curve[i - 1]!.fraction);
  });

  it('says so when no read was stale', () => {
    const fresh = compare.map((r) => ({ ...r, stalenessCdf: [], metrics: { ...r.metrics, reads: { ...r.metrics.reads, staleFraction: 0 } } }));
    const spec = stalenessCdfSpec(groups(fresh));
    compileClean(spec);
    expect(JSON.stringify(spec)).toContain('No stale reads');
  });
});

describe('lag over time', () => {
  const run = representativeRun(compare.filter((r) => r.variant === 'async-stonith'));

  it('has one line per channel, fault bands and labels, and time in seconds', () => {
    const spec = lagOverTimeSpec(run, { label: 'async-stonith', runsInGroup: 3 });
    compileClean(spec);
    const arrays = dataArrays(spec) as Array<Array<Record<string, unknown>>>;
    const points = arrays.find((a) => a.some((v) => 'channel' in v))!;
    expect(new Set(points.map((p) => p.channel)).size).toBe(Object.keys(run.series.lagMs).length);
    const labelled = arrays.flat().filter((v) => typeof v.label === 'string').map((v) => v.label);
    for (const f of run.faults) expect(labelled).toContain(f.label);
    expect(titles(spec)).toContain('Simulated time (s)');
    expect(titles(spec).some((t) => /^Replication lag \((ms|s)\)$/.test(t))).toBe(true);
  });

  it('switches lag to seconds only when it exceeds 10 s', () => {
    const calm: RunResult = { ...run, series: { ...run.series, lagMs: { 'a->b': [{ tMs: 0, value: 40 }, { tMs: 1000, value: 50 }] } } };
    expect(titles(lagOverTimeSpec(calm, { label: 'x', runsInGroup: 1 }))).toContain('Replication lag (ms)');
    expect(titles(lagOverTimeSpec(run, { label: 'x', runsInGroup: 1 }))).toContain('Replication lag (s)');
  });

  it('says so when there is no replication', () => {
    const spec = lagOverTimeSpec({ ...run, series: { ...run.series, lagMs: {} } }, { label: 'pinned', runsInGroup: 1 });
    compileClean(spec);
    expect(JSON.stringify(spec)).toContain('No replication lag recorded');
  });
});

describe('fault labels', () => {
  it('stack overlapping labels in separate rows and reuse rows when free', () => {
    const placed = placeFaultLabels(
      [
        { kind: 'a', label: 'first fault with a long label', startMs: 0, endMs: 10_000 },
        { kind: 'b', label: 'second', startMs: 5_000, endMs: 6_000 },
        { kind: 'c', label: 'third', startMs: 500_000, endMs: 510_000 },
      ],
      { style: 'shade', plotWidthPx: 600, domainS: [0, 600] },
    );
    expect(placed.map((p) => p.row)).toEqual([0, 1, 0]);
  });

  it('leave labels off beyond four rows rather than pile them up', () => {
    const faults = Array.from({ length: 8 }, (_, i) => ({ kind: 'crash', label: `crash ${i}`, startMs: i * 1_000, endMs: i * 1_000 + 500 }));
    const rows = placeFaultLabels(faults, { style: 'shade', plotWidthPx: 600, domainS: [0, 600] }).map((p) => p.row);
    expect(rows).toEqual([0, 1, 2, 3, -1, -1, -1, -1]);
  });
});

describe('downsampleMax', () => {
  it('keeps short series and keeps spikes of long ones', () => {
    const short = [{ tMs: 0, value: 1 }];
    expect(downsampleMax(short, 10)).toEqual(short);
    const long = Array.from({ length: 3_600 }, (_, i) => ({ tMs: i * 1_000, value: i === 1_234 ? 9_999 : 5 }));
    const down = downsampleMax(long, 1_500);
    expect(down.length).toBeLessThanOrEqual(1_500);
    expect(Math.max(...down.map((p) => p.value))).toBe(9_999);
    expect(down[0]!.tMs).toBe(0);
  });
});

describe('timeline', () => {
  it('has a lane per region with the fixed state colours', () => {
    const run = compare[0]!;
    const spec = timelineSpec(run, { label: 'async-stonith', runsInGroup: 3 });
    compileClean(spec);
    const text = JSON.stringify(spec);
    for (const [state, color] of STATE_COLORS) {
      expect(text).toContain(`"${state}"`);
      expect(text).toContain(color);
    }
    const segments = (dataArrays(spec) as Array<Array<Record<string, unknown>>>).find((a) => a.some((v) => 'state' in v))!;
    expect(new Set(segments.map((s) => s.region))).toEqual(new Set(['us-east-1', 'eu-west-1', 'ap-southeast-1']));
  });

  it('says so when there is no timeline', () => {
    const spec = timelineSpec({ ...compare[0]!, timeline: [] }, { label: 'x', runsInGroup: 1 });
    compileClean(spec);
    expect(JSON.stringify(spec)).toContain('No region timeline');
  });
});

describe('RPO / RTO', () => {
  it('has bars, intervals and per-seed points for both metrics', () => {
    const spec = rpoRtoSpec(groups(compare));
    compileClean(spec);
    const arrays = dataArrays(spec) as Array<Array<Record<string, unknown>>>;
    const rows = arrays.filter((a) => a.some((v) => 'mean' in v));
    expect(rows.length).toBeGreaterThan(0);
    const noFencing = rows[0]!.find((r) => r.group === 'async-no-fencing')!;
    expect(noFencing.low).toBeLessThan(noFencing.mean as number);
    expect(noFencing.high).toBeGreaterThan(noFencing.mean as number);
    const seeds = arrays.filter((a) => a.some((v) => 'seed' in v));
    expect(seeds[0]).toHaveLength(compare.length);
    expect(titles(spec)).toEqual(expect.arrayContaining(['Lost acknowledged writes per run (count)', 'RTO, worst failover per run (s)']));
  });

  it('clamps intervals at zero and handles one seed', () => {
    const one = groups(compare.filter((r) => r.seed === 1));
    const spec = rpoRtoSpec(one);
    compileClean(spec);
    for (const a of dataArrays(spec) as Array<Array<Record<string, number>>>) {
      for (const r of a) if ('low' in r) expect(r.low).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('tradeoff', () => {
  it('plots a metric against a metric with error bars on both axes', () => {
    const spec = tradeoffSpec(compare, { x: 'metrics.writes.latencyMs.p99', y: 'metrics.rpo.lostAckedWrites' });
    compileClean(spec);
    const [points] = dataArrays(spec) as Array<Array<Record<string, number | string>>>;
    expect(points).toHaveLength(3);
    expect(titles(spec)).toEqual(expect.arrayContaining(['Write latency p99 (ms)', 'Lost acknowledged writes (RPO, count)', 'Variant']));
  });

  it('plots a metric against a swept parameter, one line per variant', () => {
    const spec = tradeoffSpec(sweep, { x: SWEEP_PARAM, y: 'rpo.lostAckedWrites', color: 'variant' });
    compileClean(spec);
    const [points] = dataArrays(spec) as Array<Array<{ x: number; color: string; line: string; y: number }>>;
    expect(points).toHaveLength(6);
    expect(new Set(points!.map((p) => p.line)).size).toBe(2);
    expect(points!.map((p) => p.x)).toEqual([0, 0, 10, 10, 50, 50]);
    expect(titles(spec)).toContain(`${SWEEP_PARAM} (ms)`);
    // The `params.` prefix names the same parameter.
    expect(dataArrays(tradeoffSpec(sweep, { x: `params.${SWEEP_PARAM}`, y: 'metrics.rpo.lostAckedWrites' }))[0]).toEqual(points);
  });

  it('colours by a parameter and puts string parameter values on an ordinal axis', () => {
    const runs = sweep.map((r) => ({ ...r, params: { mode: r.variant, interval: `${r.params?.[SWEEP_PARAM]}ms` } }));
    const spec = tradeoffSpec(runs, { x: 'interval', y: 'metrics.writes.latencyMs.p99', color: 'mode' });
    compileClean(spec);
    expect(JSON.stringify(spec)).toContain('"type":"ordinal"');
    const [points] = dataArrays(spec) as Array<Array<{ color: string }>>;
    expect(new Set(points!.map((p) => p.color))).toEqual(new Set(['async', 'semi-sync']));
  });

  it('says so when no run has the metric', () => {
    const spec = tradeoffSpec(compare, { x: 'metrics.writes.latencyMs.p99', y: 'metrics.nope' });
    compileClean(spec);
    expect(JSON.stringify(spec)).toContain('No run has a value at metrics.nope');
  });
});

describe('chartSet', () => {
  it('gives a compare result set the overview charts and per-variant timeline and lag', () => {
    const names = chartSet(compare).map((c) => c.name);
    expect(names).toEqual([
      'staleness-cdf',
      'rpo-rto',
      'unavailability',
      'tradeoff-rpo-vs-write-latency',
      'timeline-async-stonith',
      'lag-async-stonith',
      'timeline-async-no-fencing',
      'lag-async-no-fencing',
      'timeline-semi-sync-stonith',
      'lag-semi-sync-stonith',
    ]);
  });

  it('adds sweep charts per swept parameter, with unique file-safe names', () => {
    const charts = chartSet(sweep);
    expect(charts.filter((c) => c.section === 'sweep')).toHaveLength(3);
    const names = charts.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9-]+$/);
    for (const c of charts) {
      expect(c.title).not.toBe('');
      compileClean(c.spec);
    }
  });

  it('pools per variant when a sweep has too many configurations', () => {
    const charts = chartSet(sweep, { maxRunCharts: 2, maxCdfLines: 2 });
    expect(charts.filter((c) => c.section === 'configuration').map((c) => c.configuration)).toEqual(['async', 'async', 'semi-sync', 'semi-sync']);
  });

  it('gives a single run its charts without the trade-off', () => {
    const names = chartSet([compare[0]!]).map((c) => c.name);
    expect(names).toEqual(['staleness-cdf', 'rpo-rto', 'unavailability', 'timeline-async-stonith', 'lag-async-stonith']);
  });

  it('with prices, adds lost writes against monthly cost, and cost to every sweep parameter', () => {
    const priced = (runs: RunResult[]) => runs.map((r, i) => ({ ...r, metrics: { ...r.metrics, cost: { run: 1, perMonth: 100 + 10 * i, transferPerMonth: 10 * i, nodesPerMonth: 100 } } }));
    const names = chartSet(priced(compare)).map((c) => c.name);
    expect(names.indexOf('tradeoff-rpo-vs-cost')).toBe(names.indexOf('tradeoff-rpo-vs-write-latency') + 1);
    const cost = chartSet(priced(compare)).find((c) => c.name === 'tradeoff-rpo-vs-cost')!;
    compileClean(cost.spec);
    expect(cost.title).toBe('Lost writes (RPO) vs cost per 30 days');
    const sweepCharts = chartSet(priced(sweep)).filter((c) => c.section === 'sweep');
    expect(sweepCharts).toHaveLength(4);
    expect(sweepCharts.some((c) => c.name.endsWith('cost-per-month'))).toBe(true);
    // One run without a cost (an old result) and the cost charts are left out.
    const mixed = priced(compare);
    delete (mixed[0]!.metrics as { cost?: unknown }).cost;
    expect(chartSet(mixed).map((c) => c.name)).not.toContain('tradeoff-rpo-vs-cost');
  });

  it('slugs names', () => {
    expect(slug('Semi-Sync · shipInterval=10')).toBe('semi-sync-shipinterval-10');
    expect(slug('···')).toBe('chart');
  });
});
