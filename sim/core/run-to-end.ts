// The engine's driver: runs a scheduler's event loop to the end of the run,
// reporting progress on the way, and guarding against a run that stops
// making progress. Knows nothing of what the events do.
//
// The guard: a valid scenario must end. A model defect can make a run spin
// instead — a handler that reschedules itself at the same instant, or a
// storm of events far beyond what the scenario asks for. The loop runs in
// chunks of CHUNK events; between chunks (never inside the hot loop) it
// checks two bounds and, when one is crossed, samples which callbacks fire
// and throws NoProgress:
//   - events in a row at one simulated instant: at least `sameInstantLimit`
//     (the clock did not move over whole chunks);
//   - events so far against the run's own estimate for the simulated time
//     reached: more than `ratioLimit` × the estimate + `slackEvents`.
import type { Scheduler } from './scheduler.ts';

/** Events run between two checks of the guard. */
export const CHUNK = 1 << 20;
/** Events sampled, once the guard trips, to name the callbacks that fire. */
export const SAMPLE_EVENTS = 100_000;

export interface ProgressGuard {
  /** The run's own estimate of events per simulated µs (sim/scenario/budget.ts). */
  expectedEventsPerUs: number;
  /** Events in a row at one instant that mean a livelock. Default 10,000,000. */
  sameInstantLimit?: number;
  /** Events beyond this multiple of the estimate mean a runaway. Default 50. */
  ratioLimit?: number;
  /** Events always allowed on top of the ratio (short runs, start-up bursts). Default 5,000,000. */
  slackEvents?: number;
}

/** The run stopped making progress: a defect of the model, not of the scenario. */
export class NoProgress extends Error {
  constructor(
    /** Simulated time when the guard tripped, µs. */
    readonly atUs: number,
    /** Which bound it crossed, in words with the numbers. */
    readonly why: string,
    /** The callbacks that fired most in the sampled window, most first: [name, count]. */
    readonly top: ReadonlyArray<readonly [string, number]>,
    readonly sampled: number,
  ) {
    super(`no progress at ${atUs} µs: ${why}`);
    this.name = 'NoProgress';
  }
}

/** The guard's check after a slice of `events` events that started at simulated time `before`; throws NoProgress when a bound is crossed. */
function guardCheck(sched: Scheduler, guard: ProgressGuard | undefined): (before: number, events: number) => void {
  if (!guard) return () => undefined;
  const sameInstantLimit = guard.sameInstantLimit ?? 10_000_000;
  const ratioLimit = guard.ratioLimit ?? 50;
  const slack = guard.slackEvents ?? 5_000_000;
  let atInstant = 0;
  return (before, events) => {
    atInstant = sched.now === before ? atInstant + events : 0;
    if (atInstant >= sameInstantLimit) trip(sched, `${atInstant} events in a row at this one simulated instant`);
    const allowed = ratioLimit * guard.expectedEventsPerUs * sched.now + slack;
    if (sched.executed > allowed) {
      trip(sched, `${sched.executed} events by this simulated time, more than ${ratioLimit}× the run's own estimate (${Math.round(guard.expectedEventsPerUs * sched.now)}) plus ${slack}`);
    }
  };
}

/** The simulated times progress is reported at: every 1% of the run (none without a listener). */
function progressSteps(endUs: number, onProgress: ((fraction: number) => void) | undefined): number[] {
  if (!onProgress) return [];
  const step = Math.max(1, Math.floor(endUs / 100));
  const out: number[] = [];
  for (let t = step; t < endUs; t += step) out.push(t);
  return out;
}

/** Runs the event loop to `endUs`, reporting progress about every 1% when asked; throws NoProgress when the guard trips. */
export function runToEnd(sched: Scheduler, endUs: number, onProgress?: (fraction: number) => void, guard?: ProgressGuard): void {
  const check = guardCheck(sched, guard);
  /** Runs to `t` in chunks, checking the guard between them. */
  const runTo = (t: number) => {
    for (;;) {
      const before = sched.now;
      const r = sched.run(t, CHUNK);
      if (r.reason !== 'budget') return;
      check(before, r.events);
    }
  };
  for (const t of progressSteps(endUs, onProgress)) {
    runTo(t);
    onProgress?.(t / endUs);
  }
  runTo(endUs);
}

/** Events run between two pauses of runToEndAsync (a fraction of a second of work). */
export const SLICE = 1 << 18;

/**
 * runToEnd that awaits `pause()` after every SLICE events and every progress
 * report, so the caller's event loop turns while a run goes on (a browser
 * worker can then be terminated at once). The same events in the same order:
 * the slices only split the loop.
 */
export async function runToEndAsync(sched: Scheduler, endUs: number, pause: () => Promise<void>, onProgress?: (fraction: number) => void, guard?: ProgressGuard): Promise<void> {
  const check = guardCheck(sched, guard);
  const runTo = async (t: number) => {
    for (;;) {
      const before = sched.now;
      const r = sched.run(t, SLICE);
      if (r.reason !== 'budget') return;
      check(before, r.events);
      await pause();
    }
  };
  for (const t of progressSteps(endUs, onProgress)) {
    await runTo(t);
    onProgress?.(t / endUs);
    await pause();
  }
  await runTo(endUs);
}

function trip(sched: Scheduler, why: string): never {
  const atUs = sched.now;
  const counts = sched.sample(SAMPLE_EVENTS);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
  throw new NoProgress(atUs, why, top, [...counts.values()].reduce((a, b) => a + b, 0));
}
