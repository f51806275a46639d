// What multi-writer topologies (active-active, region-pinned) share in their
// modules: the timeline lane and the reaction to crashes.
import type { TopologyContext, TopologyRun } from './module.ts';

/**
 * The parts every multi-writer topology shares: each region is a primary of
 * its own writes (its timeline lane says primary unless a fault holds it),
 * and a crashed process loses its connections — the links' epochs are
 * bumped, so what is in flight is dropped and streams resume from the last
 * acknowledged position once they are used again.
 */
export type MultiWriterParts = Omit<TopologyRun, 'regionState' | 'initialState' | 'faults'>;

export function multiWriterRun(ctx: TopologyContext, run: MultiWriterParts, regions: TopologyContext['regions']): TopologyRun {
  type State = ReturnType<TopologyRun['regionState']>;
  const resetLinks = (r: number) => {
    ctx.net.cutRegion(r);
    ctx.net.healRegion(r);
  };
  return {
    ...run,
    initialState: () => 'primary' as const,
    regionState: (r: number): State => ({
      state: regions.outage(r) > 0 || regions.crashed(r) > 0 ? 'down' : regions.paused(r) > 0 ? 'paused' : regions.cuts(r) > 0 ? 'partitioned' : 'primary',
      role: 'primary',
    }),
    faults: { crashed: resetLinks, restarting: resetLinks },
  };
}
