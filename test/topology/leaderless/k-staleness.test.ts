// PBS k-staleness (Bailis et al., "Probabilistically Bounded Staleness for
// Practical Partial Quorums", VLDB 2012, §3, Eq. 2): a read of R replicas
// picked at random returns one of the k newest versions with probability
// 1 − [C(N−W, R) / C(N, R)]^k when each write reached only W replicas. A
// write reaches at least its W acknowledging replicas before its ack, and
// with independent, identically distributed legs the replicas a read hears
// from first are a uniform pick independent of them, so the simulated
// k-staleness can only be higher: the closed form is a lower bound.
// Tolerance: 4 standard errors of the sampled fraction.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { choose, Harness } from './harness.ts';
import type { Dist } from '../../../sim/core/distributions.ts';

const N = 3;
const VERSIONS = 5;

function bound(r: number, w: number, k: number): number {
  return 1 - (choose(N - w, r) / choose(N, r)) ** k;
}

/**
 * Trials in parallel, one row each: VERSIONS writes back to back (each
 * invoked at the previous one's ack), then a read at the last ack (t = 0).
 * Returns P(within k versions) for k = 1 … 5.
 */
function kStaleness(seed: number, r: number, w: number, writeLeg: Dist, otherLeg: Dist, trials: number): number[] {
  const h = new Harness({
    seed, regions: 1, rows: trials, config: { replicas: [N], write: w, read: r },
    legs: { write: writeLeg, ack: otherLeg, read: otherLeg, response: otherLeg },
  });
  const written = new Int32Array(trials);
  h.onAck = (op) => {
    if (++written[op.row]! < VERSIONS) h.write(0, op.row);
    else h.read(0, op.row);
  };
  for (let row = 0; row < trials; row++) h.write(0, row);
  h.run(Infinity);
  expect(h.reads.length).toBe(trials);
  return [1, 2, 3, 4, 5].map((k) => h.reads.filter((x) => x.behind < k).length / trials);
}

const legDist = fc.oneof(
  fc.double({ min: 0.05, max: 20, noNaN: true }).map((ms): Dist => ({ dist: 'exponential', mean: ms * 1000 })),
  fc.double({ min: 0.05, max: 5, noNaN: true }).map((ms): Dist => ({ dist: 'pareto', scale: ms * 1000, shape: 1.5 })),
);

describe('k-staleness against the PBS closed form (N = 3)', () => {
  for (const [r, w] of [[1, 1], [1, 2]] as const) {
    it(`R = ${r}, W = ${w}: never below 1 − [C(N−W,R)/C(N,R)]^k, k = 1…5, over seeds and leg distributions`, () => {
      const trials = 1500;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1e6 }), legDist, legDist, (seed, wl, ol) => {
          const p = kStaleness(seed, r, w, wl, ol, trials);
          p.forEach((pk, i) => {
            const b = bound(r, w, i + 1);
            const se = Math.sqrt((b * (1 - b)) / trials);
            expect(pk, `seed ${seed}, k = ${i + 1}: ${pk} below the bound ${b}`).toBeGreaterThanOrEqual(b - 4 * se);
          });
        }),
        { numRuns: 12, seed: 14 },
      );
    });
  }

  it('meets the bound when writes reach only their W replicas before the read (slow write legs, instant others)', () => {
    // Write legs exponential with mean 20 ms, the other legs 1 µs: at the
    // ack only the acking replicas hold the write, so P(k = 1) = W/N.
    const trials = 4000;
    for (const w of [1, 2]) {
      const p = kStaleness(7, 1, w, { dist: 'exponential', mean: 20_000 }, { dist: 'constant', value: 1 }, trials);
      const b = bound(1, w, 1);
      expect(Math.abs((p[0] as number) - b), `W = ${w}: ${p[0]} vs ${b}`).toBeLessThan(4 * Math.sqrt((b * (1 - b)) / trials));
    }
  });
});
