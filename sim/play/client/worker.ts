// The playground's run worker (bundled on its own, started from a Blob URL):
// each message is one run; it posts progress about every 1% of simulated time
// and then the result. A run gives way to the worker's event loop every
// fraction of a second (a MessageChannel round, which no timer clamps), so
// the page's terminate() stops it at once rather than after Chromium's
// forcible-termination delay for a busy worker (2 s).
import { answerJob } from './engine.ts';
import type { RunJob, WorkerReply } from './protocol.ts';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((e: { data: RunJob }) => void) | null;
  performance?: { now(): number };
  MessageChannel?: typeof MessageChannel;
}

const scope = globalThis as unknown as WorkerScope;
const now = (): number => scope.performance?.now() ?? 0;
const Channel = scope.MessageChannel;
const pause = (): Promise<void> =>
  new Promise((resolve) => {
    if (Channel === undefined) return resolve();
    const c = new Channel();
    c.port1.onmessage = () => {
      c.port1.close();
      resolve();
    };
    c.port2.postMessage(0);
  });

scope.onmessage = (e) => {
  const job = e.data;
  void answerJob(job, now, pause, (fraction) => scope.postMessage({ id: job.id, kind: 'progress', fraction })).then((reply) => scope.postMessage(reply));
};
