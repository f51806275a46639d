// Calibration: the hop overhead and apply time that would make the simulator
// match what the lab measured, as scenario settings a user can paste
// (network.hopOverhead, topology.replication.applyTime). Both are fitted
// together from two medians, each a difference measured − simulated (the
// simulated runs already include the scenario's own hop overhead h0 and
// apply mean a0, so the fit adds to them):
//
//   commit latency: an async commit is a request and an answer (2 hops); a
//     commit that waits for a standby adds the WAL's way there and the
//     acknowledgement (4 hops); a sync commit also waits for the apply:
//       Δw = hops·Δh (+ Δa for sync)
//   lag (commit → applied on the standby): one hop of WAL and the apply:
//       Δlag = Δh + Δa  (averaged over channels)
//
// so Δh = Δw / hops (sync: (Δw − Δlag) / 3) and Δa = Δlag − Δh. A fit below
// 0 is not clamped: it is printed as it is, with a note, and left out of the
// settings (no overhead or apply time can be negative; the simulator is then
// slower than the machine for a reason of its own). Pure.
import type { Summary } from '../scenario/summary-types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { compileDist } from '../core/distributions.ts';
import { RngRoot } from '../core/rng.ts';

export interface Calibration {
  /** The fitted network.hopOverhead, ms (its mean; may be negative, see the notes). */
  overheadPerHopMs: number;
  /** The fitted apply time's mean, µs (may be negative, see the notes). */
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
  return distMeanUs(sc.topology.replication.applyTime);
}

/** Mean of a duration distribution, µs. */
function distMeanUs(d: Scenario['topology']['replication']['applyTime']): number {
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
  const dw = median(lab.map((s) => s.metrics.writes.latencyMs.p50)) - mean(sim.map((s) => s.metrics.writes.latencyMs.p50));
  // The lag gap, averaged over channels (each channel's median: links differ in length).
  const gaps: number[] = [];
  for (const c of sim[0]?.metrics.replication.channels ?? []) {
    const p50 = (s: Summary) => s.metrics.replication.channels.find((x) => x.source === c.source && x.target === c.target)?.lagMs.p50;
    const m = lab.map(p50).filter((x): x is number => x !== undefined && x > 0);
    const v = sim.map(p50).filter((x): x is number => x !== undefined);
    if (m.length > 0 && v.length > 0) gaps.push(median(m) - mean(v));
  }
  if (gaps.length === 0) return undefined;
  const dlag = mean(gaps);
  const mode = sc.topology.replication.mode;
  const hops = mode === 'async' ? 2 : 4;
  const dh = mode === 'sync' ? (dw - dlag) / (hops - 1) : dw / hops;
  const h = distMeanUs(sc.network.hopOverhead) / 1000 + dh;
  const a = applyMeanUs(sc) + (dlag - dh) * 1000;
  const lines: string[] = [];
  if (h >= 0) lines.push('network:', `  hopOverhead: ${ms(h)}`);
  else notes.push(`the fitted hop overhead is ${ms(h)}: the simulated commits are slower than measured even with none; not a setting`);
  if (a >= 0) lines.push('topology:', '  replication:', `    applyTime: { dist: exponential, mean: ${Math.round(a)}us }`);
  else notes.push(`the fitted apply time is ${Math.round(a)} µs: the measured lag is below the simulated one even with no apply time; not a setting`);
  return { overheadPerHopMs: Math.round(h * 1000) / 1000, applyMeanUs: Math.round(a), yaml: lines.join('\n'), notes };
}
