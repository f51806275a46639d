// The FIFO queue (sim/core/fifo.ts) against a plain array model: the same
// entries in the same order under any mix of pushes, shifts and drops, and
// the memory bound its compaction promises.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COMPACT_AT, Fifo } from '../../sim/core/fifo.ts';

describe('Fifo', () => {
  it('hands entries back in the order they came', () => {
    const q = new Fifo<string>();
    expect(q.isEmpty()).toBe(true);
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    expect(q.last()).toBeUndefined();
    q.push('a');
    q.push('b');
    q.push('c');
    expect(q.length).toBe(3);
    expect(q.peek()).toBe('a');
    expect(q.peek(2)).toBe('c');
    expect(q.peek(3)).toBeUndefined();
    expect(q.last()).toBe('c');
    expect(q.shift()).toBe('a');
    expect(q.toArray()).toEqual(['b', 'c']);
    q.drop(5);
    expect(q.isEmpty()).toBe(true);
    expect(q.length).toBe(0);
    expect(q.capacityUsed).toBe(0);
  });

  it('carries fixed-size numeric records, read with peek and taken with drop', () => {
    const q = new Fifo<number>();
    for (let r = 0; r < 3; r++) for (let k = 0; k < 4; k++) q.push(r * 10 + k);
    expect([q.peek(0), q.peek(3)]).toEqual([0, 3]);
    q.drop(4);
    expect([q.peek(0), q.peek(1), q.length]).toEqual([10, 11, 8]);
  });

  it('matches an array model under any sequence of operations', () => {
    type Step = { kind: 'push'; x: number } | { kind: 'shift' } | { kind: 'drop'; n: number } | { kind: 'clear' };
    const step = fc.oneof(
      { weight: 6, arbitrary: fc.integer().map((x): Step => ({ kind: 'push', x })) },
      { weight: 4, arbitrary: fc.constant<Step>({ kind: 'shift' }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }).map((n): Step => ({ kind: 'drop', n })) },
      { weight: 1, arbitrary: fc.constant<Step>({ kind: 'clear' }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6000 }), (steps) => {
        const q = new Fifo<number>();
        let model: number[] = [];
        for (const s of steps) {
          if (s.kind === 'push') { q.push(s.x); model.push(s.x); }
          else if (s.kind === 'shift') expect(q.shift()).toBe(model.shift());
          else if (s.kind === 'drop') { q.drop(s.n); model = model.slice(s.n); }
          else { q.clear(); model = []; }
          expect(q.length).toBe(model.length);
          expect(q.peek()).toBe(model[0]);
          expect(q.last()).toBe(model[model.length - 1]);
        }
        expect(q.toArray()).toEqual(model);
      }),
      { numRuns: 60, seed: 21 },
    );
  });

  it('holds at most max(2 × queued, COMPACT_AT + queued) slots as it drains', () => {
    const q = new Fifo<number>();
    let worst = 0;
    for (let i = 0; i < 50_000; i++) {
      q.push(i);
      q.push(i);
      q.shift();
      if (i % 7 === 0) q.shift();
      worst = Math.max(worst, q.capacityUsed - Math.max(2 * q.length, COMPACT_AT + q.length));
    }
    expect(worst).toBeLessThanOrEqual(0);
  });
});
