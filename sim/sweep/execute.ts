// One grid run, as a plain message in and a plain message out, so the same
// code serves the main thread (--workers 1) and the worker threads. The
// results line is serialised here, once, so it is byte-identical wherever it ran.
import { InputError } from '../core/errors.ts';
import { runCase } from '../case.ts';
import type { ParamValue } from './grid.ts';

/** What to run. */
export interface RunTask {
  id: number;
  scenario: string;
  variant: string;
  seed: number;
  sets: string[];
  params: Record<string, ParamValue>;
}

/** How it went: the results line, or why it failed. */
export type RunOutcome =
  | { id: number; ok: true; line: string; warnings: string[]; invariantViolations: number }
  | { id: number; ok: false; input: boolean; problems: string[]; message: string; stack?: string };

/** The results.jsonl line of a run: the summary JSON (docs/metrics.md) plus `"params"`. */
export function resultLine(summary: object, params: Record<string, ParamValue>): string {
  return JSON.stringify({ ...summary, params });
}

/** Runs one task; never throws (failures come back as outcomes). */
export function executeTask(task: RunTask): RunOutcome {
  try {
    const { summary, warnings } = runCase({ file: task.scenario, seed: task.seed, variant: task.variant, sets: task.sets });
    return { id: task.id, ok: true, line: resultLine(summary, task.params), warnings, invariantViolations: summary.invariantViolations.length };
  } catch (e) {
    if (e instanceof InputError) return { id: task.id, ok: false, input: true, problems: e.problems, message: e.message };
    const err = e instanceof Error ? e : new Error(String(e));
    return { id: task.id, ok: false, input: false, problems: [err.message], message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  }
}
