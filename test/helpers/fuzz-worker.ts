// The fuzzer's worker thread: runs one scenario file twice, each time down
// the path `repsim run FILE --json` takes (load and judge the budget, run,
// render the JSON), and reports how each run ended — refused as bad input
// (exit 2), a failed check or model defect (exit 1), an unexpected exception
// (what the CLI would show as a stack trace), or a summary and its JSON
// bytes. A thread, so the parent can stop a run that never ends.
import { parentPort } from 'node:worker_threads';
import { CheckFailure, InputError, ModelDefect } from '../../sim/core/errors.ts';
import { loadCase, runLoadedCase } from '../../sim/case.ts';
import { jsonPieces } from '../../sim/output/json-stream.ts';
import type { RunEnd, WorkerReply, WorkerRequest } from './fuzz-case.ts';

function runOnce(file: string): RunEnd {
  try {
    const loaded = loadCase({ file });
    const { summary } = runLoadedCase({ file }, loaded);
    return { kind: 'summary', summary, json: [...jsonPieces(summary)].join(''), durationMs: loaded.scenario.duration / 1000 };
  } catch (e) {
    if (e instanceof InputError) return { kind: 'refused', problems: e.problems };
    if (e instanceof CheckFailure) return { kind: 'check-failure', defect: e instanceof ModelDefect, message: e.message };
    return { kind: 'exception', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

const port = parentPort;
if (!port) throw new Error('fuzz-worker.ts runs only as a worker thread');
port.on('message', (m: WorkerRequest) => {
  const reply: WorkerReply = { id: m.id, first: runOnce(m.file), second: runOnce(m.file) };
  port.postMessage(reply);
});
