// The PBS paper's production latency profiles (Bailis, Venkataraman,
// Franklin, Hellerstein, Stoica, "Probabilistically Bounded Staleness for
// Practical Partial Quorums", VLDB 2012): the WARS leg fits of Table 3
// (LinkedIn SSD and disk Voldemort clusters, Yammer Riak), written as the
// scenario's mixture distributions, with N = 3, R = W = 1. The paper reports
// (§5.3, Figure 6 and Table 4) the probability of a consistent read
// immediately after the write's commit (t = 0) and the t at which it reaches
// 99.9%:
//            P(consistent, t = 0)   t-visibility at 99.9%
//   LNKD-SSD       97.4%                 1.85 ms
//   LNKD-DISK      43.9%                 45.5 ms
//   YMMR           89.3%                 1364 ms
// repsim must be within 2 points at t = 0 and within 20% for the 99.9% time.
//
// The trials run in parallel, one row each: one write, then reads at t = 0
// and at a grid of t around the paper's 99.9% time after its ack (the
// paper's simulation sweeps t the same way). P(consistent | t) at each grid
// point, made non-increasing in staleness by pooling adjacent violators, and
// the 99.9% time interpolated (log-linearly in 1 − P) between the grid points
// that bracket it. Standard error of 1 − P at the crossing with 10,000 reads a
// point: √(0.001/10⁴) ≈ 30% of 0.001, which the profiles' exponential tails
// turn into under 10% of the time. (Grid times that are not whole µs — 1.85 ms
// × 0.8, say — are matched after rounding, as the scheduler rounds the read's
// issue time: before, those points matched no read and were skipped.)
import { describe, expect, it } from 'vitest';
import type { Dist } from '../../../sim/core/distributions.ts';
import { Harness } from './harness.ts';

const ms = (x: number) => x * 1000;
/** p·Pareto(xm, α) + (1 − p)·Exponential(λ per ms), in µs. */
function fit(paretoWeight: number, xmMs: number, alpha: number, lambdaPerMs: number): Dist {
  return {
    dist: 'mixture',
    of: [
      { weight: paretoWeight, dist: 'pareto', scale: ms(xmMs), shape: alpha },
      { weight: 1 - paretoWeight, dist: 'exponential', mean: ms(1 / lambdaPerMs) },
    ],
  };
}

// Table 3. LNKD-DISK's A, R and S legs are LNKD-SSD's.
const SSD = fit(0.9122, 0.235, 10, 1.66);
const PROFILES = [
  { name: 'LNKD-SSD', w: SSD, ars: SSD, p0: 0.974, t999Ms: 1.85, maxTMs: 20, trials: 10_000 },
  { name: 'LNKD-DISK', w: fit(0.38, 1.05, 1.51, 0.183), ars: SSD, p0: 0.439, t999Ms: 45.5, maxTMs: 500, trials: 10_000 },
  { name: 'YMMR', w: fit(0.939, 3, 3.35, 0.0028), ars: fit(0.982, 1.5, 3.8, 0.0217), p0: 0.893, t999Ms: 1364, maxTMs: 10_000, trials: 10_000 },
] as const;

const GRID = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.4, 1.6, 2];

/** The t (ms) at which P(consistent) reaches `p`, from grid points; null outside the grid. */
function crossing(tMs: number[], consistent: number[], total: number[], p: number): number | null {
  // Pool adjacent violators so that P is non-decreasing in t.
  const blocks: Array<{ first: number; last: number; ok: number; n: number }> = [];
  tMs.forEach((_, i) => {
    blocks.push({ first: i, last: i, ok: consistent[i] as number, n: total[i] as number });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.ok / a.n <= b.ok / b.n) break;
      blocks.splice(blocks.length - 2, 2, { first: a.first, last: b.last, ok: a.ok + b.ok, n: a.n + b.n });
    }
  });
  const fitted: number[] = [];
  for (const b of blocks) for (let i = b.first; i <= b.last; i++) fitted[i] = b.ok / b.n;
  for (let i = 1; i < tMs.length; i++) {
    const lo = fitted[i - 1] as number;
    const hi = fitted[i] as number;
    if (lo < p && hi >= p) {
      const q = (Math.log(1 - p) - Math.log(1 - lo)) / (Math.log(Math.max(1 - hi, 1e-9)) - Math.log(1 - lo));
      return (tMs[i - 1] as number) + q * ((tMs[i] as number) - (tMs[i - 1] as number));
    }
  }
  return null;
}

describe('the PBS production profiles (VLDB 2012, Table 3 fits; Figure 6 / Table 4 results), N = 3, R = W = 1', () => {
  for (const p of PROFILES) {
    it(`${p.name}: P(consistent at t = 0) within 2 points of ${p.p0}, t for 99.9% within 20% of ${p.t999Ms} ms`, () => {
      const trials = p.trials;
      const grid = GRID.map((g) => g * p.t999Ms);
      const h = new Harness({
        seed: 2012, regions: 1, rows: trials, config: { replicas: [3], write: 'ONE', read: 'ONE' },
        legs: { write: p.w, ack: p.ars, read: p.ars, response: p.ars },
      });
      h.onAck = (op) => {
        const row = op.row;
        h.read(0, row);
        for (const t of grid) h.at(h.sched.now + ms(t), () => h.read(0, row));
      };
      for (let row = 0; row < trials; row++) h.write(0, row);
      h.run(Infinity);
      const atZero = h.reads.filter((r) => r.tUs === 0);
      expect(atZero.length).toBe(trials);
      const p0 = atZero.filter((r) => r.consistent).length / trials;
      const ok = grid.map(() => 0);
      const n = grid.map(() => 0);
      for (const r of h.reads) {
        // A read is issued at a whole µs (the scheduler rounds), so match a grid point by its rounded time.
        const i = grid.findIndex((t) => Math.round(ms(t)) === r.tUs);
        if (i < 0) continue;
        n[i]!++;
        if (r.consistent) ok[i]!++;
      }
      const t999 = crossing(grid, ok, n, 0.999);
      expect(Math.abs(p0 - p.p0), `${p.name}: P(consistent at t = 0) = ${p0}, paper ${p.p0}`).toBeLessThanOrEqual(0.02);
      expect(t999, `${p.name}: P(consistent) at ${grid.join(', ')} ms = ${ok.map((k, i) => k / (n[i] as number)).join(', ')}`).not.toBeNull();
      expect(Math.abs((t999 as number) / p.t999Ms - 1), `${p.name}: t for 99.9% = ${t999} ms, paper ${p.t999Ms} ms`).toBeLessThanOrEqual(0.2);
    }, 120_000);
  }
});
