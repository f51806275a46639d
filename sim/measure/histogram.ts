// Streaming histograms for percentiles (hdr-histogram-js). Memory is fixed per
// histogram, whatever the run length. Values are recorded in microseconds and
// reported in milliseconds; mean and max are kept exactly.
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from './summary-types.ts';

/** Largest trackable value: one simulated month in microseconds. */
const HIGHEST_US = 30 * 86_400_000_000;

export class LatencyHistogram {
  private readonly h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
  private sum = 0;
  private maxUs = 0;
  count = 0;

  /** Records one value in microseconds (negative values are recorded as 0). */
  record(us: number): void {
    const v = us < 0 ? 0 : us > HIGHEST_US ? HIGHEST_US : Math.round(us);
    this.h.recordValue(v);
    this.sum += v;
    this.count++;
    if (v > this.maxUs) this.maxUs = v;
  }

  /** Value at a percentile (0–100), microseconds. */
  atPercentileUs(p: number): number {
    return this.count === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  /** The SPEC's percentile block in milliseconds (zeros when empty). */
  summaryMs(): Percentiles {
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

  /** Cumulative distribution points (value ms, fraction of recorded values ≤ value), log-spaced. */
  cdfMs(points = 40): Array<{ ms: number; fraction: number }> {
    if (this.count === 0) return [];
    const out: Array<{ ms: number; fraction: number }> = [];
    const lo = Math.max(1, this.h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 1 : this.h.minNonZeroValue);
    const hi = Math.max(lo + 1, this.maxUs);
    const step = Math.log(hi / lo) / (points - 1);
    for (let i = 0; i < points; i++) {
      const v = lo * Math.exp(step * i);
      const below = this.countAtOrBelow(v);
      out.push({ ms: round3(v / 1000), fraction: below / this.count });
    }
    return out;
  }

  private countAtOrBelow(us: number): number {
    // Percentile rank via hdr's iteration is costly; a binary search over percentiles is enough for a chart.
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (this.h.getValueAtPercentile(mid) <= us) lo = mid;
      else hi = mid;
    }
    return (lo / 100) * this.count;
  }
}

/** Rounds to 3 decimals, so summaries are short and stable. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
