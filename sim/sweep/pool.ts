// A fixed pool of worker threads running RunTasks. With one worker the tasks
// run inline on the main thread (no thread start-up cost); results are the
// same either way because execute.ts serialises the line.
import { Worker } from 'node:worker_threads';
import { executeTask, type RunOutcome, type RunTask } from './execute.ts';

/** Runs tasks, at most `size` at a time. */
export interface RunPool {
  readonly size: number;
  run(task: RunTask): Promise<RunOutcome>;
  close(): Promise<void>;
}

const ENTRY = new URL('./worker-entry.js', import.meta.url);

/** A pool of `workers` threads (inline when workers ≤ 1). */
export function createPool(workers: number): RunPool {
  return workers <= 1 ? inlinePool() : new ThreadPool(workers);
}

function inlinePool(): RunPool {
  return {
    size: 1,
    run: (task) => new Promise((resolve) => setImmediate(() => resolve(executeTask(task)))),
    close: async () => {},
  };
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  pending?: { resolve: (o: RunOutcome) => void; reject: (e: Error) => void };
}

class ThreadPool implements RunPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<{ task: RunTask; resolve: (o: RunOutcome) => void; reject: (e: Error) => void }> = [];

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY);
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise((r) => (markReady = r)), busy: false };
    worker.on('message', (msg: RunOutcome | { ready: true }) => {
      if ('ready' in msg) return markReady();
      const p = slot.pending;
      slot.pending = undefined;
      slot.busy = false;
      p?.resolve(msg);
      this.dispatch();
    });
    worker.on('error', (err) => {
      const p = slot.pending;
      slot.pending = undefined;
      p?.reject(err);
    });
    return slot;
  }

  run(task: RunTask): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.waiting.shift();
      if (next === undefined) return;
      slot.busy = true;
      slot.pending = { resolve: next.resolve, reject: next.reject };
      void slot.ready.then(() => slot.worker.postMessage(next.task));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
