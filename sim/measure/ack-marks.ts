// The ledger's own record of which WAL records were acknowledged to their
// clients: per node (region), the (LSN, write id, ack time) of each
// acknowledged record still in that node's WAL, sorted by LSN, in typed
// columns. A discard (rewind, rebuild, end of run) asks here whether the
// record was acknowledged and when; the model's WAL holds no measurement
// column.
//
// Memory stays bounded by the WAL's retention: marks at or below the WAL's
// first retained LSN can no longer be discarded, so `add` compacts them away
// (the caller passes that LSN, read from the node's WAL): it looks once every
// thousand marks added and compacts when the retired marks are at least a
// thousand and as many as the live ones, so each mark is copied a bounded
// number of times and at most about twice the retained marks are held; a
// discarded mark is spent (ack time NaN) and
// dropped from the back once newer LSNs arrive (after a rewind the timeline
// continues above the common LSN, so every mark above it was discarded).

const START = 64;
/** Marks added between two looks for retired marks; and the fewest retired marks worth compacting away (if as many as the live ones). */
const RETIRED_SLACK = 1024;

/** One node's marks in slots [0, n), sorted by LSN. */
class NodeMarks {
  lsn = new Float64Array(START);
  id = new Float64Array(START);
  ack = new Float64Array(START);
  n = 0;
  /** Marks added since the last look for retired ones. */
  sinceRetire = 0;

  /** First slot whose LSN is ≥ `lsn` (n if none). */
  lowerBound(lsn: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.lsn[mid] as number) < lsn) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the marks at or below `lsn` once they are many: they can never be asked for again. */
  retireThrough(lsn: number): void {
    if (++this.sinceRetire < RETIRED_SLACK) return;
    this.sinceRetire = 0;
    if (this.n === 0 || (this.lsn[0] as number) > lsn) return;
    let k = this.lowerBound(lsn);
    while (k < this.n && (this.lsn[k] as number) === lsn) k++;
    if (k < RETIRED_SLACK || k < this.n - k) return;
    for (const c of [this.lsn, this.id, this.ack]) c.copyWithin(0, k, this.n);
    this.n -= k;
  }

  /** Room for one more mark. */
  grow(): void {
    if (this.n < this.lsn.length) return;
    const cap = this.lsn.length * 2;
    const copy = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.lsn = copy(this.lsn);
    this.id = copy(this.id);
    this.ack = copy(this.ack);
  }
}

export class AckMarks {
  private readonly nodes: NodeMarks[] = [];

  /** The record at `lsn` (write `id`) on `region`'s node was acknowledged at `ackUs`; that WAL retains only records above `retainedAfterLsn`. */
  add(region: number, lsn: number, id: number, ackUs: number, retainedAfterLsn: number): void {
    let m = this.nodes[region];
    if (!m) this.nodes[region] = m = new NodeMarks();
    m.retireThrough(retainedAfterLsn);
    // Discarded marks above the new LSN: a rewind's, whose timeline continues below them.
    while (m.n > 0 && (m.lsn[m.n - 1] as number) >= lsn && Number.isNaN(m.ack[m.n - 1] as number)) m.n--;
    m.grow();
    // Acks arrive nearly in LSN order: shift the few later marks up by one.
    let i = m.n++;
    while (i > 0 && (m.lsn[i - 1] as number) > lsn) {
      m.lsn[i] = m.lsn[i - 1] as number;
      m.id[i] = m.id[i - 1] as number;
      m.ack[i] = m.ack[i - 1] as number;
      i--;
    }
    m.lsn[i] = lsn;
    m.id[i] = id;
    m.ack[i] = ackUs;
  }

  /** If the record at `lsn` (write `id`) on `region`'s node was acknowledged: its ack time, and the mark is spent; else NaN. */
  take(region: number, lsn: number, id: number): number {
    const m = this.nodes[region];
    if (!m) return NaN;
    for (let i = m.lowerBound(lsn); i < m.n && (m.lsn[i] as number) === lsn; i++) {
      const t = m.ack[i] as number;
      if ((m.id[i] as number) === id && !Number.isNaN(t)) {
        m.ack[i] = NaN;
        return t;
      }
    }
    return NaN;
  }

  /** Marks held (live, spent or retired but not yet compacted), over all nodes: for memory tests. */
  get size(): number {
    return this.nodes.reduce((a, m) => a + (m ? m.n : 0), 0);
  }
}
