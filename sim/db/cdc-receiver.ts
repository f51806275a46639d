// The CDC receiver of a database node: it puts row changes that arrive out of
// LSN order back in sequence.
//
// A CDC channel delivers each row change on its own through the log broker,
// so changes to different rows may overtake each other. The receiver keeps
// two queues per node:
//   - the reorder buffer (`slots`): changes registered when their batch
//     reached the node (`expect`), in LSN order. Once every earlier change
//     has arrived, a change is appended to the node's WAL and `receivedLsn`
//     (the low watermark) moves, so `receivedLsn`, `appliedLsn` and rewinds
//     keep their meaning.
//   - the apply queue (`queue`): arrived changes in arrival order. Each joins
//     the node's FIFO apply server when it arrives (`arrive`) and becomes
//     visible at its own completion time (`advance`), before or after it
//     reaches the WAL; per row, versions only grow.
// A change made visible before it reached the WAL is "ahead" of the
// watermark: the node shows it but its timeline does not hold it yet. A
// rewind, a rebuild or a promotion drops both queues (`dropPending`) and
// undoes what was ahead, so the node shows exactly what its WAL holds;
// deliveries registered before it are then ignored.
//
// Owns the resequencing state only. Does not own: the apply server's clock,
// service-time sampling and slow-apply factor, the WAL, the rows or the
// node's status (sim/db/node.ts, which calls `advance` / `reschedule` /
// `dropPending` from its own apply stage and verbs); broker partitions and
// delivery times (sim/db/broker.ts); shipping, resends and acknowledgements
// (sim/db/channel.ts).
import { Fifo } from '../core/fifo.ts';
import type { Wal, WalRecord } from './wal.ts';

/** When one apply runs on the node's apply server, µs. */
export interface ApplyTimes {
  startUs: number;
  /** Sampled service time before the slow-apply factor, µs. */
  serviceUs: number;
  doneUs: number;
}

/** A CDC change the node expects (registered at batch arrival) and applies when it arrives. */
export interface CdcSlot extends ApplyTimes {
  readonly rec: WalRecord;
  /** The receiver's generation when registered; a rewind or rebuild makes older slots stale. */
  readonly gen: number;
  arrived: boolean;
  /** Absolute WAL index once appended (watermark reached it), else -1. */
  walIndex: number;
  /** The row's version just before this change became visible (set when it does). */
  prevVersion: number;
}

/**
 * What the receiver needs of its node (sim/db/node.ts's DbNode): its WAL,
 * rows, watermarks and apply server. Declared here so the receiver does not
 * import the node that owns it.
 */
export interface CdcHost<N> {
  receivedLsn: number;
  readonly wal: Wal;
  readonly appliedIndex: number;
  readonly rowVersion: Float64Array;
  readonly applyFactor: number;
  /** Queues one apply on the node's FIFO apply server; fills in its times. */
  queueApply(nowUs: number, into: ApplyTimes): void;
  /** Called for each change when it becomes visible. */
  readonly onVisible: ((node: N, rec: WalRecord, doneUs: number) => void) | undefined;
}

export class CdcReceiver<N extends CdcHost<N>> {
  /** True once the node has received a CDC change (its apply queue is this receiver's, not the WAL). */
  private on = false;
  private gen = 0;
  /** CDC changes registered, in LSN order, not yet in the WAL. */
  private readonly slots = new Fifo<CdcSlot>();
  /** Arrived CDC changes not yet visible, in arrival (= apply server) order. */
  private readonly queue = new Fifo<CdcSlot>();
  /** LSN through which CDC batches have been registered. */
  registeredLsn = 0;
  /** Changes made visible, in visibility order, that were not in the WAL then (some may be since). */
  private ahead: CdcSlot[] = [];
  /** `ahead` is pruned of changes now in the WAL when it grows past this. */
  private aheadPruneAt = 1024;

  constructor(private readonly node: N) {}

  /** True once the node has received a CDC batch: its apply server then serves this receiver's queue. */
  get active(): boolean {
    return this.on;
  }

  /**
   * A CDC batch reached the node: registers the changes it will deliver
   * (those beyond what is registered already; a resend repeats some) and
   * returns their slots, to be delivered through the broker. Returns null
   * when the batch starts beyond what is registered (an earlier batch was
   * lost): the sender must resend from `registeredLsn`.
   */
  expect(records: readonly WalRecord[], startLsn: number, endLsn: number): CdcSlot[] | null {
    if (!this.on) {
      this.on = true;
      this.registeredLsn = this.node.receivedLsn;
    }
    if (startLsn > this.registeredLsn) return null;
    const fresh: CdcSlot[] = [];
    for (const rec of records) {
      if (rec.lsnEnd <= this.registeredLsn) continue;
      const slot: CdcSlot = { rec, gen: this.gen, arrived: false, startUs: NaN, serviceUs: NaN, doneUs: NaN, walIndex: -1, prevVersion: 0 };
      this.slots.push(slot);
      fresh.push(slot);
    }
    if (endLsn > this.registeredLsn) this.registeredLsn = endLsn;
    this.pump();
    return fresh;
  }

  /**
   * A CDC change arrives at `nowUs`: it joins the apply server (visible at
   * its own completion) and, with every earlier change arrived, the WAL.
   * Returns true when the node's `receivedLsn` (the low watermark) moved.
   */
  arrive(slot: CdcSlot, nowUs: number): boolean {
    if (slot.gen !== this.gen || slot.arrived) return false;
    this.node.queueApply(nowUs, slot);
    slot.arrived = true;
    this.queue.push(slot);
    return this.pump();
  }

  /** Moves arrived changes at the head of the LSN order into the WAL; returns true if `receivedLsn` moved. */
  private pump(): boolean {
    const node = this.node;
    const before = node.receivedLsn;
    const slots = this.slots;
    for (let s = slots.peek(); s && s.arrived; s = slots.peek()) {
      s.walIndex = node.wal.append(s.rec, s.doneUs, s.serviceUs, s.startUs);
      node.receivedLsn = s.rec.lsnEnd;
      slots.drop(1);
    }
    // Nothing outstanding: everything registered (filtered records included) has arrived.
    if (slots.isEmpty() && this.registeredLsn > node.receivedLsn) node.receivedLsn = this.registeredLsn;
    return node.receivedLsn > before;
  }

  /** Makes arrived changes with completion ≤ now visible in the node's rows (per row, versions only grow). */
  advance(nowUs: number): void {
    const rowVersion = this.node.rowVersion;
    const onVisible = this.node.onVisible;
    const q = this.queue;
    for (let s = q.peek(); s && !(s.doneUs > nowUs); s = q.peek()) {
      // The hook may advance other nodes (active-active drains its other sources), never this one.
      if (onVisible) onVisible(this.node, s.rec, s.doneUs);
      const row = s.rec.rowId;
      const prev = rowVersion[row] as number;
      if (s.rec.writeId > prev) {
        rowVersion[row] = s.rec.writeId;
        if (s.walIndex < 0) {
          s.prevVersion = prev;
          this.ahead.push(s);
        }
      }
      q.drop(1);
    }
    if (this.ahead.length > this.aheadPruneAt) {
      this.ahead = this.ahead.filter((a) => a.walIndex < 0);
      this.aheadPruneAt = Math.max(1024, 2 * this.ahead.length);
    }
  }

  /**
   * The node's `reschedule` for CDC: the apply server's queue is the
   * arrival-ordered `queue`; WAL copies follow. The change in service when
   * the node froze at `frozeAtUs` keeps its remaining time, shifted to
   * `nowUs`; the rest start one after another at the current factor.
   * Returns the new last completion, µs.
   */
  reschedule(nowUs: number, frozeAtUs: number): number {
    const node = this.node;
    const wal = node.wal;
    const q = this.queue;
    let prevDone = nowUs;
    for (let k = 0; k < q.length; k++) {
      const s = q.peek(k) as CdcSlot;
      if (k === 0 && s.startUs < frozeAtUs) {
        s.doneUs += nowUs - frozeAtUs;
      } else {
        s.startUs = prevDone;
        s.doneUs = Math.round(prevDone + s.serviceUs * node.applyFactor);
      }
      if (s.walIndex >= node.appliedIndex && s.walIndex < wal.endIndex) {
        wal.set(s.walIndex, 'startUs', s.startUs);
        wal.set(s.walIndex, 'doneUs', s.doneUs);
      }
      prevDone = s.doneUs;
    }
    return prevDone;
  }

  /**
   * Forgets changes not yet in the WAL or not yet visible (rewind, rebuild,
   * promotion); late deliveries of them are ignored. Rows showing a change
   * that never reached the WAL go back to the version they showed before it
   * (undone newest first: a row's changes become visible in write order, so
   * this restores its last version from the WAL).
   */
  dropPending(): void {
    const rowVersion = this.node.rowVersion;
    for (let k = this.ahead.length - 1; k >= 0; k--) {
      const s = this.ahead[k] as CdcSlot;
      if (s.walIndex >= 0) continue;
      if (rowVersion[s.rec.rowId] === s.rec.writeId) rowVersion[s.rec.rowId] = s.prevVersion;
    }
    this.ahead = [];
    this.aheadPruneAt = 1024;
    this.gen++;
    this.slots.clear();
    this.queue.clear();
    this.registeredLsn = this.node.receivedLsn;
  }
}
