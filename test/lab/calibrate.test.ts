// The lab's calibration on hand-made summaries (hand-derived numbers): an
// async commit 2 ms slower than simulated is 1 ms per hop (two hops); a lag
// 3 ms longer than simulated is that hop plus 2 ms more apply. A sync commit
// 10 ms slower with a lag 4 ms longer: 4 hops and the apply, 10 = 4h + a,
// 4 = h + a → h = 2 ms, a = 2 ms.
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
  it('fits the hop overhead from commits and the apply time from the lag, as settings to paste', () => {
    const c = calibrate(sc, [summary(35.1, 1), summary(35.1, 1)], [summary(38.1, 3)]);
    expect(c?.overheadPerHopMs).toBeCloseTo(1, 6);
    expect(c?.applyMeanUs).toBe(2100);
    expect(c?.yaml).toBe('network:\n  hopOverhead: 1ms\ntopology:\n  replication:\n    applyTime: { dist: exponential, mean: 2100us }');
    expect(c?.notes).toEqual([]);
  });

  it('sync: the commit waits for the apply too, so both are fitted from the two gaps', () => {
    const sync = { ...sc, topology: { ...sc.topology, replication: { ...sc.topology.replication, mode: 'sync' as const } } };
    const c = calibrate(sync, [summary(35.1, 100)], [summary(39.1, 110)]);
    expect(c?.overheadPerHopMs).toBeCloseTo(2, 6);
    expect(c?.applyMeanUs).toBe(2100);
  });

  it('adds to the scenario\'s own hop overhead', () => {
    const loaded = { ...sc, network: { ...sc.network, hopOverhead: { dist: 'constant' as const, value: 500 } } };
    expect(calibrate(loaded, [summary(35.1, 1)], [summary(38.1, 3)])?.overheadPerHopMs).toBeCloseTo(1.5, 6);
  });

  it('does not clamp: a negative apply time is printed as fitted, said so, and left out of the settings', () => {
    const c = calibrate(sc, [summary(35.1, 1)], [summary(35.1, 11)]);
    expect(c?.applyMeanUs).toBe(-4900);
    expect(c?.yaml).toBe('network:\n  hopOverhead: 5ms');
    expect(c?.notes.join(' ')).toMatch(/fitted apply time is -4900 µs.*not a setting/);
  });

  it('reads the apply mean of the scenario', () => {
    expect(applyMeanUs(sc)).toBe(100);
  });
});
