// meanCi95 and the Student t quantiles against published tables.
import { describe, expect, it } from 'vitest';
import { meanCi95, tQuantile975 } from '../../sim/report/stats.ts';

describe('tQuantile975', () => {
  it('matches the t table for small df', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(2)).toBe(4.303);
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(9)).toBe(2.262);
    expect(tQuantile975(30)).toBe(2.042);
  });

  it('approximates large df to four decimals (Cornish–Fisher)', () => {
    // Reference values: R qt(0.975, df).
    expect(tQuantile975(31)).toBeCloseTo(2.039513, 4);
    expect(tQuantile975(40)).toBeCloseTo(2.021075, 4);
    expect(tQuantile975(60)).toBeCloseTo(2.000298, 4);
    expect(tQuantile975(120)).toBeCloseTo(1.979930, 4);
    expect(tQuantile975(100_000)).toBeCloseTo(1.959964, 4);
  });

  it('decreases with df and stays above the normal quantile', () => {
    for (let df = 1; df < 200; df++) {
      expect(tQuantile975(df + 1)).toBeLessThan(tQuantile975(df));
      expect(tQuantile975(df)).toBeGreaterThan(1.959963);
    }
  });

  it('rejects df that is not a positive integer', () => {
    expect(() => tQuantile975(0)).toThrow(RangeError);
    expect(() => tQuantile975(2.5)).toThrow(RangeError);
  });
});

describe('meanCi95', () => {
  it('gives mean ± t(0.975, n−1)·s/√n', () => {
    const ci = meanCi95([1, 2, 3, 4, 5]);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(ci.halfWidth).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 12);
    expect(ci.low).toBeCloseTo(1.03704, 4);
    expect(ci.high).toBeCloseTo(4.96296, 4);
  });

  it('uses the wide small-sample quantile for three seeds', () => {
    const ci = meanCi95([10, 12, 14]);
    expect(ci.mean).toBe(12);
    expect(ci.sd).toBe(2);
    expect(ci.halfWidth).toBeCloseTo((4.303 * 2) / Math.sqrt(3), 12);
  });

  it('gives a zero-width interval when all values agree', () => {
    const ci = meanCi95([7, 7, 7, 7]);
    expect(ci).toMatchObject({ mean: 7, sd: 0, halfWidth: 0, low: 7, high: 7 });
  });

  it('has no interval for one value and no mean for none', () => {
    const one = meanCi95([42]);
    expect(one.mean).toBe(42);
    expect(one.halfWidth).toBeNaN();
    expect(one.low).toBeNaN();
    const none = meanCi95([]);
    expect(none.n).toBe(0);
    expect(none.mean).toBeNaN();
  });

  it('does not clamp: a count can have a negative lower bound', () => {
    expect(meanCi95([0, 0, 9]).low).toBeLessThan(0);
  });
});
