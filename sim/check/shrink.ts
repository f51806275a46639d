// Shrinking a failing fault schedule: greedily drop faults while the run
// still fails, then halve each fault's duration while it still fails
// (down to MIN_FOR_MS). Pure over a `fails` predicate; the caller runs.
import { ms, parseMs, type SwarmFault } from './swarm.ts';

/** Shortest duration shrinking tries, ms. */
export const MIN_FOR_MS = 100;

export interface ShrinkResult {
  faults: SwarmFault[];
  /** Runs the shrinker made. */
  runs: number;
}

/** The smallest schedule found that still fails (`fails(start)` is assumed true). */
export function shrinkFaults(start: readonly SwarmFault[], fails: (faults: SwarmFault[]) => boolean): ShrinkResult {
  let cur = [...start];
  let runs = 0;
  const tryIt = (cand: SwarmFault[]) => {
    runs++;
    return fails(cand);
  };
  // 1. Remove faults, one at a time, restarting after each success.
  for (let changed = true; changed && cur.length > 1; ) {
    changed = false;
    for (let i = 0; i < cur.length; i++) {
      const cand = cur.filter((_, j) => j !== i);
      if (tryIt(cand)) {
        cur = cand;
        changed = true;
        break;
      }
    }
  }
  // 2. Shorten durations by halving.
  for (let i = 0; i < cur.length; i++) {
    for (;;) {
      const f = cur[i] as SwarmFault;
      if (typeof f.for !== 'string') break;
      const half = Math.floor(parseMs(f.for) / 2);
      if (half < MIN_FOR_MS) break;
      const cand = cur.map((g, j) => (j === i ? { ...g, for: ms(half) } : g));
      if (!tryIt(cand)) break;
      cur = cand;
    }
  }
  return { faults: cur, runs };
}
