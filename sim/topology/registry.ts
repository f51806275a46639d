// Topology modules by `topology.kind`. Adding a topology: one module
// (sim/topology/module.ts), one line here, and its schema section.
import type { TopologyKind, TopologyModule } from './module.ts';
import { singlePrimaryModule } from './single-primary/module.ts';
import { activeActiveModule } from './active-active/module.ts';
import { regionPinnedModule } from './region-pinned/module.ts';
import { consensusModule } from './consensus/module.ts';
import { leaderlessModule } from './leaderless/module.ts';

const MODULES: Record<TopologyKind, TopologyModule> = {
  'single-primary': singlePrimaryModule,
  'active-active': activeActiveModule,
  'region-pinned': regionPinnedModule,
  consensus: consensusModule,
  leaderless: leaderlessModule,
};

export function topologyModule(kind: TopologyKind): TopologyModule {
  return MODULES[kind];
}
