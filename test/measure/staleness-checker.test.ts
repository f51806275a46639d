// The staleness checker's storage: a row's single pending entry sits inline
// in its latest-acks record, two or more in a list of its own. Its verdicts
// must be those of the plain definition (docs/metrics.md: a read is stale if it
// misses a write acknowledged before it began; staleness from the oldest
// such write; versions behind = how many), whatever the row's storage.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StalenessChecker } from '../../sim/measure/staleness.ts';

/** The definition, kept naively: every acknowledged write not yet shown by every node, per row. */
class Reference {
  private readonly acked = new Map<number, Array<{ v: number; ack: number }>>();
  constructor(private readonly minVisible: (row: number) => number) {}
  onAck(row: number, v: number, ack: number): void {
    if (v <= this.minVisible(row)) return;
    const l = this.acked.get(row) ?? [];
    l.push({ v, ack });
    this.acked.set(row, l);
  }
  forget(row: number, v: number): void {
    const l = this.acked.get(row) ?? [];
    const i = l.findIndex((e) => e.v === v);
    if (i >= 0) l.splice(i, 1);
  }
  onRead(row: number, version: number, startUs: number) {
    const floor = this.minVisible(row);
    const missed = (this.acked.get(row) ?? []).filter((e) => e.v > version && e.v > floor && e.ack < startUs);
    if (missed.length === 0) return { stale: false, stalenessUs: 0, versionsBehind: 0 };
    return { stale: true, stalenessUs: startUs - Math.min(...missed.map((e) => e.ack)), versionsBehind: missed.length };
  }
}

describe('StalenessChecker storage', () => {
  it('a row goes from one inline entry to a list and back, with the same verdicts (hand-derived)', () => {
    const shown = [0, 0];
    const c = new StalenessChecker((row) => shown[row] ?? 0);
    c.onAck(1, 5, 1_000); // one entry: inline
    expect(c.listedRows).toBe(0);
    // A read of version 0 at 3 000 misses write 5 (acked at 1 000): stale by 2 000 µs, 1 behind.
    expect(c.onRead(1, 0, 3_000)).toEqual({ stale: true, stalenessUs: 2_000, versionsBehind: 1 });
    // A read that began before the ack misses nothing it could have seen.
    expect(c.onRead(1, 0, 900).stale).toBe(false);
    c.onAck(1, 7, 2_000); // two entries: a list
    expect(c.listedRows).toBe(1);
    // Version 0 at 3 000 misses 5 and 7: 2 behind, stale from 1 000 → 2 000 µs; version 5 misses only 7: 1 000 µs.
    expect(c.onRead(1, 0, 3_000)).toEqual({ stale: true, stalenessUs: 2_000, versionsBehind: 2 });
    expect(c.onRead(1, 5, 3_000)).toEqual({ stale: true, stalenessUs: 1_000, versionsBehind: 1 });
    // Every node now shows 5: the next ack prunes it, leaving 7 and 9, still a list.
    shown[1] = 5;
    c.onAck(1, 9, 4_000);
    expect(c.listedRows).toBe(1);
    expect(c.onRead(1, 5, 5_000)).toEqual({ stale: true, stalenessUs: 3_000, versionsBehind: 2 });
    // Every node shows 9: the next ack (11) prunes 7 and 9 and the row is back to one inline entry.
    shown[1] = 9;
    c.onAck(1, 11, 6_000);
    expect(c.listedRows).toBe(0);
    expect(c.onRead(1, 9, 7_000)).toEqual({ stale: true, stalenessUs: 1_000, versionsBehind: 1 });
    expect(c.onRead(1, 11, 7_000).stale).toBe(false);
    // Forgetting the only entry leaves nothing to miss.
    c.forget(1, 11);
    expect(c.onRead(1, 9, 7_000).stale).toBe(false);
  });

  it('agrees with the definition on random histories of acks, node progress, forgets and reads', () => {
    const step = fc.oneof(
      fc.record({ t: fc.constant('ack' as const), row: fc.integer({ min: 0, max: 3 }), dv: fc.integer({ min: -3, max: 4 }), dt: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ t: fc.constant('show' as const), row: fc.integer({ min: 0, max: 3 }), dv: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ t: fc.constant('forget' as const), row: fc.integer({ min: 0, max: 3 }), back: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ t: fc.constant('read' as const), row: fc.integer({ min: 0, max: 3 }), back: fc.integer({ min: 0, max: 6 }), dt: fc.integer({ min: -800, max: 800 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const shown = [0, 0, 0, 0];
        const floor = (row: number) => shown[row] ?? 0;
        const c = new StalenessChecker(floor);
        const ref = new Reference(floor);
        const top = [0, 0, 0, 0];
        const used = top.map(() => new Set<number>());
        let now = 1_000;
        for (const s of steps) {
          if (s.t === 'ack') {
            now += s.dt;
            // Versions mostly rise, some out of order (acks need not arrive in write-id order); each acked once.
            const v = Math.max(1, (top[s.row] as number) + s.dv);
            const seen = used[s.row] as Set<number>;
            if (seen.has(v)) continue;
            seen.add(v);
            top[s.row] = Math.max(top[s.row] as number, v);
            c.onAck(s.row, v, now);
            ref.onAck(s.row, v, now);
          } else if (s.t === 'show') {
            shown[s.row] = Math.min(top[s.row] as number, (shown[s.row] as number) + s.dv);
          } else if (s.t === 'forget') {
            const v = (top[s.row] as number) - s.back;
            c.forget(s.row, v);
            ref.forget(s.row, v);
          } else {
            const version = Math.max(shown[s.row] as number, (top[s.row] as number) - s.back);
            const start = now + s.dt;
            expect(c.onRead(s.row, version, start)).toEqual(ref.onRead(s.row, version, start));
          }
        }
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});
