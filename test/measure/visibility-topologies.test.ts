// t-visibility for the other topologies, on stories with a hand-derived
// answer. Two regions 100 ms apart, no jitter, every commit shipped at once,
// apply 50 µs; clients in A write, clients in B read.
//   single-primary (A primary, async): a write committed at c is acknowledged
//   to its client in A at c + 0.5 ms (half the intra-region RTT) and applied in
//   B at c + 50 ms + 50 µs, so a read in B is consistent iff t ≥ 49.55 ms:
//   P = 0 below 20 ms, 1 from 50 ms; t99 and t999 ≈ 49.55 ms.
//   active-active (lww-hlc): the same path from A's origin to B's applier.
import { describe, expect, it } from 'vitest';
import { base, merge, run, type Spec } from '../helpers/scenario.ts';

function story(over: Spec): Spec {
  return merge(
    merge(base('visibility'), {
      duration: '30s',
      network: { rtt: { A: { B: '100ms' } } },
      workload: { keys: { count: 20, distribution: 'uniform' }, regions: { A: { writes: '50/s' }, B: { reads: '500/s' } } },
    }),
    over,
  );
}

describe('t-visibility of replicated topologies', () => {
  for (const [name, over] of [
    ['single-primary', {}],
    ['active-active', { topology: { kind: 'active-active' } }],
  ] as const) {
    it(`${name}: P(consistent) is 0 below 20 ms and 1 from 50 ms; t99, t999 ≈ 49.55 ms`, () => {
      const m = run(story(over), { seed: 1 }).summary.metrics;
      const v = m.reads.visibility;
      expect(v, 'visibility reported').toBeDefined();
      for (const p of v?.points ?? []) {
        if (p.reads === 0) continue;
        if (p.tMs < 20) expect(p.p, `t in [${p.tMs}, …)`).toBe(0);
        if (p.tMs >= 50) expect(p.p, `t in [${p.tMs}, …)`).toBe(1);
      }
      expect(v?.t99Ms).toBeGreaterThanOrEqual(49);
      expect(v?.t99Ms).toBeLessThanOrEqual(50.5);
      expect(v?.t999Ms).toBeGreaterThanOrEqual(49);
      expect(v?.t999Ms).toBeLessThanOrEqual(50.5);
      // k-staleness: P(k = 1) = 1 − stale share of served reads.
      const served = m.reads.total - m.reads.failed;
      expect(m.reads.kStaleness?.[0]?.p).toBeCloseTo(1 - m.reads.stale / served, 5);
    });
  }

  it('region-pinned: never stale, P(consistent) = 1 everywhere', () => {
    const m = run(story({ topology: { kind: 'region-pinned' }, workload: { remoteShare: 0.5 } }), { seed: 1 }).summary.metrics;
    for (const p of m.reads.visibility?.points ?? []) if (p.reads > 0) expect(p.p).toBe(1);
    expect(m.reads.kStaleness?.[0]?.p).toBe(1);
  });
});
