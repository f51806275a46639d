// Sweep throughput: the same 16-run grid (16 seeds of the benchmark
// scenario bench/three-region-hour.yaml's single-primary variant, 10 simulated
// minutes each, about two and a half seconds of work per run) with --workers 1 and --workers 2,
// in this process, results kept in memory. Prints one JSON line:
// {"case":"sweep","runs":16,"workers1S":…,"workers2S":…,"speedup":…,"identical":true}.
// The two-worker time includes starting the worker threads (tsx in each).
// `npm run bench` runs this several times in fresh processes and reports medians.
import { planGrid } from '../sim/sweep/plan.ts';
import { createPool } from '../sim/sweep/pool.ts';
import { runBatch } from '../sim/sweep/batch.ts';

const plan = planGrid({ scenario: 'bench/three-region-hour.yaml', params: [], variants: ['single-primary'], seeds: 16, sets: ['duration=10m', 'faults=[]'] });

async function timed(workers: number): Promise<{ seconds: number; lines: string[] }> {
  const t0 = performance.now();
  const pool = createPool(workers);
  try {
    const r = await runBatch({ plan, pool, stopOnError: true });
    if (r.failures.length > 0) throw new Error(r.failures[0]?.problems.join('; '));
    return { seconds: (performance.now() - t0) / 1000, lines: r.lines };
  } finally {
    await pool.close();
  }
}

const one = await timed(1);
const two = await timed(2);
const round = (x: number): number => Math.round(x * 100) / 100;
process.stdout.write(
  JSON.stringify({
    case: 'sweep',
    runs: plan.size,
    workers1S: round(one.seconds),
    workers2S: round(two.seconds),
    speedup: round(one.seconds / two.seconds),
    identical: one.lines.join('\n') === two.lines.join('\n'),
  }) + '\n',
);
