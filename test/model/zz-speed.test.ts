import { it } from 'vitest';
import { base, merge, run } from '../helpers/scenario.ts';
it('speed', () => {
  const spec = merge(base(), { duration: '200s', topology: { replication: { applyTime: { dist: 'exponential', mean: '1ms' } } }, workload: { regions: { A: { writes: '800/s' } } } });
  const t = Date.now();
  const r = run(spec);
  console.log(Date.now() - t, 'ms', r.summary.events, JSON.stringify(r.summary.metrics.replication.lagMs), r.summary.metrics.writes.acked);
});
