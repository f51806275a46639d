// The active-active topology as a module (sim/topology/module.ts): an origin
// node and one inbound applier per other region in every region
// (active-active.ts); reads are judged by whether a write is reflected in
// the region (the LWW order or the set's applied prefix), and concurrent
// writes are counted as conflicts and lost updates. No failover: every
// region takes writes.
import { compileDist } from '../../core/distributions.ts';
import { WriteTable } from '../../db/write-table.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { multiWriterRun, type MultiWriterParts } from '../multi-writer.ts';
import { ActiveActive } from './active-active.ts';

/** Default WAL an active-active origin keeps for lagging peers (bytes). */
export const ACTIVE_ACTIVE_WAL_RETENTION_BYTES = 256e6;

/** The assembled active-active run (tests reach the topology through `model`). */
export interface ActiveActiveRun extends TopologyRun {
  readonly model: ActiveActive;
}

export const activeActiveModule: TopologyModule = {
  kind: 'active-active',
  create(ctx: TopologyContext): ActiveActiveRun {
    const { scenario: sc, sched, rng, net, regionIds: ids, clocks, keys, regions } = ctx;
    const tables = sc.workload.tables;
    const repl = sc.topology.replication;
    const mergeTables = tables.map((t) => t.merge !== undefined);
    const writes = new WriteTable(ids.length);
    const aa = new ActiveActive({
      sched, rng, net, regionIds: ids, clocks, rowCount: keys.rowCount, tableOf: (row) => keys.tableOf(row),
      mergeTables, filtered: ctx.filtered, policy: sc.topology.conflict,
      shipIntervalUs: repl.shipInterval, clientTimeoutUs: sc.workload.clientTimeout, applyTime: compileDist(repl.applyTime),
      cdc: repl.channel === 'cdc' ? { delay: compileDist(repl.cdcDelay), partitions: repl.cdcPartitions, throughputPerS: repl.cdcThroughput } : undefined,
      walRetentionBytes: repl.walRetention ?? ACTIVE_ACTIVE_WAL_RETENTION_BYTES, workload: ctx.workload, events: ctx.events, writes,
    });
    const run: MultiWriterParts = {
      write: (op) => aa.write(op),
      read: (op) => aa.read(op),
      nodesOf: (r) => aa.nodesOf(r),
      // One host per region: its inbound appliers are the host's replication workers.
      hostsIn: () => 1,
      channels: () => aa.channels,
      monitored: true,
      measure: {
        oracle: { kind: 'reflects', reflects: (r, row, w) => aa.reflects(r, row, w) },
        epochs: false,
        conflicts: { writes, lww: (t) => !mergeTables[t] },
      },
      start: () => aa.start(),
      catchUp: (untilUs) => aa.catchUpAll(untilUs),
    };
    return { ...multiWriterRun(ctx, run, regions), model: aa };
  },
};
