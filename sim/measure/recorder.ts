// The metrics recorder: turns the run's history (operation outcomes, applied
// writes, channel lag samples) into streaming aggregates — histograms,
// counters and per-second series. It is fed by the model and never reaches
// into it; memory is fixed per histogram and grows with simulated seconds
// only for the per-second chart series.
import { LatencyHistogram, round3 } from './histogram.ts';
import { StalenessChecker } from './staleness.ts';
import { SessionChecker } from './sessions.ts';
import type { HistoryWriter } from './history.ts';

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

export interface RecorderOptions {
  regionCount: number;
  sessionCount: number;
  warmupUs: number;
  minVisible: (row: number) => number;
  history?: HistoryWriter | undefined;
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
  readonly staleness: StalenessChecker;
  readonly sessions: SessionChecker;
  readonly readsPerSecond = new SecondSeries();
  readonly staleReadsPerSecond = new SecondSeries();
  readonly writesAckedPerSecond = new SecondSeries();
  private readonly warmupUs: number;
  private readonly regionCount: number;
  readonly history: HistoryWriter | undefined;

  constructor(o: RecorderOptions) {
    this.warmupUs = o.warmupUs;
    this.regionCount = o.regionCount;
    this.staleness = new StalenessChecker(o.minVisible);
    this.sessions = new SessionChecker(o.sessionCount);
    this.history = o.history;
    this.writesIssued = Array.from({ length: o.regionCount }, () => new SecondSeries());
    this.writesFailedBySecond = Array.from({ length: o.regionCount }, () => new SecondSeries());
  }



  /** True when an operation invoked at `invokeUs` counts (after warmup). */
  counts(invokeUs: number): boolean {
    return invokeUs >= this.warmupUs;
  }

  channel(source: number, target: number): ChannelStats {
    const key = source * this.regionCount + target;
    let c = this.channels.get(key);
    if (!c) {
      c = { source, target, lag: new LatencyHistogram(), unapplied: 0, lagSeries: new SecondSeries() };
      this.channels.set(key, c);
    }
    return c;
  }

  /** Per region, by invoke second: writes issued and writes that failed (for write unavailability). */
  private readonly writesIssued: SecondSeries[];
  private readonly writesFailedBySecond: SecondSeries[];

  /**
   * Write unavailability of a region, µs: each second weighted by the share
   * of that second's writes that failed (a 43 s outage counts 43 s; a
   * sporadic timeout counts its share of its second only).
   */
  writeUnavailableUs(region: number): number {
    const issued = this.writesIssued[region]?.values ?? [];
    const failed = this.writesFailedBySecond[region]?.values ?? [];
    let us = 0;
    failed.forEach((f, sec) => {
      const n = issued[sec] ?? 0;
      if (f > 0 && n > 0) us += (f / n) * 1e6;
    });
    return us;
  }

  /** A write was acknowledged to its client at `ackUs`. */
  writeAcked(region: number, session: number, row: number, version: number, invokeUs: number, ackUs: number, unjudged = false): void {
    if (!unjudged) {
      // A zombie primary's writes are divergent (split-brain), and filtered tables are not
      // replicated: neither is a yardstick for replication staleness.
      this.staleness.onAck(row, version, ackUs);
      this.sessions.onWriteAck(session, row, version, ackUs);
    }
    if (invokeUs < this.warmupUs) return;
    this.writesIssued[region]?.add(Math.floor(invokeUs / 1e6), 1);
    this.writes.total++;
    this.writes.acked++;
    this.writes.latency.record(ackUs - invokeUs);
    this.writesAckedPerSecond.add(Math.floor(ackUs / 1e6), 1);
  }

  /** A write failed (refused, timed out or its answer was lost). */
  writeFailed(region: number, invokeUs: number): void {
    if (invokeUs < this.warmupUs) return;
    const sec = Math.floor(invokeUs / 1e6);
    this.writesIssued[region]?.add(sec, 1);
    this.writesFailedBySecond[region]?.add(sec, 1);
    this.writes.total++;
    this.writes.failed++;
  }

  /** A read of `row` that began at `invokeUs` was served with `version`; its answer reaches the client at `endUs`. */
  readServed(session: number, row: number, version: number, invokeUs: number, endUs: number): void {
    const v = this.staleness.onRead(row, version, invokeUs);
    const s = this.sessions.onRead(session, row, version, invokeUs);
    this.countRead(invokeUs, endUs, v.stale, v.stalenessUs, v.versionsBehind, s.ryw, s.monotonic);
  }

  /** Counts a served read once it has been judged (shared by every topology's recorder). */
  protected countRead(invokeUs: number, endUs: number, stale: boolean, stalenessUs: number, behind: number, ryw: boolean, monotonic: boolean): void {
    if (invokeUs < this.warmupUs) return;
    const r = this.reads;
    r.total++;
    r.latency.record(endUs - invokeUs);
    const second = Math.floor(invokeUs / 1e6);
    this.readsPerSecond.add(second, 1);
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
  readFailed(invokeUs: number): void {
    if (invokeUs < this.warmupUs) return;
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
