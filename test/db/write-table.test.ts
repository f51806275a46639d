// The write table's retirement (sim/db/write-table.ts, `compact`) against a
// plain map of every write ever added: after any sequence of adds and
// compactions, a write that is live (id at or past the stable bound) or was
// marked by the caller or a holder keeps exactly the facts it was added
// with, and a write retired unmarked is unknown and throws when asked for.
// The compaction runs in place; its bookkeeping (retired ids by slot and
// their hash index) is what this checks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WriteTable } from '../../sim/db/write-table.ts';

interface Facts {
  tsHi: number;
  tsLo: number;
  origin: number;
  seq: number;
  vc: number[];
}

const REGIONS = 3;

/** Write `id`'s facts, made up from the id so that every column differs between writes. */
function factsOf(id: number): Facts {
  return { tsHi: id * 7 + 1, tsLo: id % 5, origin: id % REGIONS, seq: Math.floor(id / REGIONS) + 1, vc: [id % 11, id % 13, id] };
}

describe('write table retirement', () => {
  it('keeps every live or referenced write with its facts and drops the rest, over random adds and compactions', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            adds: fc.integer({ min: 0, max: 80_000 }),
            // How far behind the last id the stable bound is, and which ids are still referenced.
            behind: fc.integer({ min: 0, max: 40_000 }),
            keepEvery: fc.integer({ min: 1, max: 5_000 }),
            holderEvery: fc.integer({ min: 1, max: 9_000 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (steps) => {
          const t = new WriteTable(REGIONS);
          const dropped = new Set<number>();
          let last = 0;
          let lo = 1;
          // A holder registered like the measurement's checkers: it lists some old ids.
          let held: number[] = [];
          t.addHolder((mark) => {
            for (const id of held) mark(id);
          });
          for (const step of steps) {
            for (let k = 0; k < step.adds; k++) {
              const id = ++last;
              const f = factsOf(id);
              t.add(id, f.tsHi, f.tsLo, f.origin, f.seq, Float64Array.from(f.vc));
            }
            const stable = Math.max(1, last + 1 - step.behind);
            const live: number[] = [];
            for (let id = step.keepEvery; id <= last; id += step.keepEvery) if (!dropped.has(id)) live.push(id);
            held = [];
            for (let id = step.holderEvery; id <= last; id += step.holderEvery) if (!dropped.has(id)) held.push(id);
            const before = t.windowSize;
            t.compact(stable, (mark) => {
              mark(0);
              for (const id of live) mark(id);
            });
            if (t.windowSize === before) continue;
            // It compacted: the stable bound is the window's new start, and what nobody marked below it is gone.
            expect(t.windowSize).toBe(last + 1 - stable);
            lo = stable;
            const marked = new Set([...live, ...held]);
            for (let id = 1; id < stable; id++) if (!marked.has(id)) dropped.add(id);
          }
          const wrong: number[] = [];
          for (let id = 1; id <= last; id++) {
            if (dropped.has(id)) {
              if (t.known(id)) wrong.push(id);
              continue;
            }
            const f = factsOf(id);
            const s = t.slot(id);
            const same = t.known(id) && t.tsHi[s] === f.tsHi && t.tsLo[s] === f.tsLo && t.origin[s] === f.origin && t.seq[s] === f.seq &&
              f.vc.every((x, k) => t.vc[s * REGIONS + k] === x);
            if (!same) wrong.push(id);
          }
          expect(wrong.slice(0, 10)).toEqual([]);
          const firstDropped = [...dropped][0];
          if (firstDropped !== undefined) expect(() => t.slot(firstDropped)).toThrow(/retired/);
          expect(t.known(0)).toBe(false);
          expect(t.known(last + 1)).toBe(false);
          let kept = 0;
          for (let id = 1; id < lo; id++) if (!dropped.has(id)) kept++;
          expect(t.retiredKept).toBe(kept);
        },
      ),
      { numRuns: 30, seed: 16 },
    );
  });

  it('compacts only once the window holds 65,536 ids, at least half of them stable (hand-derived)', () => {
    const t = new WriteTable(REGIONS);
    const vc = new Float64Array(REGIONS);
    for (let id = 1; id <= 65_535; id++) t.add(id, id, 0, 0, id, vc);
    t.compact(65_536, () => {});
    expect(t.windowSize).toBe(65_535);
    t.add(65_536, 65_536, 0, 0, 65_536, vc);
    // 32,767 stable of 65,536: under half, nothing retired.
    t.compact(32_768, () => {});
    expect(t.windowSize).toBe(65_536);
    // 32,768 stable: exactly half; the ids below 32,769 go, but for the one marked.
    t.compact(32_769, (mark) => mark(7));
    expect(t.windowSize).toBe(65_536 - 32_768);
    expect(t.retiredKept).toBe(1);
    expect(t.known(7)).toBe(true);
    expect(t.tsHi[t.slot(7)]).toBe(7);
    expect(t.known(8)).toBe(false);
    expect(t.tsHi[t.slot(32_769)]).toBe(32_769);
    expect(t.tsHi[t.slot(65_536)]).toBe(65_536);
  });
});
