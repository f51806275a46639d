// Runs the playground's worker bundle in a fresh V8 context with the globals
// a dedicated worker has (and no Node ones; MessageChannel is node's, which
// the worker's pause between slices of a run uses): each job posted gets its
// replies back, as the page would, once the last one arrives.
import { runInNewContext } from 'node:vm';
import type { RunJob, WorkerReply } from '../../sim/play/client/protocol.ts';

export interface VmWorker {
  run(job: RunJob): Promise<WorkerReply[]>;
}

export function vmWorker(script: string): VmWorker {
  let replies: WorkerReply[] = [];
  let done: ((r: WorkerReply[]) => void) | undefined;
  const scope: Record<string, unknown> = {
    MessageChannel,
    importScripts: () => undefined,
    structuredClone,
    TextEncoder,
    TextDecoder,
    atob,
    btoa,
    performance,
    console,
    postMessage: (m: WorkerReply) => {
      replies.push(m);
      if (m.kind !== 'progress') done?.(replies);
    },
  };
  scope.self = scope;
  runInNewContext(script, scope);
  return {
    run(job) {
      replies = [];
      const answered = new Promise<WorkerReply[]>((resolve) => (done = resolve));
      (scope.onmessage as (e: { data: RunJob }) => void)({ data: job });
      return answered;
    },
  };
}
