// The engine's driver: runs a scheduler's event loop to the end of the run,
// reporting progress on the way. Knows nothing of what the events do.
import type { Scheduler } from './scheduler.ts';

/** Runs the event loop to `endUs`, reporting progress about every 1% when asked. */
export function runToEnd(sched: Scheduler, endUs: number, onProgress?: (fraction: number) => void): void {
  if (onProgress) {
    const step = Math.max(1, Math.floor(endUs / 100));
    for (let t = step; t < endUs; t += step) {
      sched.run(t);
      onProgress(t / endUs);
    }
  }
  sched.run(endUs);
}
