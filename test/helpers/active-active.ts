// Assembles an active-active run for tests: the run, `settle`, the topology
// model, and an optional watcher of acknowledged writes (replicated tables
// only), fed by the run's events.
import { assemble } from '../../sim/run.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import type { ActiveActiveRun } from '../../sim/topology/active-active/module.ts';

export function assembleActiveActive(sc: Scenario, seed: number, onAcked?: (row: number, id: number) => void) {
  const w = assemble(sc, { seed, variant: 'default', contentHash: 'test' });
  const filters = new Set(sc.topology.replication.filters);
  if (onAcked) {
    w.events.subscribe({
      writeAcked(op, _ackUs, c) {
        if (!filters.has(sc.workload.tables[op.table]!.name)) onAcked(op.row, c.version);
      },
    });
  }
  return { run: () => w.run(), settle: (forUs: number) => w.settle(forUs), activeActive: (w.topology as ActiveActiveRun).model };
}
