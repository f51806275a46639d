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
// Status verbs (crash/restart, pause/resume, powerOff) are the only way
// faults change a node. Knows nothing of clients or of who is primary
// beyond its own role and epoch.
import type { Rng } from '../core/rng.ts';
import type { Sampler } from '../core/distributions.ts';
import { Wal, type WalRecord } from './wal.ts';

export type NodeStatus = 'up' | 'crashed' | 'paused' | 'off';
export type Role = 'primary' | 'replica';

/** Called for each record when it becomes visible on a replica (lag measurement). */
export type AppliedHook = (node: DbNode, wal: Wal, index: number, doneUs: number) => void;

export interface NodeOptions {
  region: number;
  rowCount: number;
  applyTime: Sampler;
  applyRng: Rng;
  onApplied: AppliedHook;
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
  /** Deliveries held while paused, run in order on resume. */
  private held: Array<() => void> = [];

  constructor(opts: NodeOptions) {
    this.region = opts.region;
    this.rowVersion = new Float64Array(opts.rowCount);
    this.applyTime = opts.applyTime;
    this.applyRng = opts.applyRng;
    this.onApplied = opts.onApplied;
  }

  /** True when the node can serve requests right now. */
  get isUp(): boolean {
    return this.status === 'up';
  }

  /** LSN of the last visible (applied) record. */
  get appliedLsn(): number {
    return this.appliedIndex > this.wal.firstIndex ? this.wal.get(this.appliedIndex - 1, 'lsnEnd') : this.wal.startLsn;
  }

  /** Makes every received record with completion ≤ now visible. */
  advance(nowUs: number): void {
    if (this.status !== 'up') return;
    const wal = this.wal;
    const end = wal.endIndex;
    let i = this.appliedIndex;
    while (i < end) {
      const done = wal.get(i, 'doneUs');
      if (done > nowUs) break;
      const row = wal.get(i, 'rowId');
      const v = wal.get(i, 'writeId');
      if (v > (this.rowVersion[row] as number)) this.rowVersion[row] = v;
      this.onApplied(this, wal, i, done);
      i++;
    }
    this.appliedIndex = i;
  }

  /** Completion time of the record at an absolute index (applied or queued). */
  doneUsOf(index: number): number {
    return this.wal.get(index, 'doneUs');
  }

  /**
   * A primary's own commit: appended and visible at once.
   * Returns the record's absolute WAL index.
   */
  commitLocal(r: WalRecord): number {
    const idx = this.wal.append(r, r.commitUs, 0);
    this.wal.set(idx, 'ackUs', NaN);
    if (this.appliedIndex === idx) this.appliedIndex = idx + 1;
    if (r.writeId > (this.rowVersion[r.rowId] as number)) this.rowVersion[r.rowId] = r.writeId;
    this.receivedLsn = r.lsnEnd;
    return idx;
  }

  /** A replica receives a record at `nowUs`; its apply completion is scheduled behind the queue. */
  receive(r: WalRecord, nowUs: number): void {
    const service = this.applyTime(this.applyRng);
    const start = nowUs > this.lastDoneUs ? nowUs : this.lastDoneUs;
    const done = Math.round(start + service * this.applyFactor);
    this.wal.append(r, done, service, start);
    this.lastDoneUs = done;
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

  /** Whether a delivery would be held (node paused). */
  get isPaused(): boolean {
    return this.status === 'paused';
  }

  /** Replaces the WAL (rebuild from a snapshot): everything up to `lsn` is present and applied. */
  resetTo(lsn: number, rowVersion: Float64Array, nowUs: number): void {
    this.wal = new Wal(lsn);
    this.appliedIndex = this.wal.endIndex;
    this.receivedLsn = lsn;
    this.rowVersion.set(rowVersion);
    this.lastDoneUs = nowUs;
  }

  /** After a rewind truncated the WAL: the apply pointer and last completion follow. */
  afterTruncate(nowUs: number): void {
    if (this.appliedIndex > this.wal.endIndex) this.appliedIndex = this.wal.endIndex;
    this.receivedLsn = this.wal.endLsn;
    this.lastDoneUs = nowUs;
  }
}
