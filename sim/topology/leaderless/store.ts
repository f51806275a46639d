// One replica's data: per row, the newest version it holds under
// last-writer-wins — a timestamp (hi, lo) and the write id that breaks ties —
// or, for a set (CRDT) row, the set of write ids added to it (merge = union).
// Versions order by (hi, lo, id): a total order, so every replica that has
// seen the same writes holds the same winner whatever the arrival order.
//
// Owns the data and the merge rule; knows nothing of messages or clocks.

/** A version under last-writer-wins: timestamp (hi, lo), tie broken by write id. */
export interface Version {
  hi: number;
  lo: number;
  id: number;
}

/** Lexicographic order of versions: negative, 0 or positive. */
export function compareVersion(h1: number, l1: number, i1: number, h2: number, l2: number, i2: number): number {
  return h1 !== h2 ? (h1 < h2 ? -1 : 1) : l1 !== l2 ? (l1 < l2 ? -1 : 1) : i1 - i2;
}

export class ReplicaStore {
  readonly hi: Float64Array;
  readonly lo: Float64Array;
  /** Winning write id per row (0: the row was never written). */
  readonly id: Float64Array;
  /** Set rows: the write ids added. */
  private readonly sets = new Map<number, Set<number>>();

  constructor(rowCount: number) {
    this.hi = new Float64Array(rowCount).fill(-Infinity);
    this.lo = new Float64Array(rowCount);
    this.id = new Float64Array(rowCount);
  }

  /**
   * Applies write `id` with timestamp (hi, lo) to `row`. Returns the write id
   * the row held before (0 if none), or -1 when the write changed nothing
   * (an older LWW version, or an add already present).
   */
  apply(row: number, hi: number, lo: number, id: number, isSet: boolean): number {
    const held = this.id[row] as number;
    if (isSet) {
      let s = this.sets.get(row);
      if (!s) this.sets.set(row, (s = new Set()));
      if (s.has(id)) return -1;
      s.add(id);
      if (compareVersion(hi, lo, id, this.hi[row] as number, this.lo[row] as number, held) > 0) this.setTop(row, hi, lo, id);
      return held;
    }
    if (compareVersion(hi, lo, id, this.hi[row] as number, this.lo[row] as number, held) <= 0) return -1;
    this.setTop(row, hi, lo, id);
    return held;
  }

  private setTop(row: number, hi: number, lo: number, id: number): void {
    this.hi[row] = hi;
    this.lo[row] = lo;
    this.id[row] = id;
  }

  /** Whether this replica reflects write `id` (timestamp hi, lo) of `row`: holds it, or an LWW version that beats it, or (set row) has added it. */
  reflects(row: number, hi: number, lo: number, id: number, isSet: boolean): boolean {
    if (isSet) return this.sets.get(row)?.has(id) ?? false;
    return compareVersion(this.hi[row] as number, this.lo[row] as number, this.id[row] as number, hi, lo, id) >= 0;
  }

  /** The write ids a set row holds (empty when none). */
  members(row: number): ReadonlySet<number> {
    return this.sets.get(row) ?? EMPTY;
  }

  /** Rows with a set (for anti-entropy). */
  setRows(): IterableIterator<number> {
    return this.sets.keys();
  }
}

const EMPTY: ReadonlySet<number> = new Set();
