// Unavailability per region: the chart's rows and the comparison table's
// per-region rows, on hand-made runs whose means and intervals are derived
// by hand below.
import { describe, expect, it } from 'vitest';
import { hasUnavailability, unavailabilityRows, unavailabilitySpec } from '../../sim/report/charts/unavailability.ts';
import { comparisonTable, regionMetrics } from '../../sim/report/comparison.ts';
import { formatComparison } from '../../sim/cli/compare.ts';
import { compileToVega } from '../../sim/report/render.ts';
import type { RunResult } from '../../sim/report/runs.ts';
import { fixtureSummary } from './fixture-summaries.ts';

/** A fixture run of `variant` with the given per-region write (and optional read) unavailability, ms. */
function run(variant: string, seed: number, writes: Record<string, number>, reads?: Record<string, number>): RunResult {
  const r = fixtureSummary({ scenario: 's', variant: 'async-stonith', seed });
  r.variant = variant;
  r.metrics.rto.writeUnavailableMs = writes;
  if (reads !== undefined) r.metrics.reads.unavailableMs = reads;
  else delete r.metrics.reads.unavailableMs;
  return r;
}

const asyncRuns = [run('async', 1, { a: 1000, b: 0 }), run('async', 2, { a: 3000, b: 0 })];
const raftRuns = [run('raft', 1, { a: 40_000, b: 500 }, { a: 36_000, b: 1000 }), run('raft', 2, { a: 40_000, b: 1500 }, { a: 38_000, b: 1000 })];
const groups = [
  { label: 'async', color: '#0072B2', runs: asyncRuns },
  { label: 'raft', color: '#E69F00', runs: raftRuns },
];

describe('unavailability per region', () => {
  it('gives each (region, group) its mean over seeds in seconds with the 95% t-interval, clamped at 0', () => {
    const rows = unavailabilityRows('writes', groups);
    // async in a: 1 s and 3 s → mean 2 s; sd √2, se 1, t(0.975, 1 df) = 12.706 → [−10.706 → 0, 14.706].
    const a = rows.find((r) => r.region === 'a' && r.group === 'async');
    expect(a?.mean).toBeCloseTo(2, 9);
    expect(a?.low).toBe(0);
    expect(a?.high).toBeCloseTo(14.706, 3);
    // raft in a: 40 s twice → no spread, the interval is the mean itself.
    const ra = rows.find((r) => r.region === 'a' && r.group === 'raft');
    expect([ra?.mean, ra?.low, ra?.high]).toEqual([40, 40, 40]);
    expect(rows.map((r) => `${r.region}/${r.group}`)).toEqual(['a/async', 'a/raft', 'b/async', 'b/raft']);
  });

  it('draws reads only for the groups whose results have them (written before the key existed: none)', () => {
    const rows = unavailabilityRows('reads', groups);
    expect(rows.map((r) => `${r.region}/${r.group}`)).toEqual(['a/raft', 'b/raft']);
    expect(rows[0]?.mean).toBeCloseTo(37, 9);
  });

  it('is a chart only when some region lost operations, and compiles to Vega without warnings', () => {
    expect(hasUnavailability([...asyncRuns, ...raftRuns])).toBe(true);
    expect(hasUnavailability([run('x', 1, { a: 0, b: 0 })])).toBe(false);
    const warnings: string[] = [];
    const vg = compileToVega(unavailabilitySpec(groups), warnings);
    expect(warnings).toEqual([]);
    expect(vg.marks?.length ?? 0).toBeGreaterThan(0);
    expect(JSON.stringify(unavailabilitySpec(groups))).toContain('Reads unavailable per client region');
    expect(JSON.stringify(unavailabilitySpec(groups.slice(0, 1)))).not.toContain('Reads unavailable');
  });

  it('adds a row per region to the comparison table; results without read unavailability show no value there', () => {
    const runs = [...asyncRuns, ...raftRuns];
    expect(regionMetrics(runs).map((m) => m.id)).toEqual(['writeUnavailable:a', 'writeUnavailable:b', 'readUnavailable:a', 'readUnavailable:b']);
    const table = comparisonTable(runs);
    const row = (id: string) => table.rows.find((r) => r.metric.id === id);
    expect(row('writeUnavailable:a')?.cells.map((c) => c.mean)).toEqual([2, 40]);
    expect(row('writeUnavailable:a')?.cells.map((c) => c.best)).toEqual([true, false]);
    const reads = row('readUnavailable:b')?.cells;
    expect(Number.isNaN(reads?.[0]?.mean)).toBe(true);
    expect(reads?.[0]?.best).toBe(false);
    expect(reads?.[1]?.mean).toBe(1);
    const text = formatComparison(runs);
    expect(text).toMatch(/^Writes unavailable, a \(s\) +2 ± 12\.71 \* +40 ± 0$/m);
    // Only one variant measures it: nothing to be best against.
    expect(text).toMatch(/^Reads unavailable, b \(s\) +– +1 ± 0$/m);
  });
});
