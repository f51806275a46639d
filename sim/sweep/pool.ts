// A fixed pool running RunTasks, at most `size` at a time.
//
// With one runner the main thread runs every task itself (nothing to start).
// With more, every runner is a worker thread and the main thread only
// coordinates: it stays free to hand a finishing thread its next task at
// once. (A main thread that also ran tasks could not read a thread's result
// while busy with its own run, so threads sat idle, most at the start, while
// a thread loads, and at the grid's tail.) Each thread is given one task at
// a time, so the last tasks go to whichever thread frees up first. Results
// are the same whatever the pool size because execute.ts serialises the line.
import { Worker } from 'node:worker_threads';
import { executeTask, type RunOutcome, type RunTask } from './execute.ts';

/** Runs tasks, at most `size` at a time. */
export interface RunPool {
  readonly size: number;
  /** Tasks worth keeping submitted at once. */
  readonly capacity: number;
  run(task: RunTask): Promise<RunOutcome>;
  close(): Promise<void>;
}

const ENTRY = new URL('./worker-entry.js', import.meta.url);

interface Pending {
  task: RunTask;
  resolve: (o: RunOutcome) => void;
  reject: (e: Error) => void;
}

interface ThreadSlot {
  worker: Worker;
  /** The task the thread is running, if any. */
  current: Pending | undefined;
  /** Whether the thread has answered a task (so it loaded). */
  answered: boolean;
}

/** A pool of `workers` runners: the main thread alone, or `workers` threads. */
export function createPool(workers: number): RunPool {
  const size = Math.max(1, Math.floor(workers));
  return size === 1 ? new InlinePool() : new ThreadPool(size);
}

/** One runner: the main thread, yielding to the event loop between tasks. */
class InlinePool implements RunPool {
  readonly size = 1;
  readonly capacity = 4;
  /** Settles when every task submitted so far has run (never rejects). */
  private queue: Promise<void> = Promise.resolve();

  run(task: RunTask): Promise<RunOutcome> {
    const done = this.queue.then(
      () =>
        // Yield first, so the event loop (progress, signals) runs between tasks.
        new Promise<RunOutcome>((resolve, reject) =>
          setImmediate(() => {
            try {
              resolve(executeTask(task));
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          }),
        ),
    );
    this.queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}

class ThreadPool implements RunPool {
  private readonly threads: ThreadSlot[] = [];
  private readonly waiting: Pending[] = [];
  private closing = false;
  /** Set once no thread is left (none could load): every task fails with it. */
  private dead: Error | undefined;
  readonly capacity: number;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
    // Enough submitted tasks to keep every thread fed and to see when the grid's tail is near.
    this.capacity = 4 * size;
  }

  private spawn(): ThreadSlot {
    // A task posted before the thread has loaded waits in its port.
    const worker = new Worker(ENTRY);
    const slot: ThreadSlot = { worker, current: undefined, answered: false };
    worker.on('message', (msg: RunOutcome) => {
      const done = slot.current;
      slot.current = undefined;
      slot.answered = true;
      done?.resolve(msg);
      this.dispatch();
    });
    worker.on('error', (err) => {
      // The thread is gone (a crash outside executeTask, e.g. out of memory):
      // its task fails and a fresh thread takes its place, unless it never
      // answered at all (it could not load: a new one would fail the same way).
      const done = slot.current;
      slot.current = undefined;
      const at = this.threads.indexOf(slot);
      if (at >= 0) {
        if (slot.answered && !this.closing) this.threads[at] = this.spawn();
        else this.threads.splice(at, 1);
      }
      done?.reject(err);
      if (this.threads.length === 0) {
        this.dead = err;
        for (const p of this.waiting.splice(0)) p.reject(err);
      }
      this.dispatch();
    });
    return slot;
  }

  run(task: RunTask): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.waiting.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.threads) {
      if (slot.current !== undefined) continue;
      const next = this.waiting.shift();
      if (next === undefined) return;
      slot.current = next;
      slot.worker.postMessage(next.task);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((s) => s.worker.terminate()));
  }
}
