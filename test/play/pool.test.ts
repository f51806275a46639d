import { describe, expect, it } from 'vitest';
import { RunPool, type WorkerFactory } from '../../sim/play/client/pool.ts';
import type { RunJob, WorkerReply } from '../../sim/play/client/protocol.ts';

/** Fake workers that answer when told to: each posted job waits in `pending`. */
function fakes() {
  const pending: Array<{ job: RunJob; reply: (r: WorkerReply) => void }> = [];
  let made = 0;
  let terminated = 0;
  const factory: WorkerFactory = () => {
    made++;
    const w = {
      onmessage: null as ((e: MessageEvent) => void) | null,
      onerror: null as ((e: ErrorEvent) => void) | null,
      postMessage(job: RunJob) {
        pending.push({ job, reply: (r) => w.onmessage?.({ data: r } as MessageEvent) });
      },
      terminate() {
        terminated++;
      },
    };
    return w as unknown as ReturnType<WorkerFactory>;
  };
  return { factory, pending, made: () => made, terminated: () => terminated };
}

const jobs = (n: number): RunJob[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, text: '', label: 'x', variant: 'base', seed: i }));

describe('the run pool', () => {
  it('runs at most `size` jobs at once, feeds the next to whichever finishes, and keeps job order', async () => {
    const f = fakes();
    const pool = new RunPool(f.factory, 2, () => 0);
    const progress: number[] = [];
    const out = pool.run(jobs(3), (p) => progress.push(p.fraction));
    expect(f.made()).toBe(2);
    expect(f.pending.map((p) => p.job.id)).toEqual([1, 2]);
    f.pending[1]?.reply({ id: 2, kind: 'progress', fraction: 0.5 });
    f.pending[1]?.reply({ id: 2, kind: 'done', json: 'B', wallMs: 1 });
    expect(f.pending.map((p) => p.job.id)).toEqual([1, 2, 3]);
    f.pending[0]?.reply({ id: 1, kind: 'invalid', problems: ['p'] });
    f.pending[2]?.reply({ id: 3, kind: 'done', json: 'C', wallMs: 1 });
    const r = await out;
    expect(r.cancelled).toBe(false);
    expect(r.results.map((x) => x?.kind)).toEqual(['invalid', 'done', 'done']);
    expect(f.terminated()).toBe(2);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toContain(0.5 / 3);
  });

  it('cancel terminates every worker at once and resolves as cancelled', async () => {
    const f = fakes();
    const pool = new RunPool(f.factory, 4, () => 0);
    const out = pool.run(jobs(10), () => undefined);
    expect(pool.busy).toBe(true);
    pool.cancel();
    const r = await out;
    expect(r.cancelled).toBe(true);
    expect(f.terminated()).toBe(4);
    expect(pool.busy).toBe(false);
    expect(r.results.every((x) => x === undefined)).toBe(true);
  });
});
