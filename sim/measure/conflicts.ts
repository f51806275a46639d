// Conflict and lost-update counting for active-active runs (docs/metrics.md).
//
// conflict: a remote write that arrives (is applied) at a replica while the
// replica holds a version the write is concurrent with — neither happened
// before the other, judged exactly by the writes' vector clocks (see
// sim/db/conflict.ts). A remote write that arrives *behind* a version that
// already depends on it (an out-of-order arrival) is not a conflict.
//
// lost update: an acknowledged write w that last-writer-wins discards in
// favour of a write u to the same row that was acknowledged before w was
// invoked. Per row we keep the LWW-greatest write acknowledged so far; at
// w's invoke we note it, and when w is acknowledged, w is lost iff that
// write beats w (u beats w, so no converged replica keeps w). Set (CRDT)
// tables discard nothing and are never judged. Counts only operations
// invoked (conflicts: applied) after warmup.
//
// Fed by run events (sim/measure/events.ts): `writeInvoked` notes the best
// acknowledged write of the row, `writeAcked` judges, `replicaApplied`
// counts conflicts. Judges by the write table's order (`beats`,
// `concurrent`); the ids it still holds are listed to the table's
// compaction through `visitWrites`.
import type { Op } from '../db/op.ts';
import type { CommitRef, RunEvents, WriteOrder } from './events.ts';

export type { WriteOrder } from './events.ts';

export interface ConflictCounterOptions {
  rowCount: number;
  writes: WriteOrder;
  warmupUs: number;
  /** Whether a table's rows resolve by last-writer-wins (false: a set CRDT, never judged). */
  lww: (table: number) => boolean;
  /** Tables not replicated (their acks are not judged). */
  filtered: ReadonlySet<number>;
}

export class ConflictCounter implements Pick<RunEvents, 'writeInvoked' | 'writeAcked' | 'writeFailed' | 'replicaApplied'> {
  total = 0;
  lostUpdates = 0;
  /** Per row: the LWW-greatest acknowledged write so far (0 = none). */
  private readonly bestAcked: Float64Array;
  /** Writes invoked and not yet answered → the best acknowledged write of their row at invoke. */
  private readonly atInvoke = new Map<Op, number>();
  private readonly writes: WriteOrder;
  private readonly warmupUs: number;

  constructor(private readonly o: ConflictCounterOptions) {
    this.bestAcked = new Float64Array(o.rowCount);
    this.writes = o.writes;
    this.warmupUs = o.warmupUs;
  }

  /** A remote write `w` was applied at `atUs` where `held` was the version held. */
  replicaApplied(_region: number, w: number, held: number, atUs: number): void {
    if (held !== 0 && atUs >= this.warmupUs && this.writes.concurrent(w, held)) this.total++;
  }

  /** Calls `mark` with every write id this counter may still compare (for `WriteTable.compact`). */
  visitWrites(mark: (id: number) => void): void {
    const b = this.bestAcked;
    for (let i = 0; i < b.length; i++) mark(b[i] as number);
    for (const best of this.atInvoke.values()) mark(best);
  }

  writeInvoked(op: Op): void {
    this.atInvoke.set(op, this.bestAcked[op.row] as number);
  }

  writeFailed(op: Op): void {
    this.atInvoke.delete(op);
  }

  /** Write `c.version` to `op.row` was acknowledged: lost iff the best acked write at its invoke beats it. */
  writeAcked(op: Op, _ackUs: number, c: CommitRef): void {
    const bestAtInvoke = this.atInvoke.get(op) ?? 0;
    this.atInvoke.delete(op);
    if (this.o.filtered.has(op.table) || !this.o.lww(op.table)) return;
    const w = c.version;
    const row = op.row;
    if (bestAtInvoke !== 0 && this.writes.beats(bestAtInvoke, w) && op.invokeUs >= this.warmupUs) this.lostUpdates++;
    if (this.writes.beats(w, this.bestAcked[row] as number)) this.bestAcked[row] = w;
  }
}
