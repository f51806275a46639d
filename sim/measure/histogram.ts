// Streaming histograms for percentiles (hdr-histogram-js). Memory is fixed per
// histogram, whatever the run length. Values are recorded in microseconds and
// reported in milliseconds; mean and max are kept exactly.
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from '../scenario/summary-types.ts';

/** Values below this (µs, 131 ms) are counted in a small array first, by HDR bucket. */
const SMALL_US = 1 << 17;
/**
 * With 3 significant digits HDR counts values below 2048 one by one and each
 * later power of two [2^k, 2^(k+1)) in 1024 equal steps of 2^(k−10). The
 * small array has one counter per such step below SMALL_US: 2048 + 6 × 1024.
 */
const SMALL_BUCKETS = 2048 + 6 * 1024;
/** Largest trackable value: one simulated month in microseconds. */
const HIGHEST_US = 30 * 86_400_000_000;

/** The small array's counter of an integer value below SMALL_US: its HDR step (exact below 2048). */
export function smallBucket(v: number): number {
  if (v < 2048) return v;
  const k = 31 - Math.clz32(v);
  return 2048 + (k - 11) * 1024 + ((v >> (k - 10)) - 1024);
}

/** The lowest value of a small-array counter's step (HDR counts it in the same bucket as every value of the step). */
export function smallBucketValue(b: number): number {
  if (b < 2048) return b;
  const k = 11 + ((b - 2048) >> 10);
  return (1024 + ((b - 2048) & 1023)) << (k - 10);
}

export class LatencyHistogram {
  private readonly h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
  private sum = 0;
  private maxUs = 0;
  count = 0;
  /**
   * Counts per HDR step for values below SMALL_US (most latencies and lags),
   * folded into the HDR histogram only when percentiles are asked for: an
   * increment in a 32 KB array (cache-resident) per record instead of HDR's
   * bucket arithmetic. HDR's percentiles depend only on its bucket counts, so
   * they are exactly those of recording every value; mean and max are exact.
   */
  private small: Uint32Array | undefined;
  private smallCount = 0;

  /** Records one value in microseconds (negative values are recorded as 0). */
  record(us: number): void {
    const v = us < 0 ? 0 : us > HIGHEST_US ? HIGHEST_US : Math.round(us);
    if (v < SMALL_US) {
      if (!this.small) this.small = new Uint32Array(SMALL_BUCKETS);
      const b = smallBucket(v);
      this.small[b] = (this.small[b] as number) + 1;
      this.smallCount++;
    } else this.h.recordValue(v);
    this.sum += v;
    this.count++;
    if (v > this.maxUs) this.maxUs = v;
  }

  private flush(): void {
    const small = this.small;
    if (!small || this.smallCount === 0) return;
    for (let b = 0; b < SMALL_BUCKETS; b++) {
      const c = small[b] as number;
      if (c > 0) {
        this.h.recordValueWithCount(smallBucketValue(b), c);
        small[b] = 0;
      }
    }
    this.smallCount = 0;
  }

  /** Value at a percentile (0–100), microseconds. */
  atPercentileUs(p: number): number {
    this.flush();
    return this.count === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  /** The documented percentile block in milliseconds (zeros when empty). */
  summaryMs(): Percentiles {
    this.flush();
    if (this.count === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      mean: round3(this.sum / this.count / 1000),
      p50: round3(Math.min(this.h.getValueAtPercentile(50), this.maxUs) / 1000),
      p95: round3(Math.min(this.h.getValueAtPercentile(95), this.maxUs) / 1000),
      p99: round3(Math.min(this.h.getValueAtPercentile(99), this.maxUs) / 1000),
      max: round3(this.maxUs / 1000),
    };
  }

  /** Mean in microseconds (exact). */
  meanUs(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /**
   * Cumulative distribution points (value ms, fraction of recorded values ≤
   * value) at fixed quantiles, denser in the tail: one histogram walk each.
   */
  cdfMs(): Array<{ ms: number; fraction: number }> {
    this.flush();
    if (this.count === 0) return [];
    const qs: number[] = [];
    for (let q = 0; q < 90; q += 2) qs.push(q);
    qs.push(90, 92, 94, 95, 96, 97, 98, 99, 99.5, 99.8, 99.9, 99.95, 99.99, 100);
    const out: Array<{ ms: number; fraction: number }> = [];
    for (const q of qs) {
      const v = q === 100 ? this.maxUs : Math.min(this.h.getValueAtPercentile(q), this.maxUs);
      const point = { ms: round3(v / 1000), fraction: q / 100 };
      const last = out[out.length - 1];
      if (last && last.ms === point.ms) last.fraction = point.fraction;
      else out.push(point);
    }
    return out;
  }
}

/** Rounds to 3 decimals, so summaries are short and stable. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
