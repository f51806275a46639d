// Per row, the acknowledged writes not yet reflected in every region, each
// with its ack time: the memory of the multi-writer read judge
// (sim/measure/replica-staleness.ts), which asks about them at each read of
// the row and drops them once every region reflects them.
//
// Almost every row holds none or one such write at a time (a write leaves
// the list at the row's next ack after it has replicated), and over a long
// run nearly every row of the key space is written. So a row's single entry
// is kept inline in two typed arrays (16 bytes a row, fixed), and only a row
// holding two or more has a list of its own: memory is bounded by the key
// space with no object per row, not one array and one map entry per row
// ever written.
//
// Owns the storage only: which entries to keep, and in what order, is the
// judge's.

export class PendingAcks {
  /** Per row: the write id of its single inline entry (0 = none). */
  private readonly oneWrite: Float64Array;
  /** Per row: the ack time of its single inline entry, µs. */
  private readonly oneAckUs: Float64Array;
  /** Rows holding two or more entries: [write, ackUs, write, ackUs, …], oldest first. */
  private readonly lists = new Map<number, number[]>();
  /** What `entries` hands out for a row without a list of its own. */
  private readonly scratch: number[] = [];

  constructor(rowCount: number) {
    this.oneWrite = new Float64Array(rowCount);
    this.oneAckUs = new Float64Array(rowCount);
  }

  /**
   * The row's entries as [write, ackUs, …], oldest first. The caller may
   * edit the array and must then hand it back through `store`; for a row
   * without a list of its own it is a shared scratch array, valid until the
   * next call.
   */
  entries(row: number): number[] {
    const list = this.lists.get(row);
    if (list !== undefined) return list;
    const s = this.scratch;
    s.length = 0;
    const w = this.oneWrite[row] as number;
    if (w !== 0) s.push(w, this.oneAckUs[row] as number);
    return s;
  }

  /** Makes `list` (from `entries(row)`, possibly edited) the row's entries. */
  store(row: number, list: number[]): void {
    if (list.length > 2) {
      this.oneWrite[row] = 0;
      if (list === this.scratch) this.lists.set(row, list.slice());
      else if (this.lists.get(row) !== list) this.lists.set(row, list);
      return;
    }
    if (list !== this.scratch) this.lists.delete(row);
    this.oneWrite[row] = list.length === 2 ? (list[0] as number) : 0;
    this.oneAckUs[row] = list.length === 2 ? (list[1] as number) : 0;
  }

  /** Rows with a list of their own (for memory tests). */
  get listedRows(): number {
    return this.lists.size;
  }
}
