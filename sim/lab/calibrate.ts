// Calibration: the network overhead and apply time that would make the
// simulator match what the lab measured, as scenario settings a user can
// paste. Fitted from two medians:
//
//   per-hop overhead h = (measured − simulated commit latency p50) / hops
//     (an async commit is a request and an answer: two hops; a commit that
//     waits for a standby adds the WAL's way there and the reply: four);
//   apply time a = current apply mean + (measured − simulated lag p50) − h
//     (the lag is one hop of WAL plus the apply; the gap is averaged over
//     channels).
//
// Negative fits are clamped to 0 and said so. Pure.
import type { Summary } from '../scenario/summary-types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { compileDist } from '../core/distributions.ts';
import { RngRoot } from '../core/rng.ts';

export interface Calibration {
  overheadPerHopMs: number;
  applyMeanUs: number;
  /** A YAML fragment with the fitted settings. */
  yaml: string;
  notes: string[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x: number) => `${Math.round(x * 100) / 100}ms`;

/** Mean of the scenario's apply time distribution, µs (by sampling when it has no closed form here). */
export function applyMeanUs(sc: Scenario): number {
  const d = sc.topology.replication.applyTime;
  if (d.dist === 'constant') return d.value;
  if (d.dist === 'exponential' && d.min === undefined && d.max === undefined) return d.mean;
  const sample = compileDist(d);
  const rng = new RngRoot(0).stream('calibration/apply');
  let sum = 0;
  for (let i = 0; i < 10_000; i++) sum += sample(rng);
  return sum / 10_000;
}

export function calibrate(sc: Scenario, sim: readonly Summary[], lab: readonly Summary[]): Calibration | undefined {
  const notes: string[] = [];
  const hasLag = lab.some((s) => s.metrics.replication.lagMs.p50 > 0) && sim.some((s) => s.metrics.replication.lagMs.p50 > 0);
  const hasWrites = lab.some((s) => s.metrics.writes.acked > 0);
  if (!hasLag || !hasWrites) return undefined;
  const wMeasured = median(lab.map((s) => s.metrics.writes.latencyMs.p50));
  const wSim = mean(sim.map((s) => s.metrics.writes.latencyMs.p50));
  const hops = sc.topology.replication.mode === 'async' ? 2 : 4;
  let h = (wMeasured - wSim) / hops;
  if (h < 0) {
    notes.push(`commits were ${ms(-hops * h)} faster than simulated; overhead clamped to 0`);
    h = 0;
  }
  // The lag gap, averaged over channels (each channel's median: links differ in length).
  const gaps: number[] = [];
  for (const c of sim[0]?.metrics.replication.channels ?? []) {
    const p50 = (s: Summary) => s.metrics.replication.channels.find((x) => x.source === c.source && x.target === c.target)?.lagMs.p50;
    const m = lab.map(p50).filter((x): x is number => x !== undefined && x > 0);
    const v = sim.map(p50).filter((x): x is number => x !== undefined);
    if (m.length > 0 && v.length > 0) gaps.push(median(m) - mean(v));
  }
  if (gaps.length === 0) return undefined;
  const a0 = applyMeanUs(sc);
  let a = a0 + (mean(gaps) - h) * 1000;
  if (a < 0) {
    notes.push(`the measured lag is below the simulated one even with no apply time; apply clamped to 0`);
    a = 0;
  }
  const ids = sc.regions.map((r) => r.id);
  const rttLines: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const pairs: string[] = [];
    for (let j = i + 1; j < ids.length; j++) {
      const x = ids[i] as string;
      const y = ids[j] as string;
      const us = sc.network.rtt[x]?.[y] ?? sc.network.rtt[y]?.[x];
      if (us !== undefined) pairs.push(`${y}: ${ms(us / 1000 + 2 * h)}`);
    }
    if (pairs.length > 0) rttLines.push(`    ${ids[i]}: { ${pairs.join(', ')} }`);
  }
  const yaml = [
    'network:',
    `  intraRegionRtt: ${ms(sc.network.intraRegionRtt / 1000 + 2 * h)}`,
    '  rtt:',
    ...rttLines,
    'topology:',
    '  replication:',
    `    applyTime: { dist: exponential, mean: ${Math.round(a)}us }`,
  ].join('\n');
  return { overheadPerHopMs: Math.round(h * 1000) / 1000, applyMeanUs: Math.round(a), yaml, notes };
}
