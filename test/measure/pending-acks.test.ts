// The read judges' per-row memory (sim/measure/pending-acks.ts) against a
// plain map of lists: whatever lists are stored, in whatever order, each row
// hands back exactly its last stored list. Rows with one entry keep it
// inline in the row's latest-acks record, so they have no list of their
// own, and the record's own numbers are left alone.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PendingAcks } from '../../sim/measure/pending-acks.ts';
import { LatestAcks } from '../../sim/measure/visibility.ts';

const ROWS = 8;

describe('pending acks per row', () => {
  it('each row returns what was last stored for it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            row: fc.integer({ min: 0, max: ROWS - 1 }),
            // How many of the row's entries to keep from its front, and how many new ones to append.
            keep: fc.integer({ min: 0, max: 4 }),
            add: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 200 },
        ),
        (steps) => {
          const latest = new LatestAcks();
          const p = new PendingAcks(latest);
          const own = new Map<number, number>();
          const ref = new Map<number, number[]>();
          let next = 1;
          for (const { row, keep, add } of steps) {
            const list = p.entries(row);
            expect(list).toEqual(ref.get(row) ?? []);
            // Edit in place, as the judge does: drop from the back, then append (write, ackUs) pairs.
            list.length = Math.min(list.length, 2 * keep);
            for (let k = 0; k < add; k++, next++) list.push(next, next * 10);
            ref.set(row, [...list]);
            p.store(row, list);
            // The record's own numbers (the latest acks, the owner's aux) are not the store's.
            latest.onAck(row, next, next);
            latest.setAux(row, next);
            own.set(row, next);
            next++;
          }
          for (let row = 0; row < ROWS; row++) {
            expect(p.entries(row)).toEqual(ref.get(row) ?? []);
            const l = ref.get(row) ?? [];
            expect(p.single(row)).toBe(l.length <= 2);
            if (l.length === 2) expect([p.oneWrite(row), p.oneAckUs(row)]).toEqual(l);
            const mine = own.get(row) ?? 0;
            expect(latest.aux(row)).toBe(mine);
            expect(latest.reference(row, Infinity, false)).toBe(mine);
          }
          const listed = [...ref.values()].filter((l) => l.length > 2).length;
          expect(p.listedRows).toBe(listed);
        },
      ),
      { numRuns: 200, seed: 16 },
    );
  });

  it('a row with a single entry keeps it without a list (hand-derived)', () => {
    const p = new PendingAcks(new LatestAcks());
    const l = p.entries(2);
    l.push(5, 50);
    p.store(2, l);
    expect(p.listedRows).toBe(0);
    const l2 = p.entries(2);
    l2.push(6, 60);
    p.store(2, l2);
    expect(p.listedRows).toBe(1);
    const l3 = p.entries(2);
    l3.splice(0, 2);
    p.store(2, l3);
    expect(p.listedRows).toBe(0);
    expect(p.entries(2)).toEqual([6, 60]);
    expect(p.entries(1)).toEqual([]);
  });
});
