// docs/metrics.md conflict and lost update on hand-written event sequences, judged
// in a hand-built write table (timestamps and vector clocks chosen below).
import { describe, expect, it } from 'vitest';
import { WriteTable } from '../../sim/db/write-table.ts';
import { measured, node, op, ref } from './helpers.ts';

/** Two regions; write `id` at origin `o` with sequence `seq`, timestamp `ts`, vector clock `vc`. */
function table(writes: Array<[id: number, ts: number, origin: number, seq: number, vc: [number, number]]>): WriteTable {
  const t = new WriteTable(2);
  for (const [id, ts, origin, seq, vc] of writes) t.add(id, ts, 0, origin, seq, Float64Array.from(vc));
  return t;
}

function multi(writes: WriteTable, merge: boolean[] = [false]) {
  return measured({ oracle: { kind: 'reflects', reflects: () => true }, epochs: false, conflicts: { writes, lww: (t) => !merge[t] } });
}

describe('conflict', () => {
  it('a remote write applied where a concurrent version is held is a conflict; a causally later one is not', () => {
    // 1: a's first write; 2: b's first write, not having seen 1 (concurrent); 3: b's second, having seen 1.
    const w = table([[1, 100, 0, 1, [1, 0]], [2, 200, 1, 1, [0, 1]], [3, 300, 1, 2, [1, 2]]]);
    const { hub, m } = multi(w);
    hub.replicaApplied(0, 2, 1, 1_000); // region a holds 1, receives 2: concurrent → conflict
    hub.replicaApplied(0, 3, 1, 1_000); // 3 saw 1: not a conflict
    hub.replicaApplied(1, 1, 0, 1_000); // nothing held: not a conflict
    expect(m.conflicts!.total).toBe(1);
  });
});

describe('lost update', () => {
  it('an acknowledged write that LWW discards for one acknowledged before it was invoked is a lost update', () => {
    // u = 1 (ts 500) acked; then w = 2 (ts 400, a clock behind) invoked and acked: u beats w → lost.
    const w = table([[1, 500, 0, 1, [1, 0]], [2, 400, 1, 1, [0, 1]]]);
    const { hub, m } = multi(w);
    const n = node(0);
    const u = op({ row: 0, invokeUs: 0 });
    hub.writeInvoked(u);
    hub.writeAcked(u, 1_000, ref(n, 1));
    const lost = op({ row: 0, invokeUs: 2_000, region: 1 });
    hub.writeInvoked(lost);
    hub.writeAcked(lost, 3_000, ref(n, 2));
    expect(m.conflicts!.lostUpdates).toBe(1);
  });

  it('a write invoked before the other was acknowledged, or on a set table, is not a lost update', () => {
    const w = table([[1, 500, 0, 1, [1, 0]], [2, 400, 1, 1, [0, 1]], [3, 600, 0, 2, [2, 0]], [4, 450, 1, 2, [0, 2]]]);
    const { hub, m } = multi(w, [false, true]);
    const n = node(0);
    const early = op({ row: 0, invokeUs: 0, region: 1 });
    hub.writeInvoked(early); // invoked before 1 was acked
    const u = op({ row: 0, invokeUs: 0 });
    hub.writeInvoked(u);
    hub.writeAcked(u, 1_000, ref(n, 1));
    hub.writeAcked(early, 1_500, ref(n, 2));
    // A set table (merge): nothing is discarded.
    const s1 = op({ row: 1, table: 1, invokeUs: 0 });
    hub.writeInvoked(s1);
    hub.writeAcked(s1, 1_000, ref(n, 3));
    const s2 = op({ row: 1, table: 1, invokeUs: 2_000, region: 1 });
    hub.writeInvoked(s2);
    hub.writeAcked(s2, 3_000, ref(n, 4));
    expect(m.conflicts!.lostUpdates).toBe(0);
  });
});
