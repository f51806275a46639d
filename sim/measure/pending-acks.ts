// Per row, the acknowledged writes a read judge still has to ask about, each
// with its ack time: the staleness checker's (sim/measure/staleness.ts:
// writes some node may not show yet) and the multi-writer judge's
// (sim/measure/replica-staleness.ts: writes not yet reflected in every
// region). Both drop an entry once every copy has it.
//
// Almost every row holds none or one such write at a time (a write leaves
// at the row's next ack after it has replicated), and over a long run nearly
// every row of the key space is written. So a row's single entry is kept
// inline in the row's record of the judge's latest acks (LatestAcks, whose
// spare numbers are this store's: the cache line a read of the row reads
// anyway), and only a row holding two or more has a list of its own: memory
// is bounded by the key space with no object per row, and a read or an ack
// of a row with at most one entry touches one cache line.
//
// Owns the storage only: which entries to keep, and in what order, is the
// judge's.
import type { LatestAcks } from './visibility.ts';

/** The row's spare numbers in LatestAcks: its single entry's write (0 = none) and ack time; 1 when it has a list instead. */
const ONE_WRITE = 0;
const ONE_ACK = 1;
const LISTED = 2;

export class PendingAcks {
  /** Rows holding two or more entries: [write, ackUs, write, ackUs, …] in the judge's order. */
  private readonly lists = new Map<number, number[]>();
  /** What `entries` hands out for a row without a list of its own. */
  private readonly scratch: number[] = [];

  /** `rec`: the judge's latest acks, whose per-row spare numbers hold the single entries. */
  constructor(private readonly rec: LatestAcks) {}

  /**
   * The row's entries as [write, ackUs, …]. The caller may edit the array
   * and must then hand it back through `store`; for a row without a list of
   * its own it is a shared scratch array, valid until the next call.
   */
  entries(row: number): number[] {
    const rec = this.rec;
    if (rec.spare(row, LISTED) !== 0) return this.lists.get(row) as number[];
    const s = this.scratch;
    s.length = 0;
    const w = rec.spare(row, ONE_WRITE);
    if (w !== 0) s.push(w, rec.spare(row, ONE_ACK));
    return s;
  }

  /** Makes `list` (from `entries(row)`, possibly edited) the row's entries. */
  store(row: number, list: number[]): void {
    const rec = this.rec;
    if (list.length > 2) {
      if (list === this.scratch) this.lists.set(row, list.slice());
      else if (this.lists.get(row) !== list) this.lists.set(row, list);
      if (rec.spare(row, LISTED) === 0) {
        rec.setSpare(row, LISTED, 1);
        rec.setSpare(row, ONE_WRITE, 0);
      }
      return;
    }
    if (list !== this.scratch || rec.spare(row, LISTED) !== 0) {
      this.lists.delete(row);
      rec.setSpare(row, LISTED, 0);
    }
    rec.setSpare(row, ONE_WRITE, list.length === 2 ? (list[0] as number) : 0);
    rec.setSpare(row, ONE_ACK, list.length === 2 ? (list[1] as number) : 0);
  }

  /** True when the row holds at most one entry (`oneWrite`, `oneAckUs`), without a list. */
  single(row: number): boolean {
    return this.rec.spare(row, LISTED) === 0;
  }

  /** The write of a single-entry row's entry (0: none). */
  oneWrite(row: number): number {
    return this.rec.spare(row, ONE_WRITE);
  }

  /** The ack time of a single-entry row's entry, µs. */
  oneAckUs(row: number): number {
    return this.rec.spare(row, ONE_ACK);
  }

  /** Rows with a list of their own. */
  get listedRows(): number {
    return this.lists.size;
  }
}
