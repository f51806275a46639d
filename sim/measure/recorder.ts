// The metrics recorder: turns the run's events (operation outcomes, applied
// writes, channel lag samples; sim/measure/events.ts) into streaming
// aggregates — histograms, counters and per-second series. A read is judged
// by the run's read judge (staleness and session guarantees, sim/measure/
// judges.ts); the recorder counts the verdicts. It never reaches into the
// model; memory is fixed per histogram and grows with simulated seconds only
// for the per-second chart series.
import { LatencyHistogram, round3 } from './histogram.ts';
import type { Op } from '../db/op.ts';
import type { ReadJudge } from './events.ts';
import { Visibility } from './visibility.ts';

/** Per-second series: a growable Float64Array indexed by second. */
class SecondSeries {
  private data = new Float64Array(64);
  private used = 0;
  private ensure(second: number): void {
    if (second >= this.data.length) {
      let n = this.data.length;
      while (n <= second) n *= 2;
      const d = new Float64Array(n);
      d.set(this.data);
      this.data = d;
    }
    if (second >= this.used) this.used = second + 1;
  }
  add(second: number, v: number): void {
    this.ensure(second);
    this.data[second] = (this.data[second] as number) + v;
  }
  max(second: number, v: number): void {
    this.ensure(second);
    if (v > (this.data[second] as number)) this.data[second] = v;
  }
  /** The values, one per second from 0 to the last second touched. */
  get values(): number[] {
    return Array.from(this.data.subarray(0, this.used));
  }
}

export interface ChannelStats {
  source: number;
  target: number;
  lag: LatencyHistogram;
  /** Writes counted in `lag` that were never applied (their age at the end of the run). */
  unapplied: number;
  /** Sampled lag (µs) per second, for charts. */
  lagSeries: SecondSeries;
}

export type { ReadJudge, ReadVerdict } from './events.ts';

export interface RecorderOptions {
  regionCount: number;
  warmupUs: number;
  judge: ReadJudge;
}

export class Recorder {
  readonly reads = {
    total: 0, failed: 0, stale: 0, versionsBehindSum: 0, versionsBehindMax: 0, ryw: 0, monotonic: 0,
    staleness: new LatencyHistogram(), latency: new LatencyHistogram(),
  };
  readonly writes = { total: 0, acked: 0, failed: 0, latency: new LatencyHistogram() };
  readonly lag = new LatencyHistogram();
  readonly alerts = { warning: 0, critical: 0 };
  readonly channels = new Map<number, ChannelStats>();
  private readonly judge: ReadJudge;
  /** t-visibility and k-staleness, when the judge reports them. */
  readonly visibility: Visibility | undefined;
  readonly readsPerSecond = new SecondSeries();
  readonly staleReadsPerSecond = new SecondSeries();
  readonly writesAckedPerSecond = new SecondSeries();
  private readonly warmupUs: number;
  private readonly regionCount: number;

  constructor(o: RecorderOptions) {
    this.warmupUs = o.warmupUs;
    this.regionCount = o.regionCount;
    this.judge = o.judge;
    this.visibility = o.judge.visibility ? new Visibility() : undefined;
    this.writesIssued = Array.from({ length: o.regionCount }, () => new SecondSeries());
    this.writesFailedBySecond = Array.from({ length: o.regionCount }, () => new SecondSeries());
    this.readsIssued = Array.from({ length: o.regionCount }, () => new SecondSeries());
    this.readsFailedBySecond = Array.from({ length: o.regionCount }, () => new SecondSeries());
  }



  /** True when an operation invoked at `invokeUs` counts (after warmup). */
  counts(invokeUs: number): boolean {
    return invokeUs >= this.warmupUs;
  }

  channel(source: number, target: number): ChannelStats {
    const key = source * this.regionCount + target;
    let c = this.channelByKey[key];
    if (!c) {
      c = { source, target, lag: new LatencyHistogram(), unapplied: 0, lagSeries: new SecondSeries() };
      this.channels.set(key, c);
      this.channelByKey[key] = c;
    }
    return c;
  }
  /** The same channels in an array by key (every applied write looks its channel up). */
  private readonly channelByKey: Array<ChannelStats | undefined> = [];

  /** Per region, by invoke second: writes and reads issued, and those that failed (for unavailability). */
  private readonly writesIssued: SecondSeries[];
  private readonly writesFailedBySecond: SecondSeries[];
  private readonly readsIssued: SecondSeries[];
  private readonly readsFailedBySecond: SecondSeries[];

  /**
   * Write unavailability of a region, µs: each second weighted by the share
   * of that second's writes that failed (a 43 s outage counts 43 s; a
   * sporadic timeout counts its share of its second only). `endUs` is the
   * run's end: a second the warmup or the end cuts counts only its measured
   * part.
   */
  writeUnavailableUs(region: number, endUs: number): number {
    return unavailableUs(this.writesIssued[region], this.writesFailedBySecond[region], this.warmupUs, endUs);
  }

  /** Read unavailability of a region, µs: as for writes, over the reads its clients issued. */
  readUnavailableUs(region: number, endUs: number): number {
    return unavailableUs(this.readsIssued[region], this.readsFailedBySecond[region], this.warmupUs, endUs);
  }

  /**
   * A write was acknowledged to its client at `ackUs`. `judged`: it is a
   * yardstick for later reads (not a zombie primary's divergent write, not
   * a filtered table's).
   */
  acked(op: Op, ackUs: number, version: number, judged: boolean): void {
    if (judged) this.judge.onAck(op.session, op.row, version, ackUs);
    const invokeUs = op.invokeUs;
    if (invokeUs < this.warmupUs) return;
    this.writesIssued[op.region]?.add(Math.floor(invokeUs / 1e6), 1);
    this.writes.total++;
    this.writes.acked++;
    this.writes.latency.record(ackUs - invokeUs);
    this.writesAckedPerSecond.add(Math.floor(ackUs / 1e6), 1);
  }

  /** A write failed (refused, timed out or its answer was lost). */
  writeFailed(op: Op): void {
    const { region, invokeUs } = op;
    if (invokeUs < this.warmupUs) return;
    const sec = Math.floor(invokeUs / 1e6);
    this.writesIssued[region]?.add(sec, 1);
    this.writesFailedBySecond[region]?.add(sec, 1);
    this.writes.total++;
    this.writes.failed++;
  }

  /** A read served with `version`, its answer reaching the client at `endUs`: judged, then counted. */
  readServed(op: Op, version: number, endUs: number): void {
    const invokeUs = op.invokeUs;
    const v = this.judge.onRead(op.region, op.session, op.row, version, invokeUs);
    if (invokeUs < this.warmupUs) return;
    const { stale, stalenessUs, versionsBehind: behind, ryw, monotonic } = v;
    const vis = this.visibility;
    if (vis) {
      if (v.tUs !== undefined && v.tUs >= 0) vis.record(v.tUs, v.consistent !== false);
      vis.recordBehind(behind);
    }
    const r = this.reads;
    r.total++;
    r.latency.record(endUs - invokeUs);
    const second = Math.floor(invokeUs / 1e6);
    this.readsPerSecond.add(second, 1);
    this.readsIssued[op.region]?.add(second, 1);
    if (stale) {
      r.stale++;
      r.staleness.record(stalenessUs);
      r.versionsBehindSum += behind;
      if (behind > r.versionsBehindMax) r.versionsBehindMax = behind;
      this.staleReadsPerSecond.add(second, 1);
    }
    if (ryw) r.ryw++;
    if (monotonic) r.monotonic++;
  }

  /** A read failed. */
  readFailed(op: Op): void {
    if (op.invokeUs < this.warmupUs) return;
    const second = Math.floor(op.invokeUs / 1e6);
    this.readsIssued[op.region]?.add(second, 1);
    this.readsFailedBySecond[op.region]?.add(second, 1);
    this.reads.total++;
    this.reads.failed++;
  }

  /** A write committed at its origin at `commitUs` became visible on `target` at `doneUs`. */
  applied(origin: number, target: number, commitUs: number, doneUs: number): void {
    if (doneUs < this.warmupUs) return;
    const lag = doneUs - commitUs;
    this.lag.record(lag);
    this.channel(origin, target).lag.record(lag);
  }

  /** A channel's lag crossed upward from level `from` to `to` (1 warning, 2 critical). */
  lagAlert(from: number, to: number): void {
    if (from < 1 && to >= 1) this.alerts.warning++;
    if (to === 2) this.alerts.critical++;
  }

  /** A write committed at `commitUs` was still not applied on `target` when the run ended at `endUs`: its lag counts as its age then. */
  unapplied(origin: number, target: number, commitUs: number, endUs: number): void {
    const lag = endUs - commitUs;
    this.lag.record(lag);
    const c = this.channel(origin, target);
    c.lag.record(lag);
    c.unapplied++;
  }

  /** The monitor's lag sample for a channel at `nowUs` (µs of lag). */
  lagSample(source: number, target: number, nowUs: number, lagUs: number): void {
    this.channel(source, target).lagSeries.max(Math.floor(nowUs / 1e6), lagUs);
  }

  /** Staleness CDF over all counted reads (non-stale reads count as 0 ms). */
  stalenessCdf(): Array<{ ms: number; fraction: number }> {
    const r = this.reads;
    const served = r.total - r.failed;
    if (served === 0) return [];
    const fresh = served - r.stale;
    return r.staleness.cdfMs().map((p) => ({ ms: p.ms, fraction: round3((fresh + p.fraction * r.stale) / served) }));
  }
}

export { SecondSeries };

/**
 * Each second weighted by the share of the operations issued in it that
 * failed, µs. A second counts only its part inside [warmup, end): a run that
 * ends (or a warmup that ends) mid-second would otherwise count a whole
 * second, more than the measured time (found by the scenario fuzzer).
 */
function unavailableUs(issuedSeries: SecondSeries | undefined, failedSeries: SecondSeries | undefined, fromUs: number, endUs: number): number {
  const issued = issuedSeries?.values ?? [];
  const failed = failedSeries?.values ?? [];
  let us = 0;
  failed.forEach((f, sec) => {
    const n = issued[sec] ?? 0;
    const span = Math.min(endUs, (sec + 1) * 1e6) - Math.max(fromUs, sec * 1e6);
    if (f > 0 && n > 0 && span > 0) us += (f / n) * span;
  });
  return us;
}
