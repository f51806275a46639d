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
import { formatRtt, oneWayDelays, realisedRtt, scenarioRttUs, withRtt, type EtcdInstall } from './etcd-config.ts';
import { runEtcdTrial } from './etcd-trial.ts';
import type { Calibration } from './calibrate.ts';

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
  readonly staleByRegion = new Map<string, number>();
  private readonly staleness = new StalenessChecker(() => 0);

  constructor(private readonly warmupUs: number, private readonly next?: HistoryWriter | undefined) {}

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
    let xs = this.byRegion.get(key);
    if (!xs) this.byRegion.set(key, (xs = []));
    xs.push((r.timeUs - t0) / 1000);
  }

  p50(f: 'read' | 'write', region: string): number {
    const xs = (this.byRegion.get(`${f}:${region}`) ?? []).slice().sort((a, b) => a - b);
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
 * 10% or 5 ms), read latency p50 per client region (shown), stale reads of ReadIndex clients (judged:
 * equal, none expected) and of serializable clients (shown), write unavailability per client region
 * (faults only, shown), elections (shown), leader changes (equal) and the RTO of each leader loss
 * (within 25%, over the seeds that had that many).
 */
export function etcdRows(sc: Scenario, latency: (s: Summary) => RegionLatency | undefined, leaderLosses: number): LabMetric[] {
  const ids = sc.regions.map((r) => r.id);
  const writers = ids.filter((id) => (sc.workload.regions[id]?.writes ?? 0) > 0);
  const readers = ids.filter((id) => (sc.workload.regions[id]?.reads ?? 0) > 0);
  const modes = readModes(sc);
  const linearizable = readers.filter((id) => modes.get(id) === 'read-index');
  const serializable = readers.filter((id) => modes.get(id) === 'local-unsafe');
  const faulty = sc.faults.length > 0;
  return [
    ...writers.map((id): LabMetric => ({ id: `writeP50:${id}`, label: `write latency p50, clients in ${id} (ms)`, get: (s) => latency(s)?.p50('write', id) ?? NaN, tolerance: { kind: 'relOrAbs', rel: 0.1, abs: 5 } })),
    ...readers.map((id): LabMetric => ({ id: `readP50:${id}`, label: `read latency p50, clients in ${id} (ms)`, get: (s) => latency(s)?.p50('read', id) ?? NaN, tolerance: { kind: 'info' } })),
    ...(linearizable.length > 0 ? [{ id: 'staleReads:read-index', label: `stale reads, ReadIndex clients (${linearizable.join(', ')})`, get: (s: Summary) => latency(s)?.stale(linearizable) ?? NaN, tolerance: { kind: 'equal' } } satisfies LabMetric] : []),
    ...(serializable.length > 0 ? [{ id: 'staleReads:local-unsafe', label: `stale reads, serializable clients (${serializable.join(', ')})`, get: (s: Summary) => latency(s)?.stale(serializable) ?? NaN, tolerance: { kind: 'info' } } satisfies LabMetric] : []),
    ...(faulty ? writers.map((id): LabMetric => ({ id: `writeUnavailable:${id}`, label: `write unavailability, clients in ${id} (ms)`, get: (s) => s.metrics.rto.writeUnavailableMs[id] ?? NaN, tolerance: { kind: 'info' } })) : []),
    { id: 'elections', label: 'elections (terms begun)', get: (s) => s.metrics.consensus?.elections ?? NaN, tolerance: { kind: 'info' } },
    { id: 'leaderChanges', label: 'leader changes', get: (s) => s.metrics.consensus?.leaderChanges ?? NaN, tolerance: { kind: 'equal' } },
    ...Array.from({ length: faulty ? leaderLosses : 0 }, (_, k): LabMetric => ({
      id: `rto:${k + 1}`, label: `RTO of leader loss ${k + 1} (ms)`, get: (s) => s.metrics.failovers[k]?.rtoMs ?? NaN, tolerance: { kind: 'rel', value: 0.25 }, optional: true,
    })),
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
 * What would make the simulator match a fault-free run: the median over client regions of
 * measured − simulated write p50 is time the model does not spend (fsync, proxies, the event
 * loop); charged to the durability time per entry, which every commit waits for once.
 */
export function etcdCalibration(deltasMs: readonly number[]): Calibration | undefined {
  const xs = deltasMs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const d = xs[(xs.length - 1) >> 1] as number;
  const us = Math.max(0, Math.round(d * 1000));
  return {
    overheadPerHopMs: 0, applyMeanUs: us,
    yaml: `topology:\n  replication:\n    applyTime: { dist: constant, value: ${us}us }`,
    notes: [`median over client regions of measured − simulated write p50: ${d.toFixed(1)} ms (fsync, proxies and the event loop; one trial cannot split it per hop)`],
  };
}

export async function runEtcdLab(o: EtcdLabOptions): Promise<EtcdLabResult> {
  const { scenario: asked, variant, contentHash } = o.loaded;
  const rttUs = realisedRtt(oneWayDelays(asked.regions.map((_, a) => asked.regions.map((__, b) => (a === b ? 0 : scenarioRttUs(asked, a, b))))));
  const ids = asked.regions.map((r) => r.id);
  o.log(`lab: RTT matrix the proxies build (ms); the simulator runs on it:\n${formatRtt(ids, rttUs)}`);
  const sc = withRtt(asked, rttUs);
  const latency = new WeakMap<Summary, RegionLatency>();
  const sim: Summary[] = [];
  for (let s = o.firstSeed; s < o.firstSeed + o.seeds; s++) {
    const h = new RegionLatency(sc.warmup);
    const summary = simulate(sc, { seed: s, variant, contentHash, history: h });
    latency.set(summary, h);
    sim.push(summary);
  }
  o.log(`lab: simulated ${o.seeds} seeds; starting ${o.trials} real etcd trial${o.trials === 1 ? '' : 's'} of ${sc.duration / 1e6} s`);
  const lab: Summary[] = [];
  for (let t = 0; t < o.trials; t++) {
    const h = new RegionLatency(sc.warmup, t === 0 && o.history ? { write: o.history } : undefined);
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
  const rows = compareRuns(sim, lab, { syncCommit: false, noLag: true, extra: etcdRows(sc, (s) => latency.get(s), leaderLosses), rtoTolerance: faulty ? 0.25 : undefined });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const calibration = faulty ? undefined : etcdCalibration(writers.map((id) => mean(lab.map((x) => latency.get(x)?.p50('write', id) ?? NaN)) - mean(sim.map((x) => latency.get(x)?.p50('write', id) ?? NaN))));
  return { sim, lab, rows, agrees: rows.every((r) => !r.verdict.judged || r.verdict.ok), rttUs, calibration };
}
