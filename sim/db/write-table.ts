// The write table: the per-write facts active-active conflict resolution
// needs (sim/db/conflict.ts says what they are and how LWW orders them),
// for every write of the run.
//
// Storage is columnar (typed arrays, grown by doubling), about
// (4 + regions) × 8 bytes per write, and bounded: `compact` retires the writes
// every region has applied (the caller names the bound), keeping only those
// something still refers to (a row's held version, a checker's remembered
// write, an acknowledgement in flight: the caller's `visitLive` lists them).
// The layout is [retired writes still referenced | window of recent ids]: a
// recent write is found by offset, a retired one through its id's place in
// the retired part (kept in id order) by a hash index of typed arrays — no
// object per write, and compaction moves the columns in place, so a long run
// allocates nothing more once the table has reached its size. Asking for a
// write that was dropped is a bookkeeping bug and throws.
/** Write ids kept in the window before `compact` considers retiring some. */
const COMPACT_MIN_WINDOW = 1 << 16;

export class WriteTable {
  private cap = 1024;
  tsHi = new Float64Array(this.cap);
  tsLo = new Float64Array(this.cap);
  origin = new Int32Array(this.cap);
  seq = new Float64Array(this.cap);
  /** Vector clocks, `regions` entries per slot. */
  vc: Float64Array;
  /** First id of the window; ids below it are retired. */
  private lo = 1;
  /** Slot of id `lo` (= number of retired writes kept). */
  private kept = 0;
  /** One past the highest id added. */
  private hi = 1;
  /** Ids of the retired writes kept, by slot (ascending; the first `kept` entries are valid). */
  private retiredIds = new Float64Array(1024);
  /** Open-addressing hash index of `retiredIds`: slot + 1 per entry, 0 = empty; its length is a power of two. */
  private retiredIndex = new Int32Array(2048);

  constructor(readonly regions: number) {
    this.vc = new Float64Array(this.cap * regions);
  }

  /** The slot holding write `id`'s facts. */
  slot(id: number): number {
    if (id >= this.lo) return id - this.lo + this.kept;
    const s = this.retiredSlot(id);
    if (s < 0) throw new Error(`invariant: write ${id} was retired from the write table while still referenced`);
    return s;
  }

  /** Slot of retired write `id`, or -1 when it was dropped. */
  private retiredSlot(id: number): number {
    const index = this.retiredIndex;
    const ids = this.retiredIds;
    const mask = index.length - 1;
    for (let h = hashId(id) & mask; ; h = (h + 1) & mask) {
      const e = index[h] as number;
      if (e === 0) return -1;
      if (ids[e - 1] === id) return e - 1;
    }
  }

  /** Whether the table still holds write `id`'s facts (false once it was retired unreferenced). */
  known(id: number): boolean {
    return id >= this.lo ? id < this.hi : this.retiredSlot(id) >= 0;
  }

  /** Records write `id` (ids are dense, from 1, added in order). `vc` is copied. */
  add(id: number, tsHi: number, tsLo: number, origin: number, seq: number, vc: Float64Array): void {
    if (id !== this.hi) throw new Error(`invariant: write ids are added densely in order (got ${id}, expected ${this.hi})`);
    const s = id - this.lo + this.kept;
    while (s >= this.cap) this.grow();
    this.hi = id + 1;
    this.tsHi[s] = tsHi;
    this.tsLo[s] = tsLo;
    this.origin[s] = origin;
    this.seq[s] = seq;
    this.vc.set(vc, s * this.regions);
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Float64Array | Int32Array>(a: T, k = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap * k);
      b.set(a);
      return b;
    };
    this.tsHi = g(this.tsHi);
    this.tsLo = g(this.tsLo);
    this.origin = g(this.origin);
    this.seq = g(this.seq);
    this.vc = g(this.vc, this.regions);
  }

  /** Write ids in the window (for memory tests). */
  get windowSize(): number {
    return this.hi - this.lo;
  }

  /** Retired writes still kept because something refers to them. */
  get retiredKept(): number {
    return this.kept;
  }

  /** Others that hold write ids (the measurement's checkers): `compact` keeps what they list. */
  private readonly holders: Array<(mark: (id: number) => void) => void> = [];

  /** Registers a holder of write ids: `visit(mark)` calls `mark` with every id it may still ask about. */
  addHolder(visit: (mark: (id: number) => void) => void): void {
    this.holders.push(visit);
  }

  /**
   * Retires every write with id < `stableId` that `visitLive` does not
   * report. The caller guarantees that ids below `stableId` are applied in
   * every region and that `visitLive(mark)` calls `mark` with every id it may
   * still ask about, as every registered holder does (ids ≥ stableId and 0 may be reported too; they are
   * ignored). Does nothing while the window is small.
   */
  compact(stableId: number, visitLive: (mark: (id: number) => void) => void): void {
    const bound = Math.min(stableId, this.hi);
    if (this.hi - this.lo < COMPACT_MIN_WINDOW || (bound - this.lo) * 2 < this.hi - this.lo) return;
    const lo = this.lo;
    const kept = this.kept;
    const markWin = new Uint8Array(bound - lo);
    const markRet = new Uint8Array(kept);
    const mark = (id: number) => {
      if (id <= 0 || id >= bound) return;
      if (id >= lo) markWin[id - lo] = 1;
      else markRet[this.slot(id)] = 1;
    };
    visitLive(mark);
    for (const h of this.holders) h(mark);
    // In place: the kept retired writes (in id order), then the window's marked ones, then the
    // live window; every record moves to a slot at or before its own, so a forward pass is safe.
    let dst = 0;
    for (let s = 0; s < kept; s++) if (markRet[s] === 1) this.keepRetired(s, dst++, this.retiredIds[s] as number);
    for (let id = lo; id < bound; id++) if (markWin[id - lo] === 1) this.keepRetired(id - lo + kept, dst++, id);
    const winFrom = bound - lo + kept;
    const live = this.hi - bound;
    if (dst < winFrom) {
      const n = this.regions;
      this.tsHi.copyWithin(dst, winFrom, winFrom + live);
      this.tsLo.copyWithin(dst, winFrom, winFrom + live);
      this.origin.copyWithin(dst, winFrom, winFrom + live);
      this.seq.copyWithin(dst, winFrom, winFrom + live);
      this.vc.copyWithin(dst * n, winFrom * n, (winFrom + live) * n);
    }
    this.kept = dst;
    this.lo = bound;
    this.indexRetired();
  }

  /** Moves the record in `src` to `dst` ≤ `src` as the retired write `id`. */
  private keepRetired(src: number, dst: number, id: number): void {
    if (dst >= this.retiredIds.length) {
      const ids = new Float64Array(this.retiredIds.length * 2);
      ids.set(this.retiredIds);
      this.retiredIds = ids;
    }
    this.retiredIds[dst] = id;
    if (src === dst) return;
    this.tsHi[dst] = this.tsHi[src] as number;
    this.tsLo[dst] = this.tsLo[src] as number;
    this.origin[dst] = this.origin[src] as number;
    this.seq[dst] = this.seq[src] as number;
    const n = this.regions;
    this.vc.copyWithin(dst * n, src * n, src * n + n);
  }

  /** Rebuilds the hash index over the `kept` retired ids (at most half full). */
  private indexRetired(): void {
    let size = this.retiredIndex.length;
    while (size < 2 * this.kept) size *= 2;
    if (size === this.retiredIndex.length) this.retiredIndex.fill(0);
    else this.retiredIndex = new Int32Array(size);
    const index = this.retiredIndex;
    const ids = this.retiredIds;
    const mask = size - 1;
    for (let s = 0; s < this.kept; s++) {
      let h = hashId(ids[s] as number) & mask;
      while (index[h] !== 0) h = (h + 1) & mask;
      index[h] = s + 1;
    }
  }

  /** True when write `a` beats write `b` under last-writer-wins (b = 0: nothing held). */
  beats(a: number, b: number): boolean {
    if (b === 0) return true;
    if (a === 0) return false;
    const sa = this.slot(a);
    const sb = this.slot(b);
    const ha = this.tsHi[sa] as number;
    const hb = this.tsHi[sb] as number;
    if (ha !== hb) return ha > hb;
    const la = this.tsLo[sa] as number;
    const lb = this.tsLo[sb] as number;
    if (la !== lb) return la > lb;
    return (this.origin[sa] as number) > (this.origin[sb] as number);
  }

  /** True when write `a` happened before write `b` (exact: vector clocks). */
  happenedBefore(a: number, b: number): boolean {
    const sa = this.slot(a);
    return (this.vc[this.slot(b) * this.regions + (this.origin[sa] as number)] as number) >= (this.seq[sa] as number);
  }

  /** Neither happened before the other. */
  concurrent(a: number, b: number): boolean {
    return a !== b && !this.happenedBefore(a, b) && !this.happenedBefore(b, a);
  }
}

/** Spreads a write id (an integer below 2^31) over the hash index: MurmurHash3's 32-bit finalizer. */
function hashId(id: number): number {
  let h = id | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
