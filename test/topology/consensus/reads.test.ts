// Read strategies under the 43-second partition of the leader's region, and
// follower reads' staleness bound.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { replayCommand, run } from '../../helpers/scenario.ts';
import { AP, consensusSpec, EU, US } from './helpers.ts';

/** us-east-1 (the leader) is cut off 10 s → 53 s; its clients read, the others write the same 50 rows. */
function partitionSpec(consensus: Record<string, unknown>) {
  return consensusSpec({
    duration: '60s',
    topology: { consensus },
    workload: {
      keys: { count: 50, distribution: 'uniform' },
      regions: { [US]: { reads: '40/s' }, [EU]: { writes: '40/s' }, [AP]: { writes: '20/s' } },
    },
    faults: [{ at: '10s', for: '43s', partition: { isolate: US } }],
  });
}

const SEEDS = 50;

describe('consensus reads under a partition of the leader region', () => {
  it('local-unsafe without a lease: the deposed leader answers from what it has, and the staleness checker counts those reads', () => {
    const spec = partitionSpec({ reads: 'local-unsafe', leaseDuration: '0s' });
    for (let seed = 1; seed <= SEEDS; seed += 10) {
      const s = run(spec, { seed }).summary;
      expect(s.invariantViolations).toEqual([]);
      // It keeps answering for the whole 43 s while eu-west-1 and ap-southeast-1 write 60 rows/s elsewhere.
      expect(s.metrics.reads.stale, replayCommand(spec, seed)).toBeGreaterThan(500);
      expect(s.metrics.reads.stalenessMs.max).toBeGreaterThan(30_000);
    }
  });

  for (const [name, consensus] of [
    ['leaseholder', { reads: 'leaseholder' }],
    ['read-index', { reads: 'read-index', leaseDuration: '0s' }],
  ] as const) {
    it(`${name}: no stale read over ${SEEDS} seeds (the cut-off leader stops answering; its clients get failures instead)`, () => {
      const spec = partitionSpec(consensus);
      for (let seed = 1; seed <= SEEDS; seed++) {
        const s = run(spec, { seed }).summary;
        const why = replayCommand(spec, seed);
        expect(s.invariantViolations, why).toEqual([]);
        expect(s.metrics.reads.stale, why).toBe(0);
        expect(s.metrics.reads.failed, why).toBeGreaterThan(1000);
      }
    }, 300_000);
  }
});

describe('follower reads', () => {
  it('are never staler than followerReadLag plus the replication lag (property over seeds, lags and load)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1000, max: 6000 }),
        fc.integer({ min: 20, max: 200 }),
        (seed, lagMs, writesPerS) => {
          const spec = consensusSpec({
            duration: '20s',
            topology: { consensus: { reads: 'follower', followerReadLag: `${lagMs}ms` } },
            network: { jitter: { dist: 'exponential', mean: '5ms' } },
            workload: {
              keys: { count: 20, distribution: 'uniform' },
              regions: { [US]: { writes: `${writesPerS}/s`, reads: '50/s' }, [EU]: { writes: '20/s', reads: '50/s' }, [AP]: { reads: '50/s' } },
              readAfterWrite: { probability: 0.5, delay: '10ms' },
            },
          });
          const s = run(spec, { seed }).summary;
          const m = s.metrics;
          const why = replayCommand(spec, seed);
          expect(s.invariantViolations, why).toEqual([]);
          // Reading lagMs in the past misses recent writes: stale reads exist, and are bounded.
          expect(m.reads.stale, why).toBeGreaterThan(0);
          expect(m.reads.stalenessMs.max, why).toBeLessThanOrEqual(lagMs + m.replication.lagMs.max);
          // Served by the local replica: the median read pays only the intra-region round trip.
          expect(m.reads.latencyMs.p50, why).toBeLessThanOrEqual(1.01);
        },
      ),
      { numRuns: 12, seed: 13 },
    );
  }, 300_000);
});
