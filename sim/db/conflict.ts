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
// Storage is columnar by write id (typed arrays, grown by doubling): about
// (4 + regions) × 8 bytes per write for the whole run.

export type ConflictPolicy = 'lww-hlc' | 'lww-wallclock';

export class WriteTable {
  private cap = 1024;
  tsHi = new Float64Array(this.cap);
  tsLo = new Float64Array(this.cap);
  origin = new Int32Array(this.cap);
  seq = new Float64Array(this.cap);
  /** Vector clocks, `regions` entries per write. */
  vc: Float64Array;

  constructor(readonly regions: number) {
    this.vc = new Float64Array(this.cap * regions);
  }

  /** Records write `id` (ids are dense, from 1). `vc` is copied. */
  add(id: number, tsHi: number, tsLo: number, origin: number, seq: number, vc: Float64Array): void {
    while (id >= this.cap) this.grow();
    this.tsHi[id] = tsHi;
    this.tsLo[id] = tsLo;
    this.origin[id] = origin;
    this.seq[id] = seq;
    this.vc.set(vc, id * this.regions);
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

  /** True when write `a` beats write `b` under last-writer-wins (b = 0: nothing held). */
  beats(a: number, b: number): boolean {
    if (b === 0) return true;
    if (a === 0) return false;
    const ha = this.tsHi[a] as number;
    const hb = this.tsHi[b] as number;
    if (ha !== hb) return ha > hb;
    const la = this.tsLo[a] as number;
    const lb = this.tsLo[b] as number;
    if (la !== lb) return la > lb;
    return (this.origin[a] as number) > (this.origin[b] as number);
  }

  /** True when write `a` happened before write `b` (exact: vector clocks). */
  happenedBefore(a: number, b: number): boolean {
    return (this.vc[b * this.regions + (this.origin[a] as number)] as number) >= (this.seq[a] as number);
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
