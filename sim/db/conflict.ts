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
//
// The facts themselves are kept in the write table (sim/db/write-table.ts).

export type ConflictPolicy = 'lww-hlc' | 'lww-wallclock';

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
