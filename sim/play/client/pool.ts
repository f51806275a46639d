// Runs jobs on Web Workers, as many at once as the machine has cores
// (navigator.hardwareConcurrency) or the batch has jobs. Each worker takes
// the next job when it finishes one. cancel() terminates every worker at
// once: a run in the middle of its event loop stops there, and the batch
// resolves as cancelled.
import type { RunJob, WorkerReply } from './protocol.ts';

/** How one job ended. */
export type JobResult = Exclude<WorkerReply, { kind: 'progress' }>;

export interface BatchProgress {
  /** Jobs finished. */
  done: number;
  total: number;
  /** Fraction of the whole batch done, counting each running job's progress. */
  fraction: number;
}

export interface BatchOutcome {
  cancelled: boolean;
  /** In job order; missing for jobs a cancel cut off. */
  results: Array<JobResult | undefined>;
  wallMs: number;
  workers: number;
}

/** Something that makes a worker (a Blob URL's script in the page; a fake in tests). */
export type WorkerFactory = () => Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;

export class RunPool {
  private running: Array<ReturnType<WorkerFactory>> = [];
  private finish: (() => void) | undefined;

  constructor(
    private readonly makeWorker: WorkerFactory,
    readonly size: number,
    private readonly now: () => number,
  ) {}

  get busy(): boolean {
    return this.finish !== undefined;
  }

  /** Runs the jobs; resolves when all are done or the batch is cancelled. */
  run(jobs: readonly RunJob[], onProgress: (p: BatchProgress) => void): Promise<BatchOutcome> {
    if (this.busy) throw new Error('invariant: a batch is already running');
    const started = this.now();
    const results: Array<JobResult | undefined> = jobs.map(() => undefined);
    const fractions = jobs.map(() => 0);
    const index = new Map(jobs.map((j, i) => [j.id, i]));
    let next = 0;
    let done = 0;
    const workers = Math.max(1, Math.min(this.size, jobs.length));
    return new Promise<BatchOutcome>((resolve) => {
      const report = () => onProgress({ done, total: jobs.length, fraction: jobs.length === 0 ? 1 : fractions.reduce((a, b) => a + b, 0) / jobs.length });
      const end = (cancelled: boolean) => {
        for (const w of this.running) w.terminate();
        this.running = [];
        this.finish = undefined;
        resolve({ cancelled, results, wallMs: this.now() - started, workers });
      };
      this.finish = () => end(true);
      if (jobs.length === 0) return end(false);
      const current: Array<number | undefined> = [];
      const feed = (w: ReturnType<WorkerFactory>, k: number) => {
        const i = next++;
        const job = jobs[i];
        current[k] = job === undefined ? undefined : i;
        if (job !== undefined) w.postMessage(job);
      };
      const settle = (i: number, r: JobResult) => {
        results[i] = r;
        fractions[i] = 1;
        done++;
      };
      for (let k = 0; k < workers; k++) {
        const w = this.makeWorker();
        w.onmessage = (e: MessageEvent<WorkerReply>) => {
          const m = e.data;
          const i = index.get(m.id);
          if (i === undefined) return;
          if (m.kind === 'progress') {
            fractions[i] = m.fraction;
            report();
            return;
          }
          settle(i, m);
          report();
          if (done === jobs.length) end(false);
          else feed(w, k);
        };
        w.onerror = (e: ErrorEvent) => {
          // A worker that dies (out of memory, say) fails its job; it takes the next one if it can.
          e.preventDefault();
          const i = current[k];
          const job = i === undefined ? undefined : jobs[i];
          if (i !== undefined && job !== undefined && results[i] === undefined) settle(i, { id: job.id, kind: 'failed', message: e.message || 'the worker stopped' });
          report();
          if (done === jobs.length) end(false);
          else feed(w, k);
        };
        this.running.push(w);
        feed(w, k);
      }
      report();
    });
  }

  /** Stops every worker now; the running batch resolves as cancelled. */
  cancel(): void {
    this.finish?.();
  }
}
