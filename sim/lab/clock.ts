// The lab's real clock: microseconds since an origin, from the monotonic
// high-resolution timer. The lab is the one part of repsim that runs in real
// time; the simulator never reads this.
import { performance } from 'node:perf_hooks';

/** Real time in microseconds, counted from a fixed origin. */
export interface RealClock {
  /** Microseconds since the origin (fractional). */
  nowUs(): number;
  /** The origin as Unix epoch microseconds (to convert database timestamps). */
  readonly originEpochUs: number;
}

/** A clock whose zero is the moment it is created. */
export function startClock(): RealClock {
  const t0 = performance.now();
  const originEpochUs = (performance.timeOrigin + t0) * 1000;
  return { nowUs: () => (performance.now() - t0) * 1000, originEpochUs };
}

/** Resolves after `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
