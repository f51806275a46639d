// One replica's data: per row, the newest version it holds under
// last-writer-wins — a timestamp (hi, lo) and the write id that breaks ties —
// or, for a set (CRDT) row, the write ids added to it (merge = union).
// Versions order by (hi, lo, id): a total order, so every replica that has
// seen the same writes holds the same winner whatever the arrival order.
//
// A set row is an append-only list of ids in arrival order, and each id's
// position in it (1-based; 0: absent), so a read can answer with a snapshot —
// (replica, the row's length then) — instead of a copy: w is in the snapshot
// iff 0 < position(w) ≤ length. Merging another replica's row is incremental:
// the receiver remembers how far into the sender's list it has merged.
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
  /** Set rows: the write ids added, in arrival order. */
  private readonly sets = new Map<number, number[]>();
  /** Per write id: its 1-based position in its set row's list here (0: not added). */
  private pos = new Int32Array(1024);
  /** Per (row, sender replica): how far into the sender's list of the row this replica has merged. */
  private readonly mergedUpTo = new Map<number, number>();

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
      if (this.has(id)) return -1;
      let s = this.sets.get(row);
      if (!s) this.sets.set(row, (s = []));
      s.push(id);
      while (id >= this.pos.length) {
        const g = new Int32Array(this.pos.length * 2);
        g.set(this.pos);
        this.pos = g;
      }
      this.pos[id] = s.length;
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

  /** Whether set-row write `id` has been added here. */
  private has(id: number): boolean {
    return id < this.pos.length && (this.pos[id] as number) > 0;
  }

  /** Whether this replica reflects write `id` (timestamp hi, lo) of `row`: holds it, or an LWW version that beats it, or (set row) has added it. */
  reflects(row: number, hi: number, lo: number, id: number, isSet: boolean): boolean {
    if (isSet) return this.has(id);
    return compareVersion(this.hi[row] as number, this.lo[row] as number, this.id[row] as number, hi, lo, id) >= 0;
  }

  /** The number of adds a set row holds here now (a snapshot's length). */
  setLength(row: number): number {
    return this.sets.get(row)?.length ?? 0;
  }

  /** Whether set-row write `id` was here when the row had `length` adds. */
  hadAt(id: number, length: number): boolean {
    if (id >= this.pos.length) return false;
    const p = this.pos[id] as number;
    return p > 0 && p <= length;
  }

  /**
   * Merges the adds `from` held in set row `row` up to its first `length`
   * (default: all), skipping what earlier merges from it covered. `stamps`
   * holds each id's timestamp. Returns the number of adds new here.
   */
  mergeSet(from: ReplicaStore, fromIndex: number, row: number, stamps: { hi: Float64Array; lo: Float64Array }, length = from.setLength(row)): number {
    const list = from.sets.get(row);
    if (!list) return 0;
    const key = row * 8192 + fromIndex;
    let i = this.mergedUpTo.get(key) ?? 0;
    let added = 0;
    const end = Math.min(length, list.length);
    for (; i < end; i++) {
      const id = list[i] as number;
      if (this.apply(row, stamps.hi[id] as number, stamps.lo[id] as number, id, true) >= 0) added++;
    }
    if (end > (this.mergedUpTo.get(key) ?? 0)) this.mergedUpTo.set(key, end);
    return added;
  }

  /** Rows with a set (for anti-entropy). */
  setRows(): IterableIterator<number> {
    return this.sets.keys();
  }
}
