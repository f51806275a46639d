// Quorum intersection (Gifford 1979; the PBS paper's §2): with R + W > N
// every read set meets every write set, so with no faults and no clock skew
// no read misses a write acknowledged before it began (property test over
// 50 seeds); with R + W ≤ N some reads do. Three regions with uneven RTTs
// (20, 150 and 160 ms), one replica each, writes and reads from every region
// on 20 hot rows.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ConsistencyLevel } from '../../../sim/scenario/consistency-levels.ts';
import { drive, Harness } from './harness.ts';

function run(seed: number, write: ConsistencyLevel, read: ConsistencyLevel, readFanout: 'all' | 'nearest' = 'all') {
  const h = new Harness({
    seed, regions: 3, rttMatrixUs: [[0, 20_000, 150_000], [20_000, 0, 160_000], [150_000, 160_000, 0]], intraRegionRttUs: 1000, rows: 20,
    config: { replicas: [1, 1, 1], write, read, readFanout, timestamps: 'wallclock' },
    serviceTime: { dist: 'exponential', mean: 200 },
  });
  drive(h, { seed, regions: 3, rows: 20, writesPerS: 50, readsPerS: 200, untilUs: 20_000_000 });
  h.run(30_000_000);
  return h;
}

describe('quorum intersection (N = 3)', () => {
  it('R + W > N (QUORUM/QUORUM, ONE/ALL, ALL/ONE; fanout all and nearest): no stale read over 50 seeds', () => {
    const combos: Array<[ConsistencyLevel, ConsistencyLevel, 'all' | 'nearest']> = [['QUORUM', 'QUORUM', 'all'], ['QUORUM', 'QUORUM', 'nearest'], ['ALL', 'ONE', 'nearest'], [1, 3, 'all'], ['EACH_QUORUM', 'ONE', 'all']];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.constantFrom(...combos), (seed, [w, r, fan]) => {
        const h = run(seed, w, r, fan);
        expect(h.reads.length).toBeGreaterThan(3000);
        const stale = h.reads.filter((x) => x.stale).length;
        expect(stale, `seed ${seed}, W=${w} R=${r} ${fan}: ${stale} stale reads`).toBe(0);
      }),
      { numRuns: 50, seed: 14 },
    );
  });

  it('R + W ≤ N (ONE/ONE, ONE/TWO, TWO/ONE, LOCAL_QUORUM with one replica a region): some reads are stale', () => {
    for (const [w, r, fan] of [['ONE', 'ONE', 'all'], ['ONE', 'TWO', 'nearest'], ['TWO', 'ONE', 'all'], ['LOCAL_QUORUM', 'LOCAL_QUORUM', 'all']] as Array<[ConsistencyLevel, ConsistencyLevel, 'all' | 'nearest']>) {
      const h = run(3, w, r, fan);
      expect(h.reads.filter((x) => x.stale).length, `W=${w} R=${r} ${fan}`).toBeGreaterThan(0);
    }
  });
});
