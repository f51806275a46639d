// The single-primary topology as a module (sim/topology/module.ts): one node
// per region, the commit path and routing (single-primary.ts), and, when
// failover is on, the failover controller (sim/control/failover.ts) acting
// through the topology's control verbs.
import { compileDist } from '../../core/distributions.ts';
import { DbNode } from '../../db/node.ts';
import { FailoverController } from '../../control/failover.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { SinglePrimary } from './single-primary.ts';

/** Default WAL each node keeps (bytes), like wal_keep_size: older WAL is trimmed, and a node that needs it must rebuild. */
export const SINGLE_PRIMARY_WAL_RETENTION_BYTES = 16e6;

export const singlePrimaryModule: TopologyModule = {
  kind: 'single-primary',
  create(ctx: TopologyContext): TopologyRun {
    const { scenario: sc, sched, rng, net, regionIds: ids, keys, events, regions } = ctx;
    const n = ids.length;
    const idx = (id: string) => ids.indexOf(id);
    const applyTime = compileDist(sc.topology.replication.applyTime);
    const nodes = ids.map((id, r) => new DbNode({
      region: r, rowCount: keys.rowCount, applyTime, applyRng: rng.stream(`apply/${id}`),
      onApplied: (node, wal, i, doneUs) => {
        const slot = wal.slotOf(i);
        events.applied(wal.origin[slot] as number, node.region, wal.commitUs[slot] as number, doneUs);
      },
    }));
    const primary = sc.topology.primary !== undefined ? idx(sc.topology.primary) : 0;
    let controller: FailoverController | undefined;
    const sp = new SinglePrimary({
      sched, rng, net, scenario: sc, nodes, workload: ctx.workload, events, filtered: ctx.filtered, primary,
      cdcDelay: compileDist(sc.topology.replication.cdcDelay),
      leaseValid: (node) => controller?.leaseValid(node) ?? true,
      walRetentionBytes: sc.topology.replication.walRetention ?? SINGLE_PRIMARY_WAL_RETENTION_BYTES,
    });
    if (sc.failover.mode !== 'none' && n > 1) {
      const ctl = sc.failover.controller !== undefined ? idx(sc.failover.controller) : primary === 0 ? 1 : 0;
      const avgRowBytes = sc.workload.tables.reduce((a, t) => a + t.share * t.rowBytes, 0);
      controller = new FailoverController({
        sched, net, topo: sp, events, monitor: ctx.monitor, scenario: sc, regionIds: ids, controllerRegion: ctl,
        stonithRng: rng.stream('control/stonith'), stonithFailureProbability: () => regions.stonithFailureProbability(),
        faultStartUs: (r) => Math.min(regions.faultStartUs(r), regions.faultStartUs(ctl)),
        controllerDown: () => regions.outage(ctl) > 0, stateChanged: (r) => regions.stateChanged(r),
        snapshotBytes: keys.rowCount * avgRowBytes, bandwidthBytesPerS: sc.network.bandwidth,
      });
    }
    const c = controller;
    return {
      write: (op) => sp.write(op),
      read: (op) => sp.routing.read(op),
      nodesOf: (r) => [sp.node(r)],
      hostsIn: () => 1,
      channels: () => sp.currentChannels(),
      monitored: true,
      measure: {
        oracle: {
          kind: 'versions',
          minVisible: (row) => {
            let m = Infinity;
            for (const x of nodes) {
              const v = x.rowVersion[row] as number;
              if (v < m) m = v;
            }
            return m;
          },
        },
        epochs: true,
        deposedDiverge: true,
      },
      initialState: (r) => (r === primary ? 'primary' : 'replica'),
      regionState(r) {
        const node = sp.node(r);
        const state =
          regions.outage(r) > 0 || node.status === 'crashed' || node.status === 'off' ? (c?.stonithed.has(r) ? 'fenced' : 'down')
          : node.status === 'paused' ? 'paused'
          : c?.rebuilding.has(r) ? 'rebuilding'
          // A cut-off primary still acts as one (a zombie, if a newer one exists): show the role.
          : node.role === 'primary' ? 'primary'
          : regions.isolated(r) ? 'partitioned' : 'replica';
        return { state, role: node.role };
      },
      faults: {
        // A STONITHed node stays off until the controller boots it.
        heldDown: (r) => c?.stonithed.has(r) ?? false,
        // A node that restarts asks the controller for the current epoch before serving, so it rejoins at once.
        back: () => c?.nodeBack(),
      },
      start: () => sp.start(),
      startControl: () => c?.start(),
      catchUp(untilUs) {
        for (const x of nodes) x.advance(untilUs);
      },
      finish: () => c?.finish(),
    };
  },
};
