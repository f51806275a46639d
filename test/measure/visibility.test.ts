// The t-visibility estimator (sim/measure/visibility.ts) on synthetic reads
// whose truth is known: a read at t is consistent with probability
// F(t) = 1 − e^(−t/τ), τ = 2 ms (hand-derived: F reaches p at t = −τ·ln(1 − p),
// 9.21 ms for 99% and 13.82 ms for 99.9%). With 2 M reads log-uniform over
// 10 µs … 1 s the estimates land within 10%; the documented points carry the
// fraction of their range; k-staleness counts are exact.
import { describe, expect, it } from 'vitest';
import { RngRoot } from '../../sim/core/rng.ts';
import { Visibility, VISIBILITY_POINTS_MS } from '../../sim/measure/visibility.ts';

const TAU_US = 2000;

describe('Visibility', () => {
  it('t99 and t999 of an exponential visibility time within 10% of −τ·ln(1 − p)', () => {
    const rng = new RngRoot('test/visibility').stream('reads');
    const v = new Visibility();
    const lo = Math.log(10);
    const hi = Math.log(1e6);
    for (let i = 0; i < 2_000_000; i++) {
      const t = Math.exp(lo + (hi - lo) * rng.next());
      v.record(t, rng.next() < 1 - Math.exp(-t / TAU_US));
    }
    const s = v.summary();
    expect(Math.abs((s.t99Ms as number) / ((-TAU_US * Math.log(0.01)) / 1000) - 1)).toBeLessThan(0.1);
    expect(Math.abs((s.t999Ms as number) / ((-TAU_US * Math.log(0.001)) / 1000) - 1)).toBeLessThan(0.1);
    expect(s.points.map((p) => p.tMs)).toEqual([...VISIBILITY_POINTS_MS]);
    // [2, 5) ms: reads log-uniform in t, so P = ∫ F(t) dt/t / ln(5/2), numerically.
    let acc = 0;
    const steps = 10_000;
    for (let k = 0; k < steps; k++) {
      const t = 2000 * Math.exp(((k + 0.5) / steps) * Math.log(2.5));
      acc += 1 - Math.exp(-t / TAU_US);
    }
    const p2 = s.points.find((p) => p.tMs === 2);
    expect(Math.abs((p2?.p as number) - acc / steps)).toBeLessThan(0.005);
  });

  it('never reaching p gives null; reads only at large t give 0', () => {
    const v = new Visibility();
    for (let i = 0; i < 100; i++) v.record(5000, i % 2 === 0);
    expect(v.summary().t99Ms).toBeNull();
    const w = new Visibility();
    for (let i = 0; i < 100; i++) w.record(5000, true);
    expect(w.summary().t99Ms).toBe(0);
    expect(w.summary().points.find((p) => p.tMs === 5)).toEqual({ tMs: 5, p: 1, reads: 100 });
    expect(w.summary().points.find((p) => p.tMs === 0)).toEqual({ tMs: 0, p: null, reads: 0 });
  });

  it('k-staleness: P(fewer than k versions missed), hand-counted', () => {
    const v = new Visibility();
    // 6 reads missing 0, 2 missing 1, 1 missing 3, 1 missing 7.
    for (const b of [0, 0, 0, 0, 0, 0, 1, 1, 3, 7]) v.recordBehind(b);
    expect(v.kStaleness()).toEqual([
      { k: 1, p: 0.6 }, { k: 2, p: 0.8 }, { k: 3, p: 0.8 }, { k: 4, p: 0.9 }, { k: 5, p: 0.9 },
    ]);
  });
});
