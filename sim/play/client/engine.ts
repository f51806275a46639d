// One run from a scenario's text, as `repsim run --json` does it from a file:
// load (variant applied, problems located against `label`), simulate with the
// scenario's seed unless one is given, print the summary JSON. Shared by the
// playground's worker and the test that holds its bytes to the CLI's.
import { InputError } from '../../core/errors.ts';
import { simulate } from '../../run.ts';
import { loadScenarioFromText } from '../../scenario/load-text.ts';
import type { Summary } from '../../scenario/summary-types.ts';
import type { RunJob, WorkerReply } from './protocol.ts';

/** The text `repsim run --json` writes for a summary. */
export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Runs one job; the summary, or throws InputError (bad input) or the model's error. */
export function runJob(job: RunJob, onProgress?: (fraction: number) => void): Summary {
  const loaded = loadScenarioFromText(job.text, job.label, job.variant === 'base' ? {} : { variant: job.variant });
  const seed = job.seed ?? loaded.scenario.seed;
  return simulate(loaded.scenario, { seed, variant: loaded.variant, contentHash: loaded.contentHash, onProgress });
}

/** Runs one job and says how it ended, as the worker replies. `now` reads a wall clock (ms) for the run's timing. */
export function answerJob(job: RunJob, now: () => number, onProgress?: (fraction: number) => void): WorkerReply {
  const started = now();
  try {
    const json = summaryJson(runJob(job, onProgress));
    return { id: job.id, kind: 'done', json, wallMs: now() - started };
  } catch (e) {
    if (e instanceof InputError) return { id: job.id, kind: 'invalid', problems: [...e.problems] };
    return { id: job.id, kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
