// One run from a scenario's text, as `repsim run --json` does it from a file:
// load (variant applied, problems located against `label`), simulate with the
// scenario's seed unless one is given, print the summary JSON. Shared by the
// playground's worker and the test that holds its bytes to the CLI's.
import { InputError } from '../../core/errors.ts';
import { simulateAsync } from '../../run.ts';
import { loadScenarioFromText } from '../../scenario/load-text.ts';
import type { Summary } from '../../scenario/summary-types.ts';
import type { RunJob, WorkerReply } from './protocol.ts';

/** The text `repsim run --json` writes for a summary. */
export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/**
 * Runs one job, awaiting `pause()` every fraction of a second of work (so a
 * worker's event loop turns and terminate() takes effect at once); the
 * summary, or throws InputError (bad input) or the model's error.
 */
export function runJob(job: RunJob, pause: () => Promise<void>, onProgress?: (fraction: number) => void): Promise<Summary> {
  const loaded = loadScenarioFromText(job.text, job.label, job.variant === 'base' ? {} : { variant: job.variant });
  const seed = job.seed ?? loaded.scenario.seed;
  return simulateAsync(loaded.scenario, { seed, variant: loaded.variant, contentHash: loaded.contentHash, onProgress }, pause);
}

/** Runs one job and says how it ended, as the worker replies. `now` reads a wall clock (ms) for the run's timing. */
export async function answerJob(job: RunJob, now: () => number, pause: () => Promise<void>, onProgress?: (fraction: number) => void): Promise<WorkerReply> {
  const started = now();
  try {
    const json = summaryJson(await runJob(job, pause, onProgress));
    return { id: job.id, kind: 'done', json, wallMs: now() - started };
  } catch (e) {
    if (e instanceof InputError) return { id: job.id, kind: 'invalid', problems: [...e.problems] };
    return { id: job.id, kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
