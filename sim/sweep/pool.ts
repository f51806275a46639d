// A fixed pool running RunTasks, at most `size` at a time. The main thread
// is one of the runners (its modules are already loaded, so it starts at
// once); the other `size − 1` are worker threads. Each thread gets up to two
// tasks at a time, so it never waits for the main thread (busy with a run
// of its own) to hand it the next one. Results are the same whatever the
// pool size because execute.ts serialises the line.
import { Worker } from 'node:worker_threads';
import { executeTask, type RunOutcome, type RunTask } from './execute.ts';

/** Runs tasks, at most `size` at a time. */
export interface RunPool {
  readonly size: number;
  /** Tasks worth keeping submitted at once (threads queue one extra each). */
  readonly capacity: number;
  run(task: RunTask): Promise<RunOutcome>;
  close(): Promise<void>;
}

const ENTRY = new URL('./worker-entry.js', import.meta.url);
/** Most tasks queued on one worker thread at once (one running, one waiting in its port). */
const PER_THREAD = 2;

interface Pending {
  task: RunTask;
  resolve: (o: RunOutcome) => void;
  reject: (e: Error) => void;
}

interface ThreadSlot {
  worker: Worker;
  ready: Promise<void>;
  /** Tasks sent to the thread, answered in order. */
  inFlight: Pending[];
}

/** A pool of `workers` runners: the main thread plus `workers − 1` threads. */
export function createPool(workers: number): RunPool {
  return new Pool(Math.max(1, Math.floor(workers)));
}

class Pool implements RunPool {
  private readonly threads: ThreadSlot[] = [];
  private readonly waiting: Pending[] = [];
  private inlineBusy = false;

  readonly capacity: number;

  constructor(readonly size: number) {
    for (let i = 1; i < size; i++) this.threads.push(this.spawn());
    // Enough submitted tasks to keep every runner fed and to see when the grid's tail is near.
    this.capacity = 4 * size;
  }

  private spawn(): ThreadSlot {
    const worker = new Worker(ENTRY);
    let markReady!: () => void;
    const slot: ThreadSlot = { worker, ready: new Promise((r) => (markReady = r)), inFlight: [] };
    worker.on('message', (msg: RunOutcome | { ready: true }) => {
      if ('ready' in msg) return markReady();
      slot.inFlight.shift()?.resolve(msg);
      this.dispatch();
    });
    worker.on('error', (err) => {
      for (const p of slot.inFlight.splice(0)) p.reject(err);
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
    this.dispatchThreads();
    if (this.inlineBusy) return;
    const next = this.waiting.shift();
    if (next === undefined) return;
    this.inlineBusy = true;
    // Yield first, so messages from threads are handled between inline runs.
    setImmediate(() => {
      try {
        next.resolve(executeTask(next.task));
      } catch (e) {
        next.reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        this.inlineBusy = false;
        this.dispatch();
      }
    });
  }

  private dispatchThreads(): void {
    // A second task goes to a busy thread only while plenty remain: near the
    // grid's end it would leave the main thread idle while the thread works.
    for (const slot of this.threads) {
      while (slot.inFlight.length < (this.waiting.length > this.size ? PER_THREAD : 1)) {
        const next = this.waiting.shift();
        if (next === undefined) return;
        slot.inFlight.push(next);
        void slot.ready.then(() => slot.worker.postMessage(next.task));
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((s) => s.worker.terminate()));
  }
}
