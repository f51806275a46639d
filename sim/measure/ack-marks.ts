// The ledger's own record of which WAL records were acknowledged to their
// clients: per node (region), the write id and ack time of each
// acknowledged record, keyed by the record's absolute WAL index (what the
// ledger finds an ack's record by, and what a discard names). A discard
// (rewind, rebuild, end of run) asks here whether the record was
// acknowledged and when; the model's WAL holds no measurement column.
//
// Each node's marks are a window of typed columns over WAL indices, slot 0
// at index `base`: setting and taking a mark is one store and one load, in
// whatever order acks arrive (clients in other regions hear theirs later,
// so acks are far from WAL order). Memory stays bounded by the WAL's
// retention: records before the WAL's first retained index can no longer be
// discarded, so when the window is full it first slides to that index, and
// grows only if the retained records need more room. A WAL replaced by a
// fresh one (a rebuild numbers its records from 0 again) resets the window.

const START = 1024;

/** One node's window: slot i holds the mark of WAL index base + i (ack time NaN: none). */
class NodeMarks {
  base = 0;
  id = new Float64Array(START);
  ack = new Float64Array(START).fill(NaN);

  /** Makes room for index `index`, sliding the window's start to `firstIndex` (the WAL's first retained index) or growing it. */
  reach(index: number, firstIndex: number): void {
    const cap = this.ack.length;
    if (index < this.base) {
      // The WAL was replaced and numbers from 0 again: nothing marked before can be asked for.
      this.ack.fill(NaN);
      this.base = firstIndex;
      if (index - this.base < cap) return;
    }
    const shift = Math.min(firstIndex, index) - this.base;
    if (shift > 0) {
      this.ack.copyWithin(0, Math.min(shift, cap));
      this.id.copyWithin(0, Math.min(shift, cap));
      this.ack.fill(NaN, Math.max(0, cap - shift));
      this.base += shift;
    }
    let size = cap;
    while (index - this.base >= size) size *= 2;
    if (size === cap) return;
    const ack = new Float64Array(size).fill(NaN);
    ack.set(this.ack);
    const id = new Float64Array(size);
    id.set(this.id);
    this.ack = ack;
    this.id = id;
  }
}

export class AckMarks {
  private readonly nodes: NodeMarks[] = [];

  /** The WAL record at absolute `index` (write `id`) on `region`'s node was acknowledged at `ackUs`; that WAL's first retained index is `firstIndex`. */
  add(region: number, index: number, id: number, ackUs: number, firstIndex: number): void {
    let m = this.nodes[region];
    if (!m) this.nodes[region] = m = new NodeMarks();
    if (index < m.base || index - m.base >= m.ack.length) m.reach(index, firstIndex);
    const s = index - m.base;
    m.id[s] = id;
    m.ack[s] = ackUs;
  }

  /** If the record at absolute `index` (write `id`) on `region`'s node was acknowledged: its ack time, and the mark is spent; else NaN. */
  take(region: number, index: number, id: number): number {
    const m = this.nodes[region];
    if (!m) return NaN;
    const s = index - m.base;
    if (s < 0 || s >= m.ack.length) return NaN;
    const t = m.ack[s] as number;
    if (Number.isNaN(t) || (m.id[s] as number) !== id) return NaN;
    m.ack[s] = NaN;
    return t;
  }

  /** Marks held (acknowledged records not yet discarded or slid past), over all nodes: for tests. */
  get size(): number {
    let n = 0;
    for (const m of this.nodes) if (m) for (const t of m.ack) if (!Number.isNaN(t)) n++;
    return n;
  }

  /** Slots allocated, over all nodes: what the marks cost in memory (16 bytes each). */
  get capacity(): number {
    return this.nodes.reduce((a, m) => a + (m ? m.ack.length : 0), 0);
  }
}
