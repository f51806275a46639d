// The playground's run worker (bundled on its own, started from a Blob URL):
// each message is one run; it posts progress about every 1% of simulated time
// and then the result. The page stops it with terminate(), so a run needs no
// cancellation point of its own.
import { answerJob } from './engine.ts';
import type { RunJob, WorkerReply } from './protocol.ts';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((e: { data: RunJob }) => void) | null;
  performance?: { now(): number };
}

const scope = globalThis as unknown as WorkerScope;
const now = (): number => scope.performance?.now() ?? 0;

scope.onmessage = (e) => {
  const job = e.data;
  scope.postMessage(answerJob(job, now, (fraction) => scope.postMessage({ id: job.id, kind: 'progress', fraction })));
};
