// Runs a list of grid items on a pool and hands back their results lines in
// grid order, whatever order the workers finish in: completions are buffered
// and released as soon as every earlier item is done. So results.jsonl is
// written incrementally, holds only complete lines, and is byte-identical for
// any --workers (each line is serialised by execute.ts from a deterministic
// summary). A failed item releases nothing and does not block later ones.
import type { GridItem } from './grid.ts';
import type { RunOutcome } from './execute.ts';
import type { RunPool } from './pool.ts';

/** Where a batch reports runs done (the CLI's progress bar implements it). */
export interface Progress {
  tick(): void;
  stop(): void;
}

/** A grid item that did not produce a result. */
export interface FailedRun {
  item: GridItem;
  /** True for bad input (unsupported topology, invalid value); false for a crash. */
  input: boolean;
  problems: string[];
  stack?: string;
}

export interface GridRunOptions {
  scenario: string;
  pool: RunPool;
  /** Called with each result line, in grid order. */
  onLine: (item: GridItem, line: string) => void;
  progress?: Progress;
  /** Stop dispatching new runs after the first failure (sweep); otherwise run everything (compare). */
  stopOnError: boolean;
  /** Skip the remaining runs of a variant once one of its runs failed with bad input (compare). */
  skipFailedVariants?: boolean;
}

export interface GridRunResult {
  completed: number;
  failures: FailedRun[];
  /** Distinct warnings from loading the scenario, in first-seen order. */
  warnings: string[];
  /** Runs whose summary lists invariant violations. */
  violatingRuns: number;
}

/** Runs `items` (already in grid order) and calls onLine in that order. */
export async function runGrid(items: readonly GridItem[], opts: GridRunOptions): Promise<GridRunResult> {
  const result: GridRunResult = { completed: 0, failures: [], warnings: [], violatingRuns: 0 };
  const warnings = new Set<string>();
  const finished = new Map<number, string | null>(); // position → line, or null for a failed run
  const failedVariants = new Set<string>();
  let nextToRelease = 0;
  let nextToDispatch = 0;
  let stopped = false;

  const release = (): void => {
    while (finished.has(nextToRelease)) {
      const line = finished.get(nextToRelease);
      finished.delete(nextToRelease);
      if (typeof line === 'string') opts.onLine(items[nextToRelease] as GridItem, line);
      nextToRelease++;
    }
  };

  const settle = (pos: number, item: GridItem, o: RunOutcome): void => {
    if (o.ok) {
      result.completed++;
      if (o.invariantViolations > 0) result.violatingRuns++;
      for (const w of o.warnings) warnings.add(w);
      finished.set(pos, o.line);
    } else {
      result.failures.push({ item, input: o.input, problems: o.problems, ...(o.stack !== undefined ? { stack: o.stack } : {}) });
      if (opts.stopOnError || !o.input) stopped = true;
      if (o.input && opts.skipFailedVariants) failedVariants.add(item.variant);
      finished.set(pos, null);
    }
    opts.progress?.tick();
    release();
  };

  await new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    const pump = (): void => {
      while (!stopped && inFlight < opts.pool.capacity && nextToDispatch < items.length) {
        const pos = nextToDispatch++;
        const item = items[pos] as GridItem;
        if (failedVariants.has(item.variant)) {
          finished.set(pos, null);
          opts.progress?.tick();
          release();
          continue;
        }
        inFlight++;
        opts.pool
          .run({ id: item.index, scenario: opts.scenario, variant: item.variant, seed: item.seed, sets: item.sets, params: item.params })
          .then((o) => {
            inFlight--;
            try {
              settle(pos, item, o);
              pump();
            } catch (e) {
              // onLine failed (e.g. the results file could not be written): stop dispatching and fail the batch.
              stopped = true;
              reject(e);
            }
          }, reject);
      }
      if (inFlight === 0 && (stopped || nextToDispatch >= items.length)) resolve();
    };
    pump();
  });
  opts.progress?.stop();
  result.warnings = [...warnings];
  return result;
}
