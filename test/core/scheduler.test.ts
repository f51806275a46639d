// The event loop: ordering by (time, insertion), cancellation, run bounds,
// budget, stop, rounding and clamping; and a property test against a naive
// sorted-array model that must produce exactly the same execution log.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler, type Handler, type RunResult, type TimerId } from '../../sim/core/scheduler.ts';

/** Records `[label, now]` for each executed event. */
function recorder(s: Scheduler): { log: Array<[string, number]>; ev: Handler<string> } {
  const log: Array<[string, number]> = [];
  return { log, ev: (label) => log.push([label, s.now]) };
}

describe('ordering', () => {
  it('runs events in time order', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(30, ev, 'c');
    s.at(10, ev, 'a');
    s.at(20, ev, 'b');
    expect(s.run()).toEqual({ reason: 'empty', events: 3 });
    expect(log).toEqual([['a', 10], ['b', 20], ['c', 30]]);
  });

  it('runs equal times in insertion order', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    const labels = Array.from({ length: 50 }, (_, i) => `e${i}`);
    for (const l of labels) s.at(7, ev, l);
    s.at(3, ev, 'early');
    s.run();
    expect(log.map(([l]) => l)).toEqual(['early', ...labels]);
    expect(log.every(([l, t]) => t === (l === 'early' ? 3 : 7))).toBe(true);
  });

  it('runs an event scheduled from a handler at the current time after those already queued for it', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(10, (l: string) => {
      ev(l);
      s.at(10, ev, 'D (at now)');
      s.after(0, ev, 'E (after 0)');
    }, 'A');
    s.at(10, ev, 'B');
    s.at(10, ev, 'C');
    s.at(11, ev, 'F');
    s.run();
    expect(log).toEqual([['A', 10], ['B', 10], ['C', 10], ['D (at now)', 10], ['E (after 0)', 10], ['F', 11]]);
  });

  it('keeps insertion order across heap growth', () => {
    const s = new Scheduler();
    const order: number[] = [];
    for (let i = 0; i < 5000; i++) s.at(i % 3, (k: number) => order.push(k), i);
    s.run();
    const expected = [0, 1, 2].flatMap((t) => Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 3 === t));
    expect(order).toEqual(expected);
  });
});

describe('cancel', () => {
  it('cancels a pending event', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(1, ev, 'a');
    const b = s.at(2, ev, 'b');
    s.at(3, ev, 'c');
    s.cancel(b);
    expect(s.run()).toEqual({ reason: 'empty', events: 2 });
    expect(log.map(([l]) => l)).toEqual(['a', 'c']);
  });

  it('cancels from inside a handler, including an event due at the same time', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    let later: TimerId = -1;
    s.at(5, () => {
      ev('first');
      s.cancel(later);
    }, undefined);
    later = s.at(5, ev, 'same time, cancelled');
    s.at(5, ev, 'same time, kept');
    s.run();
    expect(log.map(([l]) => l)).toEqual(['first', 'same time, kept']);
  });

  it('is harmless on an id that already ran, even once its storage is reused', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    const done = s.at(1, ev, 'done');
    s.run();
    // The next events reuse the freed storage; the stale id must not touch them.
    s.at(2, ev, 'x');
    s.at(3, ev, 'y');
    s.cancel(done);
    s.cancel(done);
    s.run();
    expect(log.map(([l]) => l)).toEqual(['done', 'x', 'y']);
  });

  it('is harmless twice, and on ids it never issued', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    const a = s.at(1, ev, 'a');
    const b = s.at(2, ev, 'b');
    s.cancel(a);
    s.cancel(a);
    // b + 1 would name storage never used; a + 2 ** 26 a later reuse of a's storage.
    for (const bogus of [-1, 0, 1, 0.5, NaN, Infinity, -Infinity, 2 ** 60, b + 1, a + 2 ** 26, b + 0.5]) s.cancel(bogus);
    s.run();
    expect(log.map(([l]) => l)).toEqual(['b']);
  });

  it('issues distinct, non-zero ids', () => {
    const s = new Scheduler();
    const ids = new Set<number>();
    const noop = (): void => {};
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 10; i++) ids.add(s.after(i, noop, undefined));
      s.run();
    }
    expect(ids.size).toBe(1000);
    expect(ids.has(0)).toBe(false);
  });

  it('does not count cancelled events as executed', () => {
    const s = new Scheduler();
    const noop = (): void => {};
    const ids = Array.from({ length: 10 }, (_, i) => s.at(i, noop, undefined));
    for (const id of ids.slice(0, 4)) s.cancel(id);
    expect(s.pending).toBe(10); // documented: cancelled events count until they surface
    expect(s.run()).toEqual({ reason: 'empty', events: 6 });
    expect(s.executed).toBe(6);
    expect(s.pending).toBe(0);
  });
});

describe('run(until)', () => {
  it('runs events up to and including the bound, then advances now to it', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    for (const t of [5, 10, 15, 20]) s.at(t, ev, `t${t}`);
    expect(s.run(15)).toEqual({ reason: 'until', events: 3 });
    expect(s.now).toBe(15);
    expect(s.run(17)).toEqual({ reason: 'until', events: 0 });
    expect(s.now).toBe(17);
    expect(s.run()).toEqual({ reason: 'empty', events: 1 });
    expect(log).toEqual([['t5', 5], ['t10', 10], ['t15', 15], ['t20', 20]]);
  });

  it('advances now to the bound when the queue empties first', () => {
    const s = new Scheduler();
    s.at(3, () => {}, undefined);
    expect(s.run(100)).toEqual({ reason: 'empty', events: 1 });
    expect(s.now).toBe(100);
    expect(s.run()).toEqual({ reason: 'empty', events: 0 });
    expect(s.now).toBe(100);
  });

  it('never moves the clock backwards', () => {
    const s = new Scheduler();
    s.at(50, () => {}, undefined);
    s.at(80, () => {}, undefined);
    s.run(60);
    expect(s.now).toBe(60);
    expect(s.run(10)).toEqual({ reason: 'until', events: 0 });
    expect(s.now).toBe(60);
    s.run();
    expect(s.now).toBe(80);
    s.run(20);
    expect(s.now).toBe(80);
  });

  it('keeps time integral under a fractional bound', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(10, ev, 'a');
    s.at(11, ev, 'b');
    expect(s.run(10.9)).toEqual({ reason: 'until', events: 1 });
    expect(s.now).toBe(10);
    s.run();
    expect(log).toEqual([['a', 10], ['b', 11]]);
  });

  it('rejects a NaN bound', () => {
    expect(() => new Scheduler().run(NaN)).toThrow(/invariant/);
  });
});

describe('budget and stop', () => {
  it('runs at most `budget` events and resumes where it left off', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    for (let t = 1; t <= 7; t++) s.at(t, ev, `t${t}`);
    expect(s.run(Infinity, 3)).toEqual({ reason: 'budget', events: 3 });
    expect(s.now).toBe(3);
    expect(s.run(Infinity, 0)).toEqual({ reason: 'budget', events: 0 });
    expect(s.run(5, 10)).toEqual({ reason: 'until', events: 2 });
    expect(s.run(Infinity, 10)).toEqual({ reason: 'empty', events: 2 });
    expect(log.map(([, t]) => t)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.executed).toBe(7);
  });

  it('does not spend budget on cancelled events', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    const ids = [1, 2, 3, 4].map((t) => s.at(t, ev, `t${t}`));
    s.cancel(ids[0] as number);
    s.cancel(ids[1] as number);
    expect(s.run(Infinity, 1)).toEqual({ reason: 'budget', events: 1 });
    expect(log).toEqual([['t3', 3]]);
  });

  it('rejects a negative or NaN budget', () => {
    expect(() => new Scheduler().run(Infinity, -1)).toThrow(/invariant/);
    expect(() => new Scheduler().run(Infinity, NaN)).toThrow(/invariant/);
  });

  it('stop() returns after the current event; the next run continues', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(1, ev, 'a');
    s.at(2, (l: string) => {
      ev(l);
      s.stop();
    }, 'b (stops)');
    s.at(2, ev, 'c');
    expect(s.run()).toEqual({ reason: 'stopped', events: 2 });
    expect(s.now).toBe(2);
    expect(log.map(([l]) => l)).toEqual(['a', 'b (stops)']);
    expect(s.run()).toEqual({ reason: 'empty', events: 1 });
    expect(log.map(([l]) => l)).toEqual(['a', 'b (stops)', 'c']);
  });
});

describe('time rounding and clamping', () => {
  it('rounds fractional times to the nearest microsecond (halves up)', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(10.4, ev, '10.4');
    s.at(10.5, ev, '10.5');
    s.at(9.5, ev, '9.5');
    s.at(11, ev, '11');
    s.run();
    // 10.4 and 9.5 both become 10, and keep their insertion order.
    expect(log).toEqual([['10.4', 10], ['9.5', 10], ['10.5', 11], ['11', 11]]);
    expect(log.every(([, t]) => Number.isInteger(t))).toBe(true);
  });

  it('rounds relative delays from now', () => {
    const s = new Scheduler();
    const times: number[] = [];
    s.at(100, () => {
      s.after(0.3, () => times.push(s.now), undefined);
      s.after(2.7, () => times.push(s.now), undefined);
    }, undefined);
    s.run();
    expect(times).toEqual([100, 103]);
  });

  it('clamps a time in the past to now, in insertion order', () => {
    const s = new Scheduler();
    const { log, ev } = recorder(s);
    s.at(100, () => {
      s.at(50, ev, 'at 50');
      s.after(-5, ev, 'after -5');
      s.at(100, ev, 'at 100');
      s.at(-Infinity, ev, 'at -Infinity');
    }, undefined);
    s.at(101, ev, 'later');
    s.run();
    expect(log).toEqual([['at 50', 100], ['after -5', 100], ['at 100', 100], ['at -Infinity', 100], ['later', 101]]);
  });

  it('rejects NaN and +Infinity', () => {
    const s = new Scheduler();
    expect(() => s.at(NaN, () => {}, undefined)).toThrow(/invariant/);
    expect(() => s.after(Infinity, () => {}, undefined)).toThrow(/invariant/);
    expect(s.pending).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// Property test against a reference model.

/** The scheduler's contract, written the slow obvious way. */
class NaiveScheduler {
  now = 0;
  executed = 0;
  private events: Array<{ t: number; seq: number; id: number; fn: Handler<unknown> | undefined; arg: unknown }> = [];
  private nextSeq = 0;
  private stopRequested = false;
  get pending(): number {
    return this.events.length;
  }
  at<T>(atUs: number, fn: Handler<T>, arg: T): number {
    const t = Math.max(this.now, Math.round(atUs));
    const seq = this.nextSeq++;
    this.events.push({ t, seq, id: seq + 1, fn: fn as Handler<unknown>, arg });
    return seq + 1;
  }
  after<T>(delayUs: number, fn: Handler<T>, arg: T): number {
    return this.at(this.now + delayUs, fn, arg);
  }
  cancel(id: number): void {
    const e = this.events.find((x) => x.id === id);
    if (e) e.fn = undefined;
  }
  stop(): void {
    this.stopRequested = true;
  }
  run(untilUs = Infinity, budget = Infinity): RunResult {
    const bound = Math.floor(untilUs);
    this.stopRequested = false;
    let n = 0;
    const done = (reason: RunResult['reason']): RunResult => {
      this.executed += n;
      return { reason, events: n };
    };
    for (;;) {
      if (this.events.length === 0) {
        if (bound !== Infinity) this.now = Math.max(this.now, bound);
        return done('empty');
      }
      this.events.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const e = this.events[0] as (typeof this.events)[number];
      if (e.t > bound) {
        this.now = Math.max(this.now, bound);
        return done('until');
      }
      if (n >= budget) return done('budget');
      this.events.shift();
      if (!e.fn) continue;
      this.now = e.t;
      n++;
      e.fn(e.arg);
      if (this.stopRequested) return done('stopped');
    }
  }
}

type Sched = Pick<Scheduler, 'now' | 'executed' | 'pending' | 'at' | 'after' | 'cancel' | 'stop' | 'run'>;

/** What an event does when it runs: schedule children, cancel earlier events, maybe stop. */
interface Action {
  delays: number[];
  cancels: number[];
  stop: boolean;
}
type Op =
  | { op: 'at'; t: number; action: Action }
  | { op: 'cancel'; k: number }
  | { op: 'run'; until: number; budget: number };

const delayArb = fc.oneof(fc.integer({ min: -3, max: 20 }), fc.double({ min: -2, max: 20, noNaN: true }));
const actionArb: fc.Arbitrary<Action> = fc.record({
  delays: fc.array(delayArb, { maxLength: 3 }),
  cancels: fc.array(fc.nat(), { maxLength: 2 }),
  stop: fc.boolean(),
}).map((a) => ({ ...a, stop: a.stop && a.delays.length === 0 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('at' as const), t: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.double({ min: -5, max: 60, noNaN: true })), action: actionArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), k: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('run' as const), until: fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 100, noNaN: true })), budget: fc.oneof(fc.constant(Infinity), fc.nat(10)) }) },
);

/**
 * Drives a scheduler through `ops` (ending with a full run) and returns
 * everything observable: executed labels with their times, run results, and
 * the clock and counters after each step. Ids are referred to by issue order.
 */
function drive(s: Sched, ops: Op[]): unknown[] {
  const trace: unknown[] = [];
  const ids: number[] = [];
  let label = 0;
  const pick = (k: number): number | undefined => (ids.length === 0 ? undefined : ids[k % ids.length]);
  const schedule = (atUs: number, action: Action, relative: boolean): void => {
    const me = label++;
    const fn = (): void => {
      trace.push(['ran', me, s.now]);
      for (const d of action.delays) schedule(d, { delays: [], cancels: action.cancels, stop: false }, true);
      for (const k of action.cancels) {
        const id = pick(k);
        if (id !== undefined) s.cancel(id);
      }
      if (action.stop) s.stop();
    };
    ids.push(relative ? s.after(atUs, fn, undefined) : s.at(atUs, fn, undefined));
  };
  for (const o of [...ops, { op: 'run', until: Infinity, budget: Infinity } as const]) {
    if (o.op === 'at') schedule(o.t, o.action, false);
    else if (o.op === 'cancel') {
      const id = pick(o.k);
      if (id !== undefined) s.cancel(id);
    } else trace.push(['run', s.run(o.until, o.budget)]);
    trace.push(['state', s.now, s.pending, s.executed]);
  }
  return trace;
}

/** fast-check with a replayable seed: FC_SEED=<seed> [FC_PATH=<path>] reruns a failure. */
function check<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => void, numRuns: number): void {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
  const path = process.env.FC_PATH;
  const out = fc.check(fc.property(arb, predicate), { numRuns, ...(seed !== undefined ? { seed } : {}), ...(path ? { path } : {}) });
  if (out.failed) {
    throw new Error(`${fc.defaultReportMessage(out)}\nreplay: FC_SEED=${out.seed} FC_PATH=${out.counterexamplePath ?? ''} npx vitest run test/core/scheduler.test.ts`);
  }
}

describe('property: same behaviour as a naive sorted-array scheduler', () => {
  it('random schedule / cancel / run sequences produce identical traces', () => {
    check(fc.array(opArb, { maxLength: 80 }), (ops) => {
      expect(drive(new Scheduler(), ops)).toEqual(drive(new NaiveScheduler(), ops));
    }, 400);
  });

  it('many events with heavy ties come out sorted by (time, insertion)', () => {
    const entries = fc.array(fc.record({ t: fc.integer({ min: 0, max: 30 }), cancel: fc.boolean() }), { minLength: 1, maxLength: 3000 });
    check(entries, (es) => {
      const s = new Scheduler();
      const out: number[] = [];
      const ids = es.map((e, i) => s.at(e.t, (k: number) => out.push(k), i));
      es.forEach((e, i) => {
        if (e.cancel) s.cancel(ids[i] as number);
      });
      s.run();
      const expected = es.map((e, i) => ({ ...e, i })).filter((e) => !e.cancel).sort((a, b) => a.t - b.t || a.i - b.i).map((e) => e.i);
      expect(out).toEqual(expected);
    }, 100);
  });
});
