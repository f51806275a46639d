// The lab's calibration on hand-made summaries (hand-derived numbers): a
// commit 2 ms slower than simulated is 1 ms per hop (two hops); a lag 3 ms
// longer than simulated is that hop plus 2 ms more apply.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrate, applyMeanUs } from '../../sim/lab/calibrate.ts';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import type { Summary } from '../../sim/scenario/summary-types.ts';

const base = JSON.parse(readFileSync(new URL('../fixtures/results/single/summary.json', import.meta.url), 'utf8')) as Summary;

function summary(lagP50Ms: number, writeP50Ms: number): Summary {
  const s = structuredClone(base);
  s.metrics.replication.lagMs.p50 = lagP50Ms;
  s.metrics.replication.channels = [{ source: 'a', target: 'b', lagMs: { mean: lagP50Ms, p50: lagP50Ms, p95: 0, p99: 0, max: 0 }, applied: 100, status: 'active' }];
  s.metrics.writes.latencyMs.p50 = writeP50Ms;
  s.metrics.writes.acked = 100;
  return s;
}

const sc = loadScenarioFromText(
  `name: c
regions: [{ id: a }, { id: b }]
network: { rtt: { a: { b: 70ms } }, intraRegionRtt: 1ms }
topology: { replication: { applyTime: { dist: exponential, mean: 100us } } }
`,
  'c.yaml',
).scenario;

describe('lab calibration', () => {
  it('fits the per-hop overhead from commits and the apply time from the lag', () => {
    const c = calibrate(sc, [summary(35.1, 1), summary(35.1, 1)], [summary(38.1, 3)]);
    expect(c?.overheadPerHopMs).toBeCloseTo(1, 6);
    expect(c?.applyMeanUs).toBe(2100);
    expect(c?.yaml).toContain('intraRegionRtt: 3ms');
    expect(c?.yaml).toContain('a: { b: 72ms }');
    expect(c?.yaml).toContain('applyTime: { dist: exponential, mean: 2100us }');
  });

  it('clamps a negative apply time to 0 and says so', () => {
    const c = calibrate(sc, [summary(35.1, 1)], [summary(35.1, 11)]);
    expect(c?.applyMeanUs).toBe(0);
    expect(c?.notes.join(' ')).toMatch(/clamped to 0/);
  });

  it('reads the apply mean of the scenario', () => {
    expect(applyMeanUs(sc)).toBe(100);
  });
});
