// The region-pinned topology as a module (sim/topology/module.ts): one node
// per region holding the rows homed there (region-pinned.ts); nothing is
// replicated, so there are no channels and no lag monitor. A row's only copy
// is on its home node: that is what a read can reflect.
import { compileDist } from '../../core/distributions.ts';
import { DbNode } from '../../db/node.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { RegionPinned } from './region-pinned.ts';
import { multiWriterRun, type MultiWriterParts } from '../multi-writer.ts';

export const regionPinnedModule: TopologyModule = {
  kind: 'region-pinned',
  create(ctx: TopologyContext): TopologyRun {
    const { scenario: sc, sched, rng, net, regionIds: ids, keys } = ctx;
    const applyTime = compileDist(sc.topology.replication.applyTime);
    const nodes = ids.map((id, r) => new DbNode({ region: r, rowCount: keys.rowCount, applyTime, applyRng: rng.stream(`apply/${id}`), onApplied: () => {} }));
    const rp = new RegionPinned({ sched, net, nodes, keys, workload: ctx.workload, remoteShare: sc.workload.remoteShare });
    const run: MultiWriterParts = {
      write: (op) => rp.write(op),
      read: (op) => rp.read(op),
      pickRow: (region, r) => rp.pickRow(region, r),
      nodesOf: (r) => [nodes[r] as DbNode],
      hostsIn: () => 1,
      channels: () => [],
      monitored: false,
      measure: {
        oracle: { kind: 'versions', minVisible: (row) => (nodes[rp.home(row)] as DbNode).rowVersion[row] as number },
        epochs: false,
      },
      start: () => {},
      catchUp(untilUs) {
        for (const x of nodes) x.advance(untilUs);
      },
    };
    return multiWriterRun(ctx, run, ctx.regions);
  },
};
