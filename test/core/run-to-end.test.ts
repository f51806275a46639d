// The engine driver's no-progress guard (sim/core/run-to-end.ts): a handler
// that reschedules itself at the same instant is stopped with the callback
// named; a storm far past the estimate is stopped; an ordinary run is not.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../sim/core/scheduler.ts';
import { CHUNK, NoProgress, SAMPLE_EVENTS, SLICE, runToEnd, runToEndAsync } from '../../sim/core/run-to-end.ts';

describe('runToEnd without progress', () => {
  it('stops a handler that reschedules itself at the same instant, naming it', () => {
    const s = new Scheduler();
    const spin = () => void s.at(s.now, spinBound, undefined);
    const spinBound = spin;
    s.at(5_000, spinBound, undefined);
    // A steady ticker as well, so the loop is not empty: only the instant 5 ms is stuck.
    const tick = () => void s.after(1_000, tickBound, undefined);
    const tickBound = tick;
    s.at(0, tickBound, undefined);
    let caught: unknown;
    try {
      runToEnd(s, 10_000_000, undefined, { expectedEventsPerUs: 1, sameInstantLimit: 4 * CHUNK, ratioLimit: 1e9 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NoProgress);
    const e = caught as NoProgress;
    expect(e.atUs).toBe(5_000);
    expect(e.why).toMatch(/in a row at this one simulated instant/);
    expect(e.top[0]).toEqual(['spin', SAMPLE_EVENTS]);
    expect(e.sampled).toBe(SAMPLE_EVENTS);
    // Tripped within a chunk of the limit: 4 full chunks at 5 ms (the first chunk also ran the ticks before it).
    expect(s.executed).toBeLessThanOrEqual(6 * CHUNK + SAMPLE_EVENTS);
  });

  it('stops a run whose events outgrow its own estimate', () => {
    const s = new Scheduler();
    // 100 events per simulated µs, against an estimate of 0.001 per µs.
    const storm = () => {
      for (let k = 0; k < 100; k++) s.after(1, noop, undefined);
      s.after(1, stormBound, undefined);
    };
    const stormBound = storm;
    const noop = () => {};
    s.at(0, stormBound, undefined);
    expect(() => runToEnd(s, 1e9, undefined, { expectedEventsPerUs: 0.001, ratioLimit: 50, slackEvents: 2 * CHUNK })).toThrow(/more than 50× the run's own estimate/);
  });

  it('lets an ordinary run, and one without a guard, reach its end', () => {
    const s = new Scheduler();
    let ticks = 0;
    const tick = () => {
      ticks++;
      s.after(1, tickBound, undefined);
    };
    const tickBound = tick;
    s.at(0, tickBound, undefined);
    const fractions: number[] = [];
    runToEnd(s, 3_000_000, (f) => fractions.push(f), { expectedEventsPerUs: 1 });
    expect(ticks).toBe(3_000_001);
    expect(s.now).toBe(3_000_000);
    expect(fractions.length).toBe(99);
    const t = new Scheduler();
    let n = 0;
    const same = () => {
      if (++n < 3 * CHUNK) t.at(t.now, sameBound, undefined);
    };
    const sameBound = same;
    t.at(0, sameBound, undefined);
    runToEnd(t, 10);
    expect(n).toBe(3 * CHUNK);
  });
});

describe('runToEndAsync', () => {
  /** A ticker every µs whose handler records the simulated time it ran at. */
  function ticker(): { s: Scheduler; seen: number[] } {
    const s = new Scheduler();
    const seen: number[] = [];
    const tick = () => {
      seen.push(s.now);
      s.after(1, tickBound, undefined);
    };
    const tickBound = tick;
    s.at(0, tickBound, undefined);
    return { s, seen };
  }

  it('runs the same events as runToEnd, pausing after every SLICE events and every progress report', async () => {
    const a = ticker();
    const fa: number[] = [];
    runToEnd(a.s, 2_000_000, (f) => fa.push(f), { expectedEventsPerUs: 1 });
    const b = ticker();
    const fb: number[] = [];
    let pauses = 0;
    await runToEndAsync(b.s, 2_000_000, async () => void pauses++, (f) => fb.push(f), { expectedEventsPerUs: 1 });
    expect(b.seen).toEqual(a.seen);
    expect(b.s.executed).toBe(a.s.executed);
    expect(fb).toEqual(fa);
    // Each 1% step is 20,000 events, under a slice: one pause after each of the 99 progress reports.
    expect(pauses).toBe(99);
    // Without progress reports, one pause per full slice: 2,000,001 events hold 7 slices of 2^18.
    const c = ticker();
    let slices = 0;
    await runToEndAsync(c.s, 2_000_000, async () => void slices++);
    expect(c.seen).toEqual(a.seen);
    expect(Math.floor(2_000_001 / SLICE)).toBe(7);
    expect(slices).toBe(7);
  });

  it('trips the same guard', async () => {
    const s = new Scheduler();
    const spin = () => void s.at(s.now, spinBound, undefined);
    const spinBound = spin;
    s.at(5_000, spinBound, undefined);
    await expect(runToEndAsync(s, 10_000_000, async () => undefined, undefined, { expectedEventsPerUs: 1, sameInstantLimit: 4 * CHUNK, ratioLimit: 1e9 })).rejects.toBeInstanceOf(NoProgress);
  });
});
