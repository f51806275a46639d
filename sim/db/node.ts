// A database node: its rows, its WAL and its apply stage.
//
// The apply stage is a single FIFO server: received WAL records are applied
// in LSN order, one at a time, each taking its sampled apply time. Because
// the order and the service times are known when a batch arrives, completion
// times are computed then (start = max(arrival, previous completion)) and
// applied lazily: `advance(now)` makes every record with completion ≤ now
// visible. A pause, crash or slow-apply change reschedules what has not
// started. This costs no event per applied write.
//
// A CDC replica receives row changes out of LSN order; its `cdc` receiver
// (sim/db/cdc-receiver.ts) resequences them into the WAL and queues them on
// this same apply server (`queueApply`). Once it is active, the node's
// advance and reschedule hand the apply queue to it.
//
// Status verbs (crash/restart, pause/resume, powerOff) are the only way
// faults change a node. Knows nothing of clients, of channels or brokers,
// or of who is primary beyond its own role and epoch.
import type { Rng } from '../core/rng.ts';
import type { Sampler } from '../core/distributions.ts';
import { Wal, type WalRecord } from './wal.ts';
import { CdcReceiver, type ApplyTimes } from './cdc-receiver.ts';

export type NodeStatus = 'up' | 'crashed' | 'paused' | 'off';
export type Role = 'primary' | 'replica';

/**
 * Called for each WAL record once it and every record before it are applied
 * (in LSN order; for WAL channels that is when it becomes visible).
 */
export type AppliedHook = (node: DbNode, wal: Wal, index: number, doneUs: number) => void;

/** Called for each CDC change when it becomes visible, in visibility order (possibly before earlier LSNs). */
export type VisibleHook = (node: DbNode, rec: WalRecord, doneUs: number) => void;

export interface NodeOptions {
  region: number;
  rowCount: number;
  applyTime: Sampler;
  applyRng: Rng;
  onApplied: AppliedHook;
  onVisible?: VisibleHook | undefined;
}

export class DbNode {
  readonly region: number;
  status: NodeStatus = 'up';
  role: Role = 'replica';
  /** The failover epoch this node believes in. */
  epoch = 0;
  /** Visible version (write id) per row; 0 = never written. */
  readonly rowVersion: Float64Array;
  /** The node's WAL: its own commits as primary, received records as replica. */
  wal = new Wal();
  /** Absolute WAL index of the first record not yet visible. */
  appliedIndex = 0;
  /** LSN up to which WAL has been received (replica) or written (primary). */
  receivedLsn = 0;
  /** Slow-apply factor (≥ 1). */
  applyFactor = 1;
  /** When the node froze (pause) or crashed, µs; NaN when up. */
  private stoppedAtUs = NaN;
  private lastDoneUs = 0;
  private readonly applyTime: Sampler;
  private readonly applyRng: Rng;
  private readonly onApplied: AppliedHook;
  /** CDC visibility hook (active-active resolves rows as changes become visible). */
  readonly onVisible: VisibleHook | undefined;
  /** Deliveries held while paused, run in order on resume. */
  private held: Array<() => void> = [];
  /** CDC deliveries waiting in the (durable) broker while the node is not up; run on resume. */
  private parked: Array<() => void> = [];
  /** Resequences CDC row changes (a CDC channel's target); inactive until the first CDC batch. */
  readonly cdc: CdcReceiver<DbNode> = new CdcReceiver<DbNode>(this);

  constructor(opts: NodeOptions) {
    this.region = opts.region;
    this.rowVersion = new Float64Array(opts.rowCount);
    this.applyTime = opts.applyTime;
    this.applyRng = opts.applyRng;
    this.onApplied = opts.onApplied;
    this.onVisible = opts.onVisible;
  }

  /** True when the node can serve requests right now. */
  get isUp(): boolean {
    return this.status === 'up';
  }

  /** LSN of the last visible (applied) record. */
  get appliedLsn(): number {
    const wal = this.wal;
    return this.appliedIndex > wal.firstIndex ? (wal.lsnEnd[wal.slotOf(this.appliedIndex - 1)] as number) : wal.startLsn;
  }

  /** Makes every received record with completion ≤ now visible. */
  advance(nowUs: number): void {
    if (this.status !== 'up') return;
    if (this.cdc.active) this.cdc.advance(nowUs);
    const wal = this.wal;
    let i = this.appliedIndex;
    const end = wal.endIndex;
    if (i >= end) return;
    // Direct column reads (the hook only reads the WAL, so the arrays stay put).
    const { doneUs, rowId, writeId } = wal;
    const rowVersion = this.rowVersion;
    let s = wal.slotOf(i);
    while (i < end) {
      const done = doneUs[s] as number;
      if (done > nowUs) break;
      const row = rowId[s] as number;
      const v = writeId[s] as number;
      if (v > (rowVersion[row] as number)) rowVersion[row] = v;
      this.onApplied(this, wal, i, done);
      i++;
      s++;
    }
    this.appliedIndex = i;
  }

  /** Completion time of the record at an absolute index (applied or queued). */
  doneUsOf(index: number): number {
    return this.wal.doneUs[this.wal.slotOf(index)] as number;
  }

  /**
   * When every WAL record through `index` is applied (so `appliedIndex` >
   * index), as now scheduled. WAL records finish in order, so that is the
   * record's own completion; CDC changes do not, so it is the latest one.
   */
  appliedByUs(index: number): number {
    if (!this.cdc.active) return this.doneUsOf(index);
    let latest = -Infinity;
    for (let i = Math.max(this.appliedIndex, this.wal.firstIndex); i <= index; i++) {
      const d = this.wal.get(i, 'doneUs');
      if (d > latest) latest = d;
    }
    return latest;
  }

  /**
   * A primary's own commit: appended and visible at once.
   * Returns the record's absolute WAL index.
   */
  commitLocal(r: WalRecord): number {
    const idx = this.wal.append(r, r.commitUs, 0);
    if (this.appliedIndex === idx) this.appliedIndex = idx + 1;
    if (r.writeId > (this.rowVersion[r.rowId] as number)) this.rowVersion[r.rowId] = r.writeId;
    this.receivedLsn = r.lsnEnd;
    return idx;
  }

  /**
   * One apply's service time, µs, never negative: a distribution that can
   * draw below 0 (a normal with a small mean) would finish a record before it
   * started and before the one ahead of it, and a sync or session-LSN wait for
   * the last record then rescheduled itself in the past forever (found by the
   * scenario fuzzer). The network clamps its jitter the same way.
   */
  private drawService(): number {
    const s = this.applyTime(this.applyRng);
    return s > 0 ? s : 0;
  }

  /** A replica receives a record at `nowUs`; its apply completion is scheduled behind the queue. */
  receive(r: WalRecord, nowUs: number): void {
    const service = this.drawService();
    const start = nowUs > this.lastDoneUs ? nowUs : this.lastDoneUs;
    const done = Math.round(start + service * this.applyFactor);
    this.wal.append(r, done, service, start);
    this.lastDoneUs = done;
  }

  /**
   * Queues one apply on the apply server at `nowUs` (as `receive` does) and
   * writes its times into `into`; the CDC receiver's way in.
   */
  queueApply(nowUs: number, into: ApplyTimes): void {
    const service = this.drawService();
    const start = nowUs > this.lastDoneUs ? nowUs : this.lastDoneUs;
    into.startUs = start;
    into.serviceUs = service;
    into.doneUs = Math.round(start + service * this.applyFactor);
    this.lastDoneUs = into.doneUs;
  }

  /** Changes the slow-apply factor from `nowUs` on (records not yet started are rescheduled). */
  setApplyFactor(factor: number, nowUs: number): void {
    this.advance(nowUs);
    this.applyFactor = factor;
    this.reschedule(nowUs, nowUs);
  }

  /**
   * Recomputes completion times of records not yet visible. The record in
   * service when the node froze (or the factor changed) at `frozeAtUs`
   * keeps its remaining time, shifted to resume at `nowUs`; the records
   * behind it start one after another from there at the current factor.
   */
  private reschedule(nowUs: number, frozeAtUs: number): void {
    if (this.cdc.active) {
      this.lastDoneUs = this.cdc.reschedule(nowUs, frozeAtUs);
      return;
    }
    const wal = this.wal;
    const end = wal.endIndex;
    let prevDone = nowUs;
    for (let i = this.appliedIndex; i < end; i++) {
      const start = wal.get(i, 'startUs');
      let next: number;
      if (i === this.appliedIndex && start < frozeAtUs) {
        next = wal.get(i, 'doneUs') + (nowUs - frozeAtUs);
      } else {
        wal.set(i, 'startUs', prevDone);
        next = Math.round(prevDone + wal.get(i, 'serviceUs') * this.applyFactor);
      }
      wal.set(i, 'doneUs', next);
      prevDone = next;
    }
    this.lastDoneUs = prevDone;
  }

  // --- status verbs -------------------------------------------------------

  /** The node process stops (crash or pause); nothing more is applied until it resumes. */
  stop(status: 'crashed' | 'paused' | 'off', nowUs: number): void {
    if (this.status === 'up') {
      this.advance(nowUs);
      this.stoppedAtUs = nowUs;
    }
    this.status = status;
    // Deliveries held by a pause die with a crash or power-off.
    if (status !== 'paused') this.held = [];
  }

  /** The node runs again; queued applies resume; deliveries held during a pause run now, in order. */
  resume(nowUs: number): void {
    if (this.status === 'up') return;
    const frozeAt = Number.isNaN(this.stoppedAtUs) ? nowUs : this.stoppedAtUs;
    const wasPaused = this.status === 'paused';
    this.status = 'up';
    this.stoppedAtUs = NaN;
    this.reschedule(nowUs, frozeAt);
    const held = this.held;
    this.held = [];
    if (wasPaused) for (const h of held) h();
    const parked = this.parked;
    this.parked = [];
    for (const p of parked) p();
  }

  /**
   * Runs `fn` now if the node is up, later (on resume) if paused; drops it if
   * the node is crashed or off. Returns false when dropped.
   */
  whenRunning(fn: () => void): boolean {
    if (this.status === 'up') {
      fn();
      return true;
    }
    if (this.status === 'paused') {
      this.held.push(fn);
      return true;
    }
    return false;
  }

  /**
   * Runs a CDC delivery now if the node is up; otherwise keeps it until the
   * node runs again (the broker is durable: a crashed consumer re-reads).
   */
  whenConsuming(fn: () => void): void {
    if (this.status === 'up') fn();
    else this.parked.push(fn);
  }

  /** Whether a delivery would be held (node paused). */
  get isPaused(): boolean {
    return this.status === 'paused';
  }

  /** Replaces the WAL (rebuild from a snapshot): everything up to `lsn` is present and applied. */
  resetTo(lsn: number, rowVersion: Float64Array, nowUs: number): void {
    this.cdc.dropPending();
    this.wal = new Wal(lsn);
    this.appliedIndex = this.wal.endIndex;
    this.receivedLsn = lsn;
    this.rowVersion.set(rowVersion);
    this.lastDoneUs = nowUs;
  }

  /**
   * A promoted node's timeline is its WAL: CDC changes past the watermark
   * (delivered out of order, never to be completed now that the old
   * primary's channel is closed) are dropped, and rows showing them go back
   * to what the WAL holds.
   */
  settleCdc(): void {
    if (this.cdc.active) this.cdc.dropPending();
  }

  /** After a rewind truncated the WAL: the apply pointer and last completion follow. */
  afterTruncate(nowUs: number): void {
    if (this.appliedIndex > this.wal.endIndex) this.appliedIndex = this.wal.endIndex;
    this.receivedLsn = this.wal.endLsn;
    this.lastDoneUs = nowUs;
    this.cdc.dropPending();
  }
}
