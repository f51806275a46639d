// Conflict and lost-update counting for active-active runs (SPEC §2).
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
import type { WriteTable } from '../db/conflict.ts';

export class ConflictCounter {
  total = 0;
  lostUpdates = 0;
  /** Per row: the LWW-greatest acknowledged write so far (0 = none). */
  private readonly bestAcked: Float64Array;

  constructor(rowCount: number, private readonly writes: WriteTable, private readonly warmupUs: number) {
    this.bestAcked = new Float64Array(rowCount);
  }

  /** A remote write `w` was applied at `atUs` where `held` was the version held. */
  applied(w: number, held: number, atUs: number): void {
    if (held !== 0 && atUs >= this.warmupUs && this.writes.concurrent(w, held)) this.total++;
  }

  /** Calls `mark` with every write id this counter may still compare (for `WriteTable.compact`). */
  visitWrites(mark: (id: number) => void): void {
    const b = this.bestAcked;
    for (let i = 0; i < b.length; i++) mark(b[i] as number);
  }

  /** The greatest acknowledged write of `row` now (note it at a write's invoke). */
  bestAckedOf(row: number): number {
    return this.bestAcked[row] as number;
  }

  /**
   * Write `w` to `row` (an LWW row when `lww`) was acknowledged; `bestAtInvoke`
   * is what `bestAckedOf` said when it was invoked.
   */
  acked(row: number, w: number, bestAtInvoke: number, invokeUs: number, lww: boolean): void {
    if (!lww) return;
    if (bestAtInvoke !== 0 && this.writes.beats(bestAtInvoke, w) && invokeUs >= this.warmupUs) this.lostUpdates++;
    if (this.writes.beats(w, this.bestAcked[row] as number)) this.bestAcked[row] = w;
  }
}
