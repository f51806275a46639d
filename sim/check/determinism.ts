// The determinism check (`--check-determinism`): the same case runs twice,
// in two worker threads at once, each hashing its full trace event stream and operation history.
// Equal hashes (and equal summaries) pass. On a mismatch, the checkpoint
// digests locate the first diverging window of CHECKPOINT_EVERY events; both
// runs are repeated capturing that window, and the report names the first
// diverging event index and both events.
//
// Workers start from determinism-worker.js, a bootstrap that registers tsx
// in the thread and imports determinism-worker.ts.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.ts';
import type { Summary } from '../scenario/summary-types.ts';
import type { CaseSpec } from '../case.ts';
import { CHECKPOINT_EVERY, firstDivergentEvent, firstDivergentWindow, type TraceDigest } from './trace-hash.ts';
import { baselineOf, compareBaseline } from './baseline.ts';

export interface WorkerInput {
  spec: CaseSpec;
  capture?: { from: number; count: number } | undefined;
  /** Tests only: the worker alters this trace event (simulates nondeterminism). */
  perturbAt?: number | undefined;
}

export type WorkerOutput =
  | { kind: 'ok'; summary: Summary; summaryHash: string; trace: TraceDigest }
  | { kind: 'input'; problems: string[] }
  | { kind: 'crash'; message: string };

export interface DeterminismResult {
  ok: boolean;
  /** The first run's summary. */
  summary: Summary;
  /** Trace events per run. */
  events: number;
  hash: string;
  /** Failure report lines (empty when ok). */
  report: string[];
}

const WORKER = fileURLToPath(new URL('./determinism-worker.js', import.meta.url));

/** Runs one case in a worker thread. Rejects with InputError for bad input. */
export function runInWorker(input: WorkerInput): Promise<Extract<WorkerOutput, { kind: 'ok' }>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: input });
    let settled = false;
    w.once('message', (m: WorkerOutput) => {
      settled = true;
      if (m.kind === 'ok') resolve(m);
      else if (m.kind === 'input') reject(new InputError(m.problems));
      else reject(new Error(`determinism worker failed: ${m.message}`));
    });
    w.once('error', (e) => {
      if (!settled) reject(e);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`determinism worker exited with code ${code} before reporting`));
    });
  });
}

/**
 * Runs `spec` twice in parallel worker threads and compares the trace
 * hashes and summaries. `perturbSecond` is for tests only.
 */
export async function checkDeterminism(spec: CaseSpec, opts: { perturbSecond?: number } = {}): Promise<DeterminismResult> {
  const [a, b] = await Promise.all([runInWorker({ spec }), runInWorker({ spec, perturbAt: opts.perturbSecond })]);
  const label = `${spec.file}${spec.variant && spec.variant !== 'base' ? ` variant ${spec.variant}` : ''} seed ${a.summary.seed}`;
  if (a.trace.hash === b.trace.hash && a.summaryHash === b.summaryHash) {
    return { ok: true, summary: a.summary, events: a.trace.count, hash: a.trace.hash, report: [] };
  }
  const report = [`determinism: ${label}: two runs of the same case differ`];
  if (a.trace.hash !== b.trace.hash) {
    const from = firstDivergentWindow(a.trace, b.trace);
    const capture = { from, count: CHECKPOINT_EVERY };
    const [ca, cb] = await Promise.all([runInWorker({ spec, capture }), runInWorker({ spec, capture, perturbAt: opts.perturbSecond })]);
    const d = firstDivergentEvent(ca.trace, cb.trace);
    report.push(`  trace: ${a.trace.count} vs ${b.trace.count} events; sha256 ${a.trace.hash.slice(0, 16)} vs ${b.trace.hash.slice(0, 16)}`);
    if (d) {
      report.push(`  first diverging event: #${d.index}`, `    run 1: ${d.a}`, `    run 2: ${d.b}`);
    } else {
      report.push(`  the runs diverge around events #${from}–#${from + CHECKPOINT_EVERY - 1}, but a third and fourth run of that window agreed (nondeterminism that does not reproduce)`);
    }
  } else {
    report.push('  the traces are identical but the summaries differ:');
  }
  for (const diff of compareBaseline(baselineOf(a.summary), baselineOf(b.summary)).slice(0, 10)) {
    report.push(`  summary ${diff.path}: run 1 ${JSON.stringify(diff.baseline)}, run 2 ${JSON.stringify(diff.now)}`);
  }
  return { ok: false, summary: a.summary, events: a.trace.count, hash: a.trace.hash, report };
}
