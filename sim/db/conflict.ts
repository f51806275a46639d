// Conflict resolution for active-active replication, and the per-write facts
// it needs.
//
// Every write gets, at commit on its origin region: a timestamp (tsHi, tsLo)
// — (l, c) of the origin's HLC for `lww-hlc`, or (the origin's skewed
// wall-clock reading, 0) for `lww-wallclock` — its origin region, its
// per-origin sequence number, and the origin's vector clock at commit (per
// origin, the highest sequence number it had seen, directly or
// transitively). Last-writer-wins orders writes by (tsHi, tsLo, origin): a
// total order, so every replica picks the same winner whatever the arrival
// order. The vector clock is not used to resolve (real LWW systems don't);
// it is the exact causal marker the conflict checker uses:
//   h happened before w  ⇔  vc(w)[origin(h)] ≥ seq(h).
//
// Set tables (`merge: gset | orset`) are CRDTs: the workload's writes to them
// are adds of a fresh element (the write itself), so the row's value is the
// set of writes applied to it and merging is union; nothing is discarded.
// An OR-set remove would only drop the add-tags it has observed, so a
// concurrent add survives (add-wins); the workload issues no removes, so an
// orset behaves as a gset here (see `orsetMerge` for the rule itself).
//
// Storage is columnar (typed arrays, grown by doubling), about
// (4 + regions) × 8 bytes per write, and bounded: `compact` retires the writes
// every region has applied (the caller names the bound), keeping only those
// something still refers to (a row's held version, a checker's remembered
// write, an acknowledgement in flight: the caller's `visitLive` lists them).
// The layout is [retired writes still referenced | window of recent ids]: a
// retired write is found through a map, a recent one by offset. Asking for a
// write that was dropped is a bookkeeping bug and throws.

export type ConflictPolicy = 'lww-hlc' | 'lww-wallclock';

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
  /** Retired writes still referenced: id → slot. */
  private retired = new Map<number, number>();

  constructor(readonly regions: number) {
    this.vc = new Float64Array(this.cap * regions);
  }

  /** The slot holding write `id`'s facts. */
  slot(id: number): number {
    if (id >= this.lo) return id - this.lo + this.kept;
    const s = this.retired.get(id);
    if (s === undefined) throw new Error(`invariant: write ${id} was retired from the write table while still referenced`);
    return s;
  }

  /** Whether the table still holds write `id`'s facts (false once it was retired unreferenced). */
  known(id: number): boolean {
    return (id >= this.lo && id < this.hi) || this.retired.has(id);
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
    const n = this.regions;
    const ids: number[] = [];
    const from: number[] = [];
    for (const [id, s] of this.retired) if (markRet[s] === 1) (ids.push(id), from.push(s));
    for (let id = lo; id < bound; id++) if (markWin[id - lo] === 1) (ids.push(id), from.push(id - lo + kept));
    const live = this.hi - bound;
    const need = ids.length + live;
    let cap = 1024;
    while (cap < need) cap *= 2;
    const tsHi = new Float64Array(cap);
    const tsLo = new Float64Array(cap);
    const origin = new Int32Array(cap);
    const seq = new Float64Array(cap);
    const vc = new Float64Array(cap * n);
    const retired = new Map<number, number>();
    const move = (src: number, dst: number) => {
      tsHi[dst] = this.tsHi[src] as number;
      tsLo[dst] = this.tsLo[src] as number;
      origin[dst] = this.origin[src] as number;
      seq[dst] = this.seq[src] as number;
      vc.set(this.vc.subarray(src * n, src * n + n), dst * n);
    };
    for (let k = 0; k < ids.length; k++) {
      move(from[k] as number, k);
      retired.set(ids[k] as number, k);
    }
    const winFrom = bound - lo + kept;
    for (let k = 0; k < live; k++) move(winFrom + k, ids.length + k);
    this.cap = cap;
    this.tsHi = tsHi;
    this.tsLo = tsLo;
    this.origin = origin;
    this.seq = seq;
    this.vc = vc;
    this.retired = retired;
    this.kept = ids.length;
    this.lo = bound;
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

/** An OR-set row: element → add-tags still present. Used by tests and to document the rule. */
export type OrSet = Map<number, Set<string>>;

/**
 * Merges two OR-set replicas that each removed only the tags they had
 * observed (`removedA` / `removedB`): a tag survives unless some side removed
 * it, so an add concurrent with a remove wins.
 */
export function orsetMerge(a: OrSet, b: OrSet, removedA: ReadonlySet<string>, removedB: ReadonlySet<string>): OrSet {
  const out: OrSet = new Map();
  for (const src of [a, b])
    for (const [el, tags] of src)
      for (const t of tags) {
        if (removedA.has(t) || removedB.has(t)) continue;
        let s = out.get(el);
        if (!s) out.set(el, (s = new Set()));
        s.add(t);
      }
  return out;
}
