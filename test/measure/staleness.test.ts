// docs/metrics.md read definitions, judged where write ids order versions
// (single-primary, region-pinned), on hand-written event sequences. Every
// expected number is derived by hand in the comment beside it.
import { describe, expect, it } from 'vitest';
import { measured, node, op, ref } from './helpers.ts';

/** A measurement where the only copy besides the writer shows version `shown[row]` (the oracle). */
function versions(shown: number[] = []) {
  return measured({ oracle: { kind: 'versions', minVisible: (row) => shown[row] ?? 0 }, epochs: false });
}

describe('stale read and stalenessMs', () => {
  it('a read that misses a write acknowledged before it began is stale by (read start − ack)', () => {
    const { hub, m } = versions();
    const n = node(0);
    hub.writeAcked(op({ row: 1, invokeUs: 0, session: 0 }), 1_000, ref(n, 5));
    // Read began at 4 000 µs and returned version 0: misses write 5 acked at 1 000 → stale by 3 000 µs = 3 ms.
    hub.readServed(op({ write: false, row: 1, invokeUs: 4_000, session: 1 }), 0, 4_500);
    const r = m.recorder.reads;
    expect(r.total).toBe(1);
    expect(r.stale).toBe(1);
    expect(r.staleness.summaryMs().max).toBeCloseTo(3, 1);
    expect(r.versionsBehindSum).toBe(1);
  });

  it('a read that began before the ack, or returned the write, is not stale', () => {
    const { hub, m } = versions();
    const n = node(0);
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 1_000, ref(n, 5));
    hub.readServed(op({ write: false, row: 1, invokeUs: 900, session: 1 }), 0, 1_200); // began before the ack
    hub.readServed(op({ write: false, row: 1, invokeUs: 2_000, session: 1 }), 5, 2_100); // shows it
    expect(m.recorder.reads.stale).toBe(0);
    expect(m.recorder.reads.total).toBe(2);
  });
});

describe('versions behind', () => {
  it('counts every acknowledged write the read missed; staleness runs from the oldest', () => {
    const { hub, m } = versions();
    const n = node(0);
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 1_000, ref(n, 3));
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 2_000, ref(n, 4));
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 3_000, ref(n, 7));
    // Returns 3: misses 4 and 7 (acked at 2 000 and 3 000) → 2 behind, stale by 10 000 − 2 000 = 8 ms.
    hub.readServed(op({ write: false, row: 2, invokeUs: 10_000, session: 2 }), 3, 10_100);
    const r = m.recorder.reads;
    expect(r.versionsBehindSum).toBe(2);
    expect(r.versionsBehindMax).toBe(2);
    expect(r.staleness.summaryMs().max).toBeCloseTo(8, 1);
  });
});

describe('read-your-writes violation', () => {
  it('the session reads the row it last wrote, after the ack, and gets an older version', () => {
    const { hub, m } = versions();
    const n = node(0);
    hub.writeAcked(op({ row: 3, invokeUs: 0, session: 1 }), 1_000, ref(n, 9));
    hub.readServed(op({ write: false, row: 3, invokeUs: 2_000, session: 1 }), 0, 2_100); // its own write missing
    hub.readServed(op({ write: false, row: 3, invokeUs: 2_000, session: 2 }), 0, 2_100); // another session: stale, not RYW
    expect(m.recorder.reads.ryw).toBe(1);
    expect(m.recorder.reads.stale).toBe(2);
  });
});

describe('monotonic-read violation', () => {
  it('the session reads a row again and gets an older version than it saw before', () => {
    const { hub, m } = versions();
    hub.readServed(op({ write: false, row: 4, invokeUs: 1_000, session: 3 }), 6, 1_100);
    hub.readServed(op({ write: false, row: 4, invokeUs: 2_000, session: 3 }), 6, 2_100); // same: fine
    hub.readServed(op({ write: false, row: 4, invokeUs: 3_000, session: 3 }), 2, 3_100); // went back: violation
    hub.readServed(op({ write: false, row: 4, invokeUs: 3_000, session: 0 }), 2, 3_100); // another session: fine
    expect(m.recorder.reads.monotonic).toBe(1);
  });
});

describe('what is not judged', () => {
  it('a filtered table\'s write is no yardstick for staleness', () => {
    const { hub, m } = measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: false }, { filtered: [1] });
    hub.writeAcked(op({ row: 5, table: 1, invokeUs: 0 }), 1_000, ref(node(0), 8));
    hub.readServed(op({ write: false, row: 5, table: 1, invokeUs: 2_000, session: 1 }), 0, 2_100);
    expect(m.recorder.reads.stale).toBe(0);
  });

  it('operations invoked before warmup are not counted (their writes still are yardsticks)', () => {
    const { hub, m } = measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: false }, { warmupUs: 5_000 });
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 1_000, ref(node(0), 5));
    hub.readServed(op({ write: false, row: 1, invokeUs: 2_000, session: 1 }), 0, 2_100);
    hub.readServed(op({ write: false, row: 1, invokeUs: 6_000, session: 1 }), 0, 6_100);
    expect(m.recorder.reads.total).toBe(1);
    expect(m.recorder.reads.stale).toBe(1);
    expect(m.recorder.writes.total).toBe(0);
  });
});

describe('reads judged by reflection (multi-writer)', () => {
  it('stale, versions behind, RYW and monotonic follow the oracle, not write-id order', () => {
    // Region 1 reflects nothing but write 2; region 0 reflects everything.
    const reflects = (r: number, _row: number, w: number) => r === 0 || w === 2;
    const { hub, m } = measured({ oracle: { kind: 'reflects', reflects }, epochs: false });
    const n = node(0);
    hub.writeAcked(op({ row: 1, invokeUs: 0, session: 0 }), 1_000, ref(n, 5));
    hub.writeAcked(op({ row: 1, invokeUs: 0, session: 1 }), 1_500, ref(n, 2));
    // Region 1, session 0, at 3 000: misses write 5 (acked 1 000) → stale by 2 ms, 1 behind, and it is session 0's own write: RYW.
    hub.readServed(op({ write: false, region: 1, row: 1, invokeUs: 3_000, session: 0 }), 2, 3_100);
    // Region 0 shows all: not stale.
    hub.readServed(op({ write: false, region: 0, row: 1, invokeUs: 3_000, session: 2 }), 5, 3_100);
    // Session 2 saw 5 at region 0; at region 1, 5 is not reflected: monotonic violation.
    hub.readServed(op({ write: false, region: 1, row: 1, invokeUs: 4_000, session: 2 }), 2, 4_100);
    const r = m.recorder.reads;
    expect(r.stale).toBe(2);
    expect(r.versionsBehindSum).toBe(2);
    expect(r.staleness.summaryMs().max).toBeCloseTo(3, 1);
    expect(r.ryw).toBe(1);
    expect(r.monotonic).toBe(1);
  });
});
