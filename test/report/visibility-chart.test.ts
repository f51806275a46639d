// The t-visibility chart: pooling weights each run's point by its reads
// (hand-computed below), the spec compiles to Vega, and a result set gets the
// chart only when some run reports visibility (so reports of the other
// topologies are unchanged).
import { describe, expect, it } from 'vitest';
import { chartSet } from '../../sim/report/chart-set.ts';
import { pooledVisibility, visibilitySpec } from '../../sim/report/charts/visibility.ts';
import { compileToVega } from '../../sim/report/render.ts';
import type { RunResult } from '../../sim/report/runs.ts';
import { compareResults } from './fixture-summaries.ts';

function withVisibility(run: RunResult, points: Array<{ tMs: number; p: number | null; reads: number }>): RunResult {
  return { ...run, metrics: { ...run.metrics, reads: { ...run.metrics.reads, visibility: { points, t99Ms: null, t999Ms: null } } } };
}

describe('visibility chart', () => {
  const base = compareResults()[0] as RunResult;
  const a = withVisibility(base, [{ tMs: 0, p: 0.5, reads: 100 }, { tMs: 1, p: 1, reads: 10 }, { tMs: 2, p: null, reads: 0 }]);
  const b = withVisibility({ ...base, seed: base.seed + 1 }, [{ tMs: 0, p: 0.8, reads: 300 }, { tMs: 1, p: 0.9, reads: 10 }]);

  it('pools points weighted by reads: (0.5·100 + 0.8·300) / 400 = 0.725 at t = 0; empty ranges left out', () => {
    expect(pooledVisibility([a, b])).toEqual([{ tMs: 0, p: 0.725, reads: 400 }, { tMs: 1, p: 0.95, reads: 20 }]);
  });

  it('compiles to Vega without warnings and plots t = 0 left of the first range', () => {
    const spec = visibilitySpec([{ label: 'v', color: '#000', runs: [a, b] }]);
    const warnings: string[] = [];
    expect(compileToVega(spec, warnings)).toBeDefined();
    expect(warnings).toEqual([]);
    const values = (spec as { data: { values: Array<{ ms: number }> } }).data.values;
    expect(values.map((v) => v.ms)).toEqual([0.05, 1]);
  });

  it('is in a result set only when a run reports visibility', () => {
    expect(chartSet(compareResults()).some((c) => c.name === 'visibility')).toBe(false);
    expect(chartSet([a, b]).some((c) => c.name === 'visibility')).toBe(true);
  });
});
