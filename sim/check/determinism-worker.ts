// Worker side of the determinism check: one run of a case with a hashing
// trace; posts the summary and the trace digest (or the bad-input problems).
import { parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { runCase } from '../case.ts';
import { HashingTrace } from './trace-hash.ts';
import { InputError } from '../core/errors.ts';
import type { WorkerInput, WorkerOutput } from './determinism.ts';

const input = workerData as WorkerInput;
let out: WorkerOutput;
try {
  const trace = new HashingTrace({ capture: input.capture, perturbAt: input.perturbAt });
  const r = runCase(input.spec, { trace, history: trace });
  const summaryJson = JSON.stringify(r.summary);
  out = { kind: 'ok', summary: r.summary, summaryHash: createHash('sha256').update(summaryJson).digest('hex'), trace: trace.digest() };
} catch (e) {
  if (e instanceof InputError) out = { kind: 'input', problems: e.problems };
  else out = { kind: 'crash', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
parentPort?.postMessage(out);
