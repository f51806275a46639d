// The event estimate of a run, judged before it starts: the client load (all
// regions' operations × the duration), heartbeats, WAL ship ticks, the lag
// monitor's samples and random faults, each a term tied to its field. Also
// reads the faults for what the memory estimate needs (fault windows in the
// summary, the longest span a replica may fall behind).
import type { Dist } from '../core/distributions.ts';
import { formatDurationUs } from '../core/units.ts';
import type { Scenario } from './schema.ts';
import { CALIBRATION, sum, type Term } from './budget-terms.ts';
import { fmtCount } from './budget-format.ts';

/** The client load of a scenario, summed and ranked. */
export interface RunLoad {
  loads: Array<{ id: string; writes: number; reads: number }>;
  writesPerS: number;
  opsPerS: number;
  busiest: { id: string; writes: number; reads: number } | undefined;
  busiestWriter: { id: string; writes: number; reads: number } | undefined;
}

/** The path of a region's write or read rate. */
export const ratePath = (id: string, k: 'writes' | 'reads') => ['workload', 'regions', id, k];

export function runLoad(sc: Scenario): RunLoad {
  const loads = Object.entries(sc.workload.regions).map(([id, l]) => ({ id, writes: l.writes, reads: l.reads }));
  const writesPerS = loads.reduce((a, l) => a + l.writes, 0);
  const rawReads = sc.workload.readAfterWrite.probability;
  const opsPerS = loads.reduce((a, l) => a + l.writes * (1 + rawReads) + l.reads, 0);
  const busiest = [...loads].sort((a, b) => b.writes + b.reads - (a.writes + a.reads))[0];
  const busiestWriter = [...loads].sort((a, b) => b.writes - a.writes)[0];
  return { loads, writesPerS, opsPerS, busiest, busiestWriter };
}

/** A conservative high quantile (≈ p99) of a duration distribution, µs. */
export function highQuantileUs(d: Dist): number {
  let q: number;
  switch (d.dist) {
    case 'constant': q = d.value; break;
    case 'uniform': q = d.max; break;
    case 'normal': q = d.mean + 4 * d.stddev; break;
    case 'lognormal': q = d.median * Math.exp(3 * d.sigma); break;
    case 'exponential': q = 5 * d.mean; break;
    case 'pareto': q = d.scale * Math.pow(100, 1 / d.shape); break;
    case 'empirical': q = d.samples.reduce((a, b) => (b > a ? b : a), 0); break;
    case 'mixture': q = d.of.reduce((a, c) => Math.max(a, highQuantileUs(c)), 0); break;
  }
  return d.max !== undefined ? Math.min(q, d.max) : q;
}

/** Fault kinds that can hold a replica behind for as long as they last. */
const DISRUPTIVE = new Set(['partition', 'crash', 'outage', 'pause', 'slowApply', 'slowLink']);

export interface EventEstimate {
  events: number;
  eventTerms: Term[];
  /** Fault windows the summary will list. */
  faultWindows: number;
  /** The longest span a disruptive fault may hold a replica behind, µs. */
  longestUs: number;
}

export function estimateEvents(sc: Scenario, load: RunLoad): EventEstimate {
  const C = CALIBRATION;
  const T = sc.duration;
  const durationS = T / 1e6;
  const n = sc.regions.length;
  const kind = sc.topology.kind;
  const { opsPerS, busiest } = load;

  const eventTerms: Term[] = [];
  if (busiest && opsPerS > 0) {
    // Located at the busiest region's rate; what fits is said for the duration (events scale with it exactly).
    const k = busiest.writes >= busiest.reads ? 'writes' : 'reads';
    eventTerms.push({
      path: ratePath(busiest.id, k), what: `${fmtCount(opsPerS)} operations/s (all regions) × ${formatDurationUs(T)}`,
      amount: opsPerS * durationS * C.eventsPerOp, value: busiest[k], scaling: 'linear', unit: 'rate',
      fit: (f) => `at these rates, a duration up to about ${formatDurationUs(Math.floor(T * f))} fits (or rates of about ${Math.floor(f * 100)}% of these)`,
    });
  }
  if (sc.failover.mode !== 'none' && n > 1 && kind === 'single-primary' && sc.failover.heartbeatInterval > 0) {
    const pings = T / sc.failover.heartbeatInterval;
    eventTerms.push({
      path: ['failover', 'heartbeatInterval'], what: `${fmtCount(pings)} heartbeats (every ${formatDurationUs(sc.failover.heartbeatInterval)} for ${formatDurationUs(T)})`,
      amount: pings * C.eventsPerHeartbeat, value: sc.failover.heartbeatInterval, scaling: 'inverse', unit: 'us',
    });
  }
  const ship = sc.topology.replication.shipInterval;
  if (kind !== 'region-pinned' && n > 1 && ship > 0) {
    const shippers = kind === 'active-active' ? n : 1;
    const ticks = (T / ship) * shippers;
    eventTerms.push({
      path: ['topology', 'replication', 'shipInterval'], what: `${fmtCount(ticks)} WAL ship ticks (every ${formatDurationUs(ship)})`,
      amount: ticks * C.eventsPerShipTick, value: ship, scaling: 'inverse', unit: 'us',
    });
  }
  eventTerms.push({ path: ['duration'], what: `lag monitor samples over ${formatDurationUs(T)}`, amount: durationS * C.monitorEventsPerS, value: T, scaling: 'linear', unit: 'us' });

  // Faults: windows in the summary, events of random faults, and the longest span a replica may fall behind.
  let faultWindows = 0;
  let longestUs = 0;
  sc.faults.forEach((f, i) => {
    if (f.at >= T) return;
    const spanUs = Math.min(T - f.at, f.for ?? T);
    if (f.random) {
      const count = spanUs / Math.max(1, f.random.meanInterval);
      faultWindows += count;
      eventTerms.push({
        path: ['faults', i, 'random', 'meanInterval'], what: `${fmtCount(count)} random faults (one every ${formatDurationUs(f.random.meanInterval)} for ${formatDurationUs(spanUs)})`,
        amount: count * C.eventsPerRandomFault, value: f.random.meanInterval, scaling: 'inverse', unit: 'us',
      });
      if (f.random.kinds.some((k) => DISRUPTIVE.has(k))) {
        const each = highQuantileUs(f.random.duration);
        // Faults that overlap keep a replica behind for their whole span.
        longestUs = Math.max(longestUs, each >= f.random.meanInterval ? spanUs : Math.min(each, spanUs));
      }
    } else {
      faultWindows += 1;
      if ([...DISRUPTIVE].some((k) => f[k as keyof typeof f] !== undefined)) longestUs = Math.max(longestUs, spanUs);
    }
  });
  const events = sum(eventTerms);
  return { events, eventTerms, faultWindows, longestUs };
}
