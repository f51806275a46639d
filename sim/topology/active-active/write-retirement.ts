// Keeps the multi-writer write table bounded (active-active). A write is
// stable once every region has applied it (its origin's sequence is ≤ every
// region's applied prefix for that origin; the applied vectors only grow). A
// stable write is never applied again, so only long-lived references can
// still ask about it: the rows' held versions and acknowledgements in flight
// (the topology lists those), and what the conflict counter compares (the
// write table's registered holder; the read judge asks only whether a write
// is reflected, which a dropped write is everywhere: `reflects` answers true
// for it). Those are kept; every other stable write is dropped. Write ids from one origin are stable in sequence
// order, so scanning from the window's start stops at the first unstable one.
import type { WriteTable } from '../../db/write-table.ts';

/** Window size (write ids) at which the ship ticker starts looking for stable writes to retire. */
const COMPACT_CHECK_WINDOW = 1 << 16;

export class WriteRetirement {
  /** Every write id below this is applied in every region. */
  private stableId = 1;

  /** `applied[r][origin]`: the highest sequence of `origin` applied at region r with every earlier one. */
  constructor(private readonly writes: WriteTable, private readonly applied: readonly Float64Array[]) {}

  /** Retires what is stable among write ids ≤ `lastId`, keeping what `visitLive` marks. */
  retire(lastId: number, visitLive: (mark: (id: number) => void) => void): void {
    const { writes, applied } = this;
    if (writes.windowSize < COMPACT_CHECK_WINDOW) return;
    const n = applied.length;
    let stable = this.stableId;
    const end = lastId + 1;
    while (stable < end) {
      const s = writes.slot(stable);
      const origin = writes.origin[s] as number;
      const seq = writes.seq[s] as number;
      let everywhere = true;
      for (let r = 0; r < n; r++) if (((applied[r] as Float64Array)[origin] as number) < seq) { everywhere = false; break; }
      if (!everywhere) break;
      stable++;
    }
    this.stableId = stable;
    writes.compact(stable, visitLive);
  }
}
