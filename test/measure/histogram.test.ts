// The latency histogram's small-value array counts by HDR step: percentiles
// and CDF points must be exactly those of HDR recording every value itself.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { LatencyHistogram, smallBucket, smallBucketValue } from '../../sim/measure/histogram.ts';

const build = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 30 * 86_400_000_000, numberOfSignificantValueDigits: 3 });

describe('LatencyHistogram small-value buckets', () => {
  it('map every value below 2^17 to the lowest value of its HDR step, and back', () => {
    // hdr-histogram-js has it at run time but leaves it out of its typings.
    const h = build() as unknown as { lowestEquivalentValue(v: number): number };
    for (let v = 0; v < 1 << 17; v++) {
      const b = smallBucket(v);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(2048 + 6 * 1024);
      if (smallBucketValue(b) !== h.lowestEquivalentValue(v)) expect([v, smallBucketValue(b)]).toEqual([v, h.lowestEquivalentValue(v)]);
    }
    // Hand-derived: below 2048 one counter per µs; [2048, 4096) in steps of 2; [65536, 131072) in steps of 64.
    expect([smallBucket(2047), smallBucket(2048), smallBucket(2049), smallBucket(2050)]).toEqual([2047, 2048, 2048, 2049]);
    expect([smallBucket(65536), smallBucket(65599), smallBucket(65600), smallBucket(131071)]).toEqual([7168, 7168, 7169, 8191]);
    expect(smallBucketValue(8191)).toBe(131072 - 64);
  });

  it('gives the percentiles and CDF of HDR recording every value', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 140_000 }), fc.integer({ min: 0, max: 5_000_000 })), { minLength: 1, maxLength: 400 }), (values) => {
        const ours = new LatencyHistogram();
        const ref = build();
        for (const v of values) {
          ours.record(v);
          ref.recordValue(v);
        }
        for (const p of [0, 1, 25, 50, 90, 95, 99, 99.9, 100]) expect(ours.atPercentileUs(p)).toBe(ref.getValueAtPercentile(p));
        const max = Math.max(...values);
        const s = ours.summaryMs();
        expect(s.p99).toBe(Math.round((Math.min(ref.getValueAtPercentile(99), max) / 1000) * 1000) / 1000);
        expect(s.max).toBe(Math.round(max) / 1000);
      }),
      { numRuns: 200, seed: 16 },
    );
  });
});
