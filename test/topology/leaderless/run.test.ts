// Leaderless runs through the real loader and `simulate`: determinism, the
// summary's visibility keys, and stories with faults — a partition that
// leaves too few replicas fails writes unless the quorum is sloppy, and a
// sloppy write whose hint expires before the partition heals is lost (RPO).
import { describe, expect, it } from 'vitest';
import { base, merge, run, type Spec } from '../../helpers/scenario.ts';

/** Three regions 20/150/160 ms apart, one replica each, 50 writes/s and 200 reads/s per region on 1000 rows. */
function spec(over: Spec = {}): Spec {
  return merge(
    merge(base('leaderless'), {
      duration: '60s',
      warmup: '5s',
      regions: [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
      network: { rtt: { A: { B: '20ms', C: '150ms' }, B: { C: '160ms' } }, jitter: { dist: 'exponential', mean: '1ms' } },
      topology: { kind: 'leaderless', leaderless: { write: 'QUORUM', read: 'QUORUM' } },
      workload: { regions: { A: { writes: '50/s', reads: '200/s' }, B: { writes: '50/s', reads: '200/s' }, C: { writes: '50/s', reads: '200/s' } } },
    }),
    over,
  );
}

describe('leaderless runs', () => {
  it('same seed, same summary; the summary has t-visibility (17 points) and k-staleness (k = 1…5)', () => {
    const s = spec({ topology: { leaderless: { write: 'ONE', read: 'ONE' } } });
    const a = run(s, { seed: 3 }).summary;
    const b = run(s, { seed: 3 }).summary;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.topology).toBe('leaderless');
    const v = a.metrics.reads.visibility;
    expect(v?.points.map((p) => p.tMs)).toEqual([0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);
    expect(a.metrics.reads.kStaleness?.map((x) => x.k)).toEqual([1, 2, 3, 4, 5]);
    // ONE/ONE across regions: some reads stale, k-staleness non-decreasing in k, P(k = 1) = 1 − stale share of judged reads.
    expect(a.metrics.reads.stale).toBeGreaterThan(0);
    const ks = (a.metrics.reads.kStaleness ?? []).map((x) => x.p);
    for (let i = 1; i < ks.length; i++) expect(ks[i]).toBeGreaterThanOrEqual(ks[i - 1] as number);
    const served = a.metrics.reads.total - a.metrics.reads.failed;
    expect(ks[0]).toBeCloseTo(1 - a.metrics.reads.stale / served, 5);
    // Inconsistency is confined to the first cross-region delay: P(consistent) at t ≥ 200 ms is 1.
    for (const p of v?.points ?? []) if (p.tMs >= 200 && p.reads > 0) expect(p.p).toBe(1);
  });

  it('QUORUM/QUORUM: no stale reads, no loss, P(consistent) = 1 at every t; t99 = t999 = 0', () => {
    const m = run(spec(), { seed: 1 }).summary.metrics;
    expect(m.reads.stale).toBe(0);
    expect(m.rpo.lostAckedWrites).toBe(0);
    expect(m.reads.visibility?.t99Ms).toBe(0);
    expect(m.reads.visibility?.t999Ms).toBe(0);
  });

  it('C isolated for 20 s: QUORUM writes from C fail as unavailable; with a sloppy quorum they are acknowledged and handed off after the heal', () => {
    const fault = { faults: [{ at: '20s', for: '20s', partition: { isolate: 'C' } }] };
    const strict = run(spec(fault), { seed: 2 }).summary.metrics;
    // C's clients: 50 writes/s for 20 s.
    expect(strict.writes.failed).toBeGreaterThan(900);
    expect(strict.availability.writes).toBeLessThan(0.97);
    const sloppy = run(spec(merge(fault, { topology: { leaderless: { sloppyQuorum: true } } })), { seed: 2 }).summary.metrics;
    // Only writes whose requests were in flight when the cut came fail (sloppiness is decided at send).
    expect(sloppy.writes.failed).toBeLessThan(50);
    expect(sloppy.rpo.lostAckedWrites).toBe(0);
  });

  it('a sloppy write held only by a stand-in is lost when its hint expires before the heal (RPO)', () => {
    // C holds no replica; cut off for 40 s with a 10 s hint window, its ONE writes are acknowledged by stand-ins only.
    // A set table, so a later write to the row does not stand for an earlier add.
    const s = spec({
      workload: { tables: [{ name: 'carts', share: 1, rowBytes: 100, merge: 'gset' }] },
      topology: { leaderless: { replicas: { A: 1, B: 1 }, write: 'ONE', read: 'ONE', sloppyQuorum: true, hintedHandoff: { maxHintWindow: '10s', replayInterval: '5s' } } },
      faults: [{ at: '10s', for: '40s', partition: { isolate: 'C' } }],
    });
    const m = run(s, { seed: 4 }).summary.metrics;
    // C's 50 adds/s for 40 s, less the last 10 s whose hints are still young at the heal.
    expect(m.rpo.lostAckedWrites).toBeGreaterThan(1000);
    expect(m.rpo.lossWindowMs).toBeGreaterThan(20_000);
  });
});
