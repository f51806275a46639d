// The run pool: one runner is the main thread; more are worker threads, each
// given one task at a time. Every task's promise gets its own outcome, the
// same bytes whichever runner ran it.
import { describe, expect, it } from 'vitest';
import { createPool } from '../../sim/sweep/pool.ts';
import type { RunOutcome, RunTask } from '../../sim/sweep/execute.ts';
import { tempWithScenario } from './fixture.ts';

const { scenario } = tempWithScenario();
const tasks: RunTask[] = [1, 2, 3, 4, 5].map((seed, id) => ({ id, scenario, variant: 'base', seed, sets: ['duration=5s', 'warmup=1s'], params: {} }));

async function runAll(workers: number): Promise<RunOutcome[]> {
  const pool = createPool(workers);
  try {
    return await Promise.all(tasks.map((t) => pool.run(t)));
  } finally {
    await pool.close();
  }
}

describe('run pool', () => {
  it('answers each task with its own outcome, identical for 1 and 3 runners', async () => {
    const one = await runAll(1);
    const three = await runAll(3);
    expect(one.map((o) => o.id)).toEqual([0, 1, 2, 3, 4]);
    expect(three.map((o) => o.id)).toEqual([0, 1, 2, 3, 4]);
    for (const o of one) expect(o.ok).toBe(true);
    expect(three).toEqual(one);
    // Different seeds really ran (not one outcome copied).
    expect(new Set(one.map((o) => (o.ok ? o.line : ''))).size).toBe(5);
  }, 60_000);

  it('reports bad input as a failed outcome, not a rejection', async () => {
    const pool = createPool(2);
    try {
      const o = await pool.run({ ...tasks[0]!, sets: ['topology.kind=ring'] });
      expect(o.ok).toBe(false);
      if (!o.ok) expect(o.input).toBe(true);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
