// The world every topology runs in: the clock and event loop, the seeded RNG
// root, the regions' wall clocks, the network between them, and the key
// space the workload draws from. Built once per run from the scenario; the
// topology, workload, control and measurement pieces are assembled on top
// (sim/run.ts, for every topology). Knows nothing of replication.
import { Scheduler } from '../core/scheduler.ts';
import { RngRoot } from '../core/rng.ts';
import { compileDist, type Dist } from '../core/distributions.ts';
import type { Scenario } from '../scenario/schema.ts';
import { Network } from './network.ts';
import { WallClock } from './clock.ts';
import { KeySpace } from './keys.ts';

export interface World {
  sched: Scheduler;
  rng: RngRoot;
  /** Region ids in scenario order; a region's index is its position here. */
  ids: string[];
  n: number;
  /** End of the run, µs. */
  endUs: number;
  net: Network;
  clocks: WallClock[];
  keys: KeySpace;
  /** Indices of tables excluded from replication. */
  filtered: Set<number>;
}

export function buildWorld(sc: Scenario, seed: number): World {
  const sched = new Scheduler();
  const rng = new RngRoot(seed);
  const ids = sc.regions.map((r) => r.id);
  const rttUs = ids.map((a) => ids.map((b) => (a === b ? sc.network.intraRegionRtt : (sc.network.rtt[a]?.[b] ?? sc.network.rtt[b]?.[a] ?? 0))));
  const net = new Network(sched, rng, {
    regionIds: ids, rttUs, jitter: compileDist(sc.network.jitter), bandwidthBytesPerS: sc.network.bandwidth,
    intraRegionRttUs: sc.network.intraRegionRtt, loss: sc.network.loss,
    intraRegionJitter: isZero(sc.network.intraRegionJitter) ? undefined : compileDist(sc.network.intraRegionJitter),
    hopOverhead: isZero(sc.network.hopOverhead) ? undefined : compileDist(sc.network.hopOverhead),
  });
  const clocks = sc.regions.map((r) => new WallClock(r.clock.offset, r.clock.driftPpm));
  const tables = sc.workload.tables;
  const keys = new KeySpace({ keyCount: sc.workload.keys.count, distribution: sc.workload.keys.distribution, s: sc.workload.keys.s, shares: tables.map((t) => t.share) });
  const filtered = new Set(tables.map((t, i) => (sc.topology.replication.filters.includes(t.name) ? i : -1)).filter((i) => i >= 0));
  return { sched, rng, ids, n: ids.length, endUs: sc.duration, net, clocks, keys, filtered };
}

/** A distribution that always gives 0 (nothing to sample). */
function isZero(d: Dist): boolean {
  return d.dist === 'constant' && d.value === 0;
}
