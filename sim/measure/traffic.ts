// metrics.traffic and metrics.cost (docs/metrics.md, "Traffic" and "Cost"):
// what the network counted (sim/world/traffic.ts) summed per directed pair
// and purpose, and priced with the scenario's `costs`. Reads only.
import type { Scenario } from '../scenario/schema.ts';
import type { CostSummary, TrafficLink, TrafficSummary } from '../scenario/summary-types.ts';
import type { Traffic } from '../world/traffic.ts';
import { round3 } from './histogram.ts';

/** 1 GB as clouds price transfer: 10^9 bytes. */
export const BYTES_PER_GB = 1e9;
/** A 30-day month, seconds. */
export const MONTH_S = 30 * 86_400;

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function trafficSummary(t: Traffic, ids: readonly string[], endUs: number): TrafficSummary {
  const links: TrafficLink[] = [];
  let cross = 0;
  let intra = 0;
  for (let a = 0; a < ids.length; a++) {
    intra += t.bytesOf(a, a, 'all');
    for (let b = 0; b < ids.length; b++) {
      if (a === b) continue;
      const link: TrafficLink = {
        source: ids[a] as string, target: ids[b] as string,
        replicationBytes: Math.round(t.bytesOf(a, b, 'replication')), clientBytes: Math.round(t.bytesOf(a, b, 'client')), controlBytes: Math.round(t.bytesOf(a, b, 'control')),
      };
      cross += link.replicationBytes + link.clientBytes + link.controlBytes;
      links.push(link);
    }
  }
  return { links, crossRegionBytes: cross, crossRegionBytesPerSecond: endUs > 0 ? round3(cross / (endUs / 1e6)) : 0, intraRegionBytes: Math.round(intra) };
}

/** Price of 1 GB sent from region a to region b (a ≠ b): the pair's own price, else the source region's, else the default. */
function pairPrice(costs: NonNullable<Scenario['costs']>, a: string, b: string): number {
  const p = costs.pairs;
  const pair = (Object.hasOwn(p, a) ? p[a]?.[b] : undefined) ?? (Object.hasOwn(p, b) ? p[b]?.[a] : undefined);
  return pair ?? (Object.hasOwn(costs.fromRegionPerGB, a) ? costs.fromRegionPerGB[a] : undefined) ?? costs.transferPerGB;
}

/**
 * The run's cost: transfer (cross-region bytes at each pair's price, bytes
 * inside regions at intraRegionPerGB) and hosts (`hosts[r]` in region r at
 * its hourly price), and both projected to a 30-day month at the run's rate.
 */
export function costSummary(costs: NonNullable<Scenario['costs']>, traffic: TrafficSummary, hosts: readonly number[], ids: readonly string[], endUs: number): CostSummary {
  let transfer = (traffic.intraRegionBytes / BYTES_PER_GB) * costs.intraRegionPerGB;
  for (const l of traffic.links) transfer += ((l.replicationBytes + l.clientBytes + l.controlBytes) / BYTES_PER_GB) * pairPrice(costs, l.source, l.target);
  let hourly = 0;
  ids.forEach((id, r) => (hourly += (hosts[r] ?? 0) * (Object.hasOwn(costs.nodePerHour, id) ? (costs.nodePerHour[id] ?? 0) : 0)));
  const seconds = endUs / 1e6;
  const nodesRun = (hourly * seconds) / 3600;
  const transferPerMonth = seconds > 0 ? (transfer * MONTH_S) / seconds : 0;
  const nodesPerMonth = (hourly * MONTH_S) / 3600;
  return { run: round6(transfer + nodesRun), perMonth: round6(transferPerMonth + nodesPerMonth), transferPerMonth: round6(transferPerMonth), nodesPerMonth: round6(nodesPerMonth) };
}
