// The write-ahead log of one node: committed writes in LSN order.
//
// Columnar storage (typed arrays) so a long run allocates no object per
// write. The log is trimmed from the front once every consumer has it and
// from the back by a rewind. LSNs are byte offsets and only grow within a
// timeline; `append` asserts it. The same structure holds a replica's
// received log, where `doneUs` is the time the write finishes applying.

/** One WAL record, as copied between nodes. */
export interface WalRecord {
  /** LSN at the end of this record (bytes). */
  lsnEnd: number;
  /** Globally unique write id (also the row version it creates). */
  writeId: number;
  rowId: number;
  table: number;
  bytes: number;
  /** Commit time on the origin node, µs. */
  commitUs: number;
  /** Region index where the write was committed. */
  origin: number;
  /** Failover epoch (timeline) the write was committed in. */
  epoch: number;
}

const COLS = ['lsnEnd', 'writeId', 'rowId', 'table', 'bytes', 'commitUs', 'origin', 'epoch', 'startUs', 'doneUs', 'serviceUs'] as const;
type Col = (typeof COLS)[number];

/**
 * Columns kept as 32-bit integers: row ids, table and region indices and
 * epochs are small exact integers. Times, LSNs (byte offsets), write ids and
 * sizes stay Float64.
 */
const INT_COLS: ReadonlySet<Col> = new Set<Col>(['rowId', 'table', 'origin', 'epoch']);

export class Wal {
  private cap = 256;
  // One typed array per column, indexed by slot (see `slotOf`). Hot loops read
  // them directly; they are replaced when the log grows, so re-read after `append`.
  lsnEnd = new Float64Array(this.cap);
  writeId = new Float64Array(this.cap);
  rowId = new Int32Array(this.cap);
  table = new Int32Array(this.cap);
  bytes = new Float64Array(this.cap);
  commitUs = new Float64Array(this.cap);
  origin = new Int32Array(this.cap);
  epoch = new Int32Array(this.cap);
  startUs = new Float64Array(this.cap);
  doneUs = new Float64Array(this.cap);
  serviceUs = new Float64Array(this.cap);
  /** Index of the first retained record. */
  private head = 0;
  /** Index one past the last record. */
  private tail = 0;
  /** Absolute number of records trimmed from the front (for stable indices). */
  private base = 0;
  /** LSN at the start of the first retained record (end LSN of the last trimmed one). */
  startLsn = 0;

  constructor(startLsn = 0) {
    this.startLsn = startLsn;
  }

  /** Number of retained records. */
  get length(): number {
    return this.tail - this.head;
  }

  /** LSN at the end of the log. */
  get endLsn(): number {
    return this.tail > this.head ? (this.lsnEnd[this.tail - 1] as number) : this.startLsn;
  }

  /** Absolute index of the first retained record. */
  get firstIndex(): number {
    return this.base;
  }

  /** Absolute index one past the last record. */
  get endIndex(): number {
    return this.base + this.tail - this.head;
  }

  /** Appends a record; LSNs must grow. Returns its absolute index. */
  append(r: WalRecord, doneUs = r.commitUs, serviceUs = 0, startUs = doneUs): number {
    if (!(r.lsnEnd > this.endLsn)) throw new Error(`invariant: LSN went backwards or stood still (${r.lsnEnd} after ${this.endLsn})`);
    if (this.tail === this.cap) this.makeRoom();
    const i = this.tail++;
    this.lsnEnd[i] = r.lsnEnd;
    this.writeId[i] = r.writeId;
    this.rowId[i] = r.rowId;
    this.table[i] = r.table;
    this.bytes[i] = r.bytes;
    this.commitUs[i] = r.commitUs;
    this.origin[i] = r.origin;
    this.epoch[i] = r.epoch;
    this.startUs[i] = startUs;
    this.doneUs[i] = doneUs;
    this.serviceUs[i] = serviceUs;
    return this.base + i - this.head;
  }

  private makeRoom(): void {
    const live = this.tail - this.head;
    if (this.head > 0 && live <= this.cap / 2) {
      for (const k of COLS) this[k].copyWithin(0, this.head, this.tail);
    } else {
      this.cap *= 2;
      for (const k of COLS) {
        const a = INT_COLS.has(k) ? new Int32Array(this.cap) : new Float64Array(this.cap);
        a.set(this[k].subarray(this.head, this.tail));
        (this as Record<Col, Float64Array | Int32Array>)[k] = a;
      }
    }
    this.tail = live;
    this.head = 0;
  }

  /** The column arrays' slot of a retained record (absolute index); throws if not retained. */
  slotOf(index: number): number {
    const s = index - this.base + this.head;
    if (s < this.head || s >= this.tail) throw new Error(`invariant: WAL index ${index} not retained [${this.firstIndex}, ${this.endIndex})`);
    return s;
  }

  /** Reads one column of a record by absolute index. */
  get(index: number, col: Col): number {
    return this[col][this.slotOf(index)] as number;
  }

  /** Writes one column of a record by absolute index. */
  set(index: number, col: Col, value: number): void {
    this[col][this.slotOf(index)] = value;
  }

  /** The record at an absolute index. */
  record(index: number): WalRecord {
    const s = this.slotOf(index);
    return {
      lsnEnd: this.lsnEnd[s] as number, writeId: this.writeId[s] as number, rowId: this.rowId[s] as number, table: this.table[s] as number,
      bytes: this.bytes[s] as number, commitUs: this.commitUs[s] as number, origin: this.origin[s] as number, epoch: this.epoch[s] as number,
    };
  }

  /** Absolute index of the first record whose end LSN is > lsn (endIndex if none). */
  indexAfterLsn(lsn: number): number {
    const a = this.lsnEnd;
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as number) <= lsn) lo = mid + 1;
      else hi = mid;
    }
    return this.base + lo - this.head;
  }

  /** True when the log still holds every record after `lsn`. */
  holdsFrom(lsn: number): boolean {
    return lsn >= this.startLsn;
  }

  /** Drops records with end LSN ≤ lsn from the front. */
  trimThrough(lsn: number): void {
    const upTo = this.indexAfterLsn(lsn);
    const n = upTo - this.base;
    if (n <= 0) return;
    this.startLsn = this.lsnEnd[this.head + n - 1] as number;
    this.head += n;
    this.base += n;
  }

  /** Drops records from the front up to (not including) an absolute index. */
  trimBeforeIndex(index: number): void {
    const n = Math.min(index, this.endIndex) - this.base;
    if (n <= 0) return;
    this.startLsn = this.lsnEnd[this.head + n - 1] as number;
    this.head += n;
    this.base += n;
  }

  /**
   * Rewind: discards every record with end LSN > lsn, calling `onDiscard`
   * with each discarded absolute index first (newest last).
   */
  truncateAfter(lsn: number, onDiscard?: (index: number) => void): number {
    const from = this.indexAfterLsn(lsn);
    const end = this.endIndex;
    if (onDiscard) for (let i = from; i < end; i++) onDiscard(i);
    this.tail = from - this.base + this.head;
    return end - from;
  }
}
