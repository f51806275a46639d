// What this machine gives a run (node's heap limit, physical memory), and the
// check of a loaded scenario against it before the run starts: one located
// InputError (exit 2) when it cannot fit, warnings when it will take long.
// The estimate itself is pure (budget.ts); this file only reads the limits.
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { InputError } from '../core/errors.ts';
import { estimateRun, judge, type BatchShape, type MachineLimits, type RunEstimate } from './budget.ts';
import type { LoadedScenario } from './loader.ts';

/** Node's heap limit for this isolate (worker threads get the same default) and the machine's memory. */
export function machineLimits(): MachineLimits {
  return { heapLimitBytes: getHeapStatistics().heap_size_limit, memoryBytes: totalmem() };
}

/**
 * Refuses a loaded scenario whose run (or batch of runs) cannot fit on this
 * machine: throws InputError with one message located at the field most
 * responsible. Returns warnings (long work) for stderr.
 */
export function checkBudget(loaded: LoadedScenario, batch?: BatchShape, heaviest?: RunEstimate, totalEvents?: number): string[] {
  const v = judge(heaviest ?? estimateRun(loaded.scenario), machineLimits(), batch, totalEvents);
  if (v.refusal) {
    throw new InputError(v.refusal.path.length === 0 ? `${loaded.file}: ${v.refusal.message}` : loaded.locate(v.refusal));
  }
  return v.warnings.map((w) => `${loaded.file}: ${w}`);
}
