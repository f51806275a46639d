// `repsim lab` on a consensus scenario: the simulator on the RTT matrix the
// proxies realise (etcd.ts; printed), then the real etcd trials, then the
// side-by-side rows — etcdRows (write and read latency p50 per client
// region, stale reads per read mode, write unavailability per region,
// elections, leader changes, the RTO of each leader loss) before the
// PostgreSQL lab's (compare.ts: lost acknowledged writes, failovers,
// split-brain, ...). Per-region latencies and stale reads come from each
// run's operation history (the summary has only the overall ones).
import type { LoadedScenario } from '../scenario/loader.ts';
import type { Summary } from '../scenario/summary-types.ts';
import type { HistoryRecord, HistoryWriter } from '../measure/history.ts';
import type { Scenario } from '../scenario/schema.ts';
import { StalenessChecker } from '../measure/staleness.ts';
import { simulate } from '../run.ts';
import { compareRuns, type LabMetric, type LabRow } from './compare.ts';
import { formatRtt, learners, oneWayDelays, realisedRtt, scenarioRttUs, withRtt, type EtcdInstall } from './etcd-config.ts';
import { runEtcdTrial } from './etcd-trial.ts';
import { applyMeanUs, type Calibration } from './calibrate.ts';

export interface EtcdLabOptions {
  loaded: LoadedScenario;
  etcd: EtcdInstall;
  seeds: number;
  firstSeed: number;
  trials: number;
  log: (s: string) => void;
  history?: ((r: HistoryRecord) => void) | undefined;
  onClusterUp?: (dir: string) => void;
  keep?: boolean;
}

/**
 * Per client region, from a run's operation history (after warm-up): the latency of successful
 * operations by kind, and the stale reads — judged as the simulator's staleness checker does (a
 * write to the row acknowledged before the read began that the version returned does not reflect).
 */
export class RegionLatency implements HistoryWriter {
  private readonly invoked = new Map<number, number>();
  readonly byRegion = new Map<string, number[]>();
  /** The same, of operations invoked before `steadyUntilUs` (the first fault). */
  readonly steadyByRegion = new Map<string, number[]>();
  readonly staleByRegion = new Map<string, number>();
  private readonly staleness = new StalenessChecker(() => 0);

  constructor(private readonly warmupUs: number, private readonly next?: HistoryWriter | undefined, private readonly steadyUntilUs = Infinity) {}

  write(r: HistoryRecord): void {
    this.next?.write(r);
    if (r.op === undefined) return;
    if (r.type === 'invoke') {
      this.invoked.set(r.op, r.timeUs);
      return;
    }
    const t0 = this.invoked.get(r.op);
    if (t0 === undefined) return;
    this.invoked.delete(r.op);
    if (r.type !== 'ok') return;
    if (r.f === 'write' && r.value !== null) this.staleness.onAck(r.key, r.value, r.timeUs);
    if (t0 < this.warmupUs) return;
    if (r.f === 'read' && r.value !== null && this.staleness.onRead(r.key, r.value, t0).stale) this.staleByRegion.set(r.region, (this.staleByRegion.get(r.region) ?? 0) + 1);
    const key = `${r.f}:${r.region}`;
    for (const m of t0 < this.steadyUntilUs ? [this.byRegion, this.steadyByRegion] : [this.byRegion]) {
      let xs = m.get(key);
      if (!xs) m.set(key, (xs = []));
      xs.push((r.timeUs - t0) / 1000);
    }
  }

  /** Median latency, ms, of the run's operations (`steady`: those invoked before the first fault). */
  p50(f: 'read' | 'write', region: string, steady = false): number {
    const xs = ((steady ? this.steadyByRegion : this.byRegion).get(`${f}:${region}`) ?? []).slice().sort((a, b) => a - b);
    return xs.length === 0 ? NaN : (xs[(xs.length - 1) >> 1] as number);
  }

  /** Stale reads by clients of these regions. */
  stale(regions: readonly string[]): number {
    return regions.reduce((n, id) => n + (this.staleByRegion.get(id) ?? 0), 0);
  }
}

/** The read mode of each region's clients (read-index or local-unsafe: what etcd-support.ts lets through). */
export function readModes(sc: Scenario): Map<string, string> {
  const c = sc.topology.consensus;
  return new Map(sc.regions.map((r) => [r.id, typeof c.reads === 'string' ? c.reads : (c.reads[r.id] ?? 'leaseholder')]));
}

/**
 * The etcd lab's own rows, before the common ones: write latency p50 per client region (judged within
 * 10% or 5 ms; with faults, of the writes before the first one, and over the run shown), read latency
 * p50 per client region (shown), stale reads of ReadIndex clients (judged:
 * equal, none expected) and of serializable clients (shown), write unavailability per client region
 * (faults only, shown), elections (shown), leader changes (equal) and the RTO of each leader loss
 * (within 25%, over the seeds that had that many; shown only, when `afterFault` says no fault began
 * it in the first trial). With `same`, the latency rows' simulated side is
 * the seeds it matches.
 */
/** Which simulated seeds elected the same leaders as the first real trial (the sequence of failovers' new leaders). */
export interface SameLeaders {
  match: (s: Summary) => boolean;
  /** Said in the latency rows' labels. */
  note: string;
}

/** The failovers' new leaders in order ("b→a"; "" for none). */
export const leaderSequence = (s: Summary): string => s.metrics.failovers.map((f) => f.to).join('→');

/**
 * After a leader change the latency from each region depends on who won the election, a random draw
 * (each side's randomised timeout): the latency rows then compare the trial with the seeds that elected
 * the same leaders, when some did and some did not; otherwise all seeds, said so when none did.
 */
export function sameLeaders(sim: readonly Summary[], lab: readonly Summary[]): SameLeaders | undefined {
  const first = lab[0];
  if (!first || first.metrics.failovers.length === 0) return undefined;
  const want = leaderSequence(first);
  const n = sim.filter((s) => leaderSequence(s) === want).length;
  if (n === sim.length) return undefined;
  if (n === 0) return { match: () => true, note: `all seeds; none elected ${want} as the trial did` };
  return { match: (s) => s.variant.endsWith('@lab') || leaderSequence(s) === want, note: `the ${n} of ${sim.length} seeds that elected ${want} as the trial did` };
}

/**
 * Whether each failover of a run began with one of the scenario's faults (within a second of its
 * start): the lab's RTO of a re-election no fault began (a leader forced down by a higher term on
 * heal) runs from the last poll that saw the old leader, not from the campaign as the model's does.
 */
export function failoversAfterFault(sc: Scenario, s: Summary | undefined): boolean[] {
  return (s?.metrics.failovers ?? []).map((f) => sc.faults.some((x) => f.faultAtMs * 1000 >= x.at && f.faultAtMs * 1000 <= x.at + 1_000_000));
}

export function etcdRows(sc: Scenario, latency: (s: Summary) => RegionLatency | undefined, leaderLosses: number, same?: SameLeaders, afterFault?: readonly boolean[]): LabMetric[] {
  const ids = sc.regions.map((r) => r.id);
  const writers = ids.filter((id) => (sc.workload.regions[id]?.writes ?? 0) > 0);
  const readers = ids.filter((id) => (sc.workload.regions[id]?.reads ?? 0) > 0);
  const modes = readModes(sc);
  const linearizable = readers.filter((id) => modes.get(id) === 'read-index');
  const serializable = readers.filter((id) => modes.get(id) === 'local-unsafe');
  const faulty = sc.faults.length > 0;
  const pick = same?.match ?? (() => true);
  const note = same ? `; ${same.note}` : '';
  return [
    // With faults, judged before the first one (with the placed leader): over the whole run the median
    // mixes the latencies under each leader and quorum, and jumps between them.
    ...writers.map((id): LabMetric => ({ id: `writeP50:${id}`, label: `write latency p50${faulty ? ' before the first fault' : ''}, clients in ${id} (ms)`, get: (s) => latency(s)?.p50('write', id, true) ?? NaN, tolerance: { kind: 'relOrAbs', rel: 0.1, abs: 5 } })),
    ...(faulty ? writers.map((id): LabMetric => ({ id: `writeP50run:${id}`, label: `write latency p50 over the run, clients in ${id} (ms${note})`, get: (s) => (pick(s) ? latency(s)?.p50('write', id) ?? NaN : NaN), tolerance: { kind: 'info' }, optional: same !== undefined })) : []),
    ...readers.map((id): LabMetric => ({ id: `readP50:${id}`, label: `read latency p50${faulty ? ' over the run' : ''}, clients in ${id} (ms${note})`, get: (s) => (pick(s) ? latency(s)?.p50('read', id) ?? NaN : NaN), tolerance: { kind: 'info' }, optional: same !== undefined })),
    ...(linearizable.length > 0 ? [{ id: 'staleReads:read-index', label: `stale reads, ReadIndex clients (${linearizable.join(', ')})`, get: (s: Summary) => latency(s)?.stale(linearizable) ?? NaN, tolerance: { kind: 'equal' } } satisfies LabMetric] : []),
    ...(serializable.length > 0 ? [{ id: 'staleReads:local-unsafe', label: `stale reads, serializable clients (${serializable.join(', ')})`, get: (s: Summary) => latency(s)?.stale(serializable) ?? NaN, tolerance: { kind: 'info' } } satisfies LabMetric] : []),
    ...(faulty ? writers.map((id): LabMetric => ({ id: `writeUnavailable:${id}`, label: `write unavailability, clients in ${id} (ms)`, get: (s) => s.metrics.rto.writeUnavailableMs[id] ?? NaN, tolerance: { kind: 'info' } })) : []),
    { id: 'elections', label: 'elections (terms begun)', get: (s) => s.metrics.consensus?.elections ?? NaN, tolerance: { kind: 'info' } },
    { id: 'leaderChanges', label: 'leader changes', get: (s) => s.metrics.consensus?.leaderChanges ?? NaN, tolerance: { kind: 'equal' } },
    ...Array.from({ length: faulty ? leaderLosses : 0 }, (_, k): LabMetric => {
      const caused = afterFault?.[k] ?? true;
      return {
        id: `rto:${k + 1}`, label: `RTO of leader loss ${k + 1} (ms${caused ? '' : '; no fault began it: the lab sees neither the step-down nor the campaign'})`,
        get: (s) => s.metrics.failovers[k]?.rtoMs ?? NaN, tolerance: caused ? { kind: 'rel', value: 0.25 } : { kind: 'info' }, optional: true,
      };
    }),
  ];
}

export interface EtcdLabResult {
  sim: Summary[];
  lab: Summary[];
  rows: LabRow[];
  agrees: boolean;
  rttUs: number[][];
  calibration: Calibration | undefined;
}

/**
 * Network hops on the critical path of a write from each region's clients (answerFrom local): to the
 * nearest voter and back when it is in another region (2), then forward to the leader, append, ack and
 * the commit index back at a follower (4), or append and ack at the leader (2).
 */
export function writeHops(sc: Scenario, rttUs: readonly (readonly number[])[]): number[] {
  const learner = learners(sc);
  const ids = sc.regions.map((r) => r.id);
  const leader = sc.topology.consensus.leader !== undefined ? ids.indexOf(sc.topology.consensus.leader) : learner.indexOf(false);
  return ids.map((_, r) => {
    const v = learner[r] ? ids.map((__, m) => m).filter((m) => !learner[m]).sort((x, y) => (rttUs[r]?.[x] ?? 0) - (rttUs[r]?.[y] ?? 0) || x - y)[0] as number : r;
    return (v === r ? 0 : 2) + (v === leader ? 2 : 4);
  });
}

/**
 * What would make the simulator match a fault-free run. Each client region's excess of measured over
 * simulated write p50 is fitted as F + hops × h (least squares): h the overhead per network hop (the
 * proxies, HTTP, the event loop), F what every commit waits for once (fsync, the gateway), charged to
 * the durability time per entry. With one hop count among the regions the two cannot be told apart:
 * all of it goes to F (the median excess).
 */
export function etcdCalibration(sc: Scenario, points: ReadonlyArray<{ deltaMs: number; hops: number }>): Calibration | undefined {
  const xs = points.filter((p) => Number.isFinite(p.deltaMs));
  if (xs.length === 0) return undefined;
  const notes: string[] = [];
  const n = xs.length;
  const mk = xs.reduce((t, p) => t + p.hops, 0) / n;
  const me = xs.reduce((t, p) => t + p.deltaMs, 0) / n;
  const vk = xs.reduce((t, p) => t + (p.hops - mk) ** 2, 0);
  let h = 0;
  let f: number;
  if (vk === 0) {
    const sorted = xs.map((p) => p.deltaMs).sort((a, b) => a - b);
    f = sorted[(n - 1) >> 1] as number;
    notes.push(`every client region's write crosses ${xs[0]?.hops} hops: the per-hop overhead cannot be told from the per-commit time; all of the median excess ${f.toFixed(1)} ms is charged to the durability time`);
  } else {
    h = xs.reduce((t, p) => t + (p.hops - mk) * (p.deltaMs - me), 0) / vk;
    f = me - h * mk;
    if (h < 0) {
      notes.push(`regions with more hops were not slower (fit ${h.toFixed(2)} ms per hop): overhead clamped to 0`);
      h = 0;
      f = me;
    }
    if (f < 0) {
      notes.push(`the per-commit time fitted below 0 (${f.toFixed(1)} ms): clamped to 0, the excess charged to the hops`);
      f = 0;
      h = xs.reduce((t, p) => t + p.hops * p.deltaMs, 0) / xs.reduce((t, p) => t + p.hops * p.hops, 0);
    }
  }
  notes.push(`excess of measured over simulated write p50 per client region: ${xs.map((p) => `${p.deltaMs.toFixed(1)} ms over ${p.hops} hops`).join(', ')}`);
  f = Math.max(0, f);
  const applyUs = Math.round(applyMeanUs(sc) + f * 1000);
  const ids = sc.regions.map((r) => r.id);
  const ms = (x: number) => `${Math.round(x * 100) / 100}ms`;
  const rttLines: string[] = [];
  ids.forEach((x, i) => {
    const pairs = ids.slice(i + 1).map((y, k) => `${y}: ${ms(scenarioRttUs(sc, i, i + 1 + k) / 1000 + 2 * h)}`);
    if (pairs.length > 0) rttLines.push(`    ${x}: { ${pairs.join(', ')} }`);
  });
  const yaml = [...(h > 0 ? ['network:', '  rtt:', ...rttLines] : []), 'topology:', '  replication:', `    applyTime: { dist: constant, value: ${applyUs}us }`].join('\n');
  return { overheadPerHopMs: Math.round(h * 1000) / 1000, applyMeanUs: applyUs, yaml, notes };
}

export async function runEtcdLab(o: EtcdLabOptions): Promise<EtcdLabResult> {
  const { scenario: asked, variant, contentHash } = o.loaded;
  const rttUs = realisedRtt(oneWayDelays(asked.regions.map((_, a) => asked.regions.map((__, b) => (a === b ? 0 : scenarioRttUs(asked, a, b))))));
  const ids = asked.regions.map((r) => r.id);
  o.log(`lab: RTT matrix the proxies build (ms); the simulator runs on it:\n${formatRtt(ids, rttUs)}`);
  const sc = withRtt(asked, rttUs);
  const latency = new WeakMap<Summary, RegionLatency>();
  const steadyUntilUs = Math.min(Infinity, ...sc.faults.map((f) => f.at));
  const sim: Summary[] = [];
  for (let s = o.firstSeed; s < o.firstSeed + o.seeds; s++) {
    const h = new RegionLatency(sc.warmup, undefined, steadyUntilUs);
    const summary = simulate(sc, { seed: s, variant, contentHash, history: h });
    latency.set(summary, h);
    sim.push(summary);
  }
  o.log(`lab: simulated ${o.seeds} seeds; starting ${o.trials} real etcd trial${o.trials === 1 ? '' : 's'} of ${sc.duration / 1e6} s`);
  const lab: Summary[] = [];
  for (let t = 0; t < o.trials; t++) {
    const h = new RegionLatency(sc.warmup, t === 0 && o.history ? { write: o.history } : undefined, steadyUntilUs);
    const summary = await runEtcdTrial({ etcd: o.etcd, scenario: sc, variant, seed: o.firstSeed + t, log: o.log, history: h, keep: o.keep, onClusterUp: o.onClusterUp });
    latency.set(summary, h);
    lab.push(summary);
    o.log(`lab: trial ${t + 1}/${o.trials} done`);
  }
  const writers = ids.filter((id) => (sc.workload.regions[id]?.writes ?? 0) > 0);
  const faulty = sc.faults.length > 0;
  const leaderLosses = Math.max(0, ...[...sim, ...lab].map((x) => x.metrics.failovers.length));
  // The overall write p50 mixes regions whose latencies differ by whole round trips (its median jumps
  // between them): shown, not judged; the per-region rows are.
  const rows = compareRuns(sim, lab, { syncCommit: false, noLag: true, extra: etcdRows(sc, (s) => latency.get(s), leaderLosses, faulty ? sameLeaders(sim, lab) : undefined, failoversAfterFault(sc, lab[0])), rtoTolerance: 'info' });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const hops = writeHops(sc, rttUs);
  const calibration = faulty ? undefined : etcdCalibration(sc, writers.map((id) => ({
    deltaMs: mean(lab.map((x) => latency.get(x)?.p50('write', id) ?? NaN)) - mean(sim.map((x) => latency.get(x)?.p50('write', id) ?? NaN)),
    hops: hops[ids.indexOf(id)] as number,
  })));
  return { sim, lab, rows, agrees: rows.every((r) => !r.verdict.judged || r.verdict.ok), rttUs, calibration };
}
