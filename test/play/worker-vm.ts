// Runs the playground's worker bundle in a fresh V8 context with the globals
// a dedicated worker has (and no Node ones): each job posted gets its
// replies back as the page would.
import { runInNewContext } from 'node:vm';
import type { RunJob, WorkerReply } from '../../sim/play/client/protocol.ts';

export interface VmWorker {
  run(job: RunJob): WorkerReply[];
}

export function vmWorker(script: string): VmWorker {
  const replies: WorkerReply[] = [];
  const scope: Record<string, unknown> = {
    importScripts: () => undefined,
    structuredClone,
    TextEncoder,
    TextDecoder,
    atob,
    btoa,
    performance,
    console,
    postMessage: (m: WorkerReply) => replies.push(m),
  };
  scope.self = scope;
  runInNewContext(script, scope);
  return {
    run(job) {
      replies.length = 0;
      (scope.onmessage as (e: { data: RunJob }) => void)({ data: job });
      return [...replies];
    },
  };
}
