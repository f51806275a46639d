// docs/metrics.md write definitions on hand-written event sequences: a lost
// acknowledged write (RPO) and a split-brain interval with its divergent
// writes. Expected numbers are derived by hand beside each assertion.
import { describe, expect, it } from 'vitest';
import { commit, measured, node, op } from './helpers.ts';
import type { EventHub } from '../../sim/measure/events.ts';
import type { FailoverRecord } from '../../sim/measure/events.ts';
import { failoverSummaries } from '../../sim/measure/failovers.ts';

const epochs = () => measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: true, deposedDiverge: true });
const rec = (p: Partial<FailoverRecord>): FailoverRecord => ({ from: 0, to: 1, reason: 'primary-unreachable', faultAtUs: 0, startedAtUs: 0, completedAtUs: 0, epoch: 2, tally: 0, ...p });

describe('lost acknowledged write', () => {
  it('an acknowledged write the old primary discards on rewind is lost, charged to its failover', () => {
    const { hub, m } = epochs();
    const old = node(0);
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 1_000, commit(old, 1, 1, 100, 500));
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 2_000, commit(old, 2, 2, 200, 1_500));
    commit(old, 3, 3, 300, 2_500); // committed, never acknowledged
    hub.failoverStarted(0);
    hub.promoted(rec({ faultAtUs: 3_000, startedAtUs: 4_000, completedAtUs: 5_000 }));
    // The new primary had received up to LSN 100: writes 2 and 3 are discarded; only 2 was acknowledged.
    hub.rewound(0, 1, 100, 0);
    old.wal.truncateAfter(100, (i) => hub.walDiscarded(old, i, 0));
    const t = m.ledger.total;
    expect(t.lostAckedWrites).toBe(1);
    expect(t.lostBytes).toBe(100);
    expect(m.ledger.perFailover[0]!.lostAckedWrites).toBe(1);
    // No write acked in epoch 2: RTO runs from the fault (3 ms) to the promotion (5 ms) = 2 ms.
    const [f] = failoverSummaries(m.ledger, ['a', 'b']);
    expect(f).toMatchObject({ from: 'a', to: 'b', lostAckedWrites: 1, rtoMs: 2, rtoEndsAt: 'promotion' });
  });

  it('an ack still in flight when its write was discarded is lost all the same', () => {
    const { hub, m } = epochs();
    const old = node(0);
    const c = commit(old, 1, 1, 100, 500);
    hub.failoverStarted(0);
    hub.rewound(0, 1, 0, 0);
    old.wal.truncateAfter(0, (i) => hub.walDiscarded(old, i, 0)); // not yet acked: nothing counted
    expect(m.ledger.total.lostAckedWrites).toBe(0);
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 1_000, c); // the ack arrives after the rewind
    expect(m.ledger.total.lostAckedWrites).toBe(1);
  });

  it('a write counted lost that shows on a surviving node breaks the lost-and-present invariant', () => {
    const { hub, m } = epochs();
    const old = node(0);
    const survivor = node(1);
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 1_000, commit(old, 1, 1, 100, 500));
    hub.failoverStarted(0);
    hub.rewound(0, 1, 0, 0);
    old.wal.truncateAfter(0, (i) => hub.walDiscarded(old, i, 0));
    survivor.rowVersion[1] = 1;
    hub.converged([survivor]);
    expect(m.ledger.violations).toHaveLength(1);
  });
});

describe('split-brain interval and divergent writes', () => {
  it('a zombie primary acknowledging writes after a newer epoch began: divergent writes, and the overlap of the two epochs\' spans', () => {
    const { hub, m } = epochs();
    const zombie = node(0);
    const fresh = node(1);
    hub.failoverStarted(0);
    hub.promoted(rec({ epoch: 2, completedAtUs: 10_000 }));
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 9_000, commit(zombie, 1, 1, 100, 8_000)); // committed before epoch 2: not divergent
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 12_000, commit(zombie, 2, 2, 200, 11_000)); // after: divergent
    hub.writeAcked(op({ row: 3, invokeUs: 0 }), 15_000, commit(zombie, 3, 3, 300, 14_000)); // divergent
    hub.writeAcked(op({ row: 4, invokeUs: 0 }), 13_000, commit(fresh, 4, 4, 100, 12_500, 2)); // the new primary's
    // Divergent: the acks of writes committed at 11 and 14 ms (≥ 10 ms, epoch 2's promotion) = 2. Spans: epoch 1
    // [9, 15] ms, epoch 2 [13, 13] ms: they overlap at 13 ms only — one occurrence, 0 ms long.
    expect(m.ledger.splitBrain()).toEqual({ intervals: [{ group: 0, startUs: 13_000, endUs: 13_000 }], durationUs: 0, divergentWrites: 2 });
    // RTO ends at the new primary's first ack, 13 ms.
    expect(failoverSummaries(m.ledger, ['a', 'b'])[0]).toMatchObject({ rtoMs: 13, rtoEndsAt: 'first-write' });
    // Divergent writes are no yardstick for staleness: a read of row 2 returning 0 is not stale.
    hub.readServed(op({ write: false, row: 2, invokeUs: 20_000, session: 1 }), 0, 20_100);
    hub.readServed(op({ write: false, row: 4, invokeUs: 20_000, session: 1 }), 0, 20_100);
    expect(m.recorder.reads.stale).toBe(1);
  });

  it('with fencing on, a zombie\'s ack is an invariant violation', () => {
    const { hub, m } = measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: true, deposedDiverge: true }, { fencing: true });
    hub.failoverStarted(0);
    hub.promoted(rec({ epoch: 2, completedAtUs: 10_000 }));
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 12_000, commit(node(0), 2, 2, 200, 11_000));
    expect(m.ledger.violations).toHaveLength(1);
  });
});

/** An ack reaching its client at `ackUs` of a write the primary or leader of `epoch` (in `region`, `group`) committed at `commitUs`. */
let version = 100;
function ack(hub: EventHub, region: number, epoch: number, commitUs: number, ackUs: number, group = 0): void {
  const v = version++;
  hub.writeAcked(op({ row: v % 8, invokeUs: 0 }), ackUs, { node: { region }, version: v, lsn: v, epoch, commitUs, group });
}
const leaders = () => measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: true });
const promote = (hub: EventHub, epoch: number, to: number, atUs: number, tally: number, group = 0) =>
  hub.promoted(rec({ from: to - 1, to, epoch, startedAtUs: atUs - 1_000, completedAtUs: atUs, tally, group }));

describe('split-brain: maximal intervals in which two or more epochs\' primaries acknowledged writes', () => {
  it('two overlapping zombie episodes are one occurrence', () => {
    const { hub, m } = leaders();
    promote(hub, 2, 1, 10_000, 0);
    promote(hub, 3, 2, 20_000, 1);
    ack(hub, 0, 1, 900, 1_000);
    ack(hub, 0, 1, 24_000, 25_000); // epoch 1 committed after epoch 2 began (10 ms): divergent
    ack(hub, 1, 2, 10_500, 11_000);
    ack(hub, 1, 2, 29_000, 30_000); // epoch 2 committed after epoch 3 began (20 ms): divergent
    ack(hub, 2, 3, 21_000, 22_000);
    ack(hub, 2, 3, 39_000, 40_000);
    // Spans: epoch 1 [1, 25] ms, epoch 2 [11, 30] ms, epoch 3 [22, 40] ms. Two or more overlap from 11 ms
    // (epoch 2's first ack) to 30 ms (epoch 2's last; epoch 1 ended at 25 ms, inside): one interval, 19 ms.
    const sb = m.ledger.splitBrain();
    expect(sb.intervals).toEqual([{ group: 0, startUs: 11_000, endUs: 30_000 }]);
    expect(sb.durationUs).toBe(19_000);
    expect(sb.divergentWrites).toBe(2);
  });

  it('back-to-back episodes are two occurrences; spans that only touch overlap for an instant', () => {
    const { hub, m } = leaders();
    promote(hub, 2, 1, 10_000, 0);
    promote(hub, 3, 0, 40_000, 1);
    ack(hub, 0, 1, 500, 1_000);
    ack(hub, 0, 1, 14_000, 15_000); // divergent (≥ 10 ms)
    ack(hub, 1, 2, 11_000, 12_000);
    ack(hub, 1, 2, 29_000, 30_000);
    ack(hub, 1, 2, 44_000, 45_000); // divergent (≥ 40 ms)
    ack(hub, 0, 3, 41_000, 42_000);
    ack(hub, 0, 3, 59_000, 60_000);
    // Spans: epoch 1 [1, 15], epoch 2 [12, 45], epoch 3 [42, 60] ms. Two overlap in [12, 15] (3 ms) and in
    // [42, 45] (3 ms), with only epoch 2 acknowledging between: two occurrences, 6 ms, 2 divergent writes.
    expect(m.ledger.splitBrain()).toEqual({
      intervals: [{ group: 0, startUs: 12_000, endUs: 15_000 }, { group: 0, startUs: 42_000, endUs: 45_000 }], durationUs: 6_000, divergentWrites: 2,
    });
    // Touching: epoch 1's last ack and epoch 2's first at the same 10 ms — both acknowledged then: one 0 ms occurrence.
    const t = leaders();
    ack(t.hub, 0, 1, 0, 1_000);
    ack(t.hub, 0, 1, 9_000, 10_000);
    ack(t.hub, 1, 2, 9_500, 10_000);
    ack(t.hub, 1, 2, 19_000, 20_000);
    expect(t.m.ledger.splitBrain().intervals).toEqual([{ group: 0, startUs: 10_000, endUs: 10_000 }]);
  });

  it('a zombie acknowledging while the new leader has not acknowledged yet is no split-brain; its writes are divergent', () => {
    const { hub, m } = leaders();
    promote(hub, 2, 1, 10_000, 0);
    ack(hub, 0, 1, 500, 1_000);
    ack(hub, 0, 1, 11_000, 12_000); // divergent
    ack(hub, 0, 1, 13_000, 14_000); // divergent
    ack(hub, 1, 2, 19_000, 20_000);
    // Spans: epoch 1 [1, 14] ms, epoch 2 [20, 20] ms: never two at once — 0 occurrences, 0 ms; 2 divergent writes.
    expect(m.ledger.splitBrain()).toEqual({ intervals: [], durationUs: 0, divergentWrites: 2 });
    // RTO ends at epoch 2's first ack: 20 ms − the fault at 0 = 20 ms.
    expect(failoverSummaries(m.ledger, ['a', 'b'])[0]).toMatchObject({ rtoMs: 20, rtoEndsAt: 'first-write' });
  });

  it('leaders of different groups acknowledging side by side are no split-brain; each group\'s terms are its own epochs', () => {
    const { hub, m } = leaders();
    ack(hub, 0, 1, 0, 1_000, 0);
    ack(hub, 1, 1, 0, 1_000, 1);
    // Group 1 elects a term-2 leader at 50 ms: group 0's term-1 writes after it are not deposed.
    promote(hub, 2, 2, 50_000, 0, 1);
    ack(hub, 0, 1, 59_000, 60_000, 0);
    ack(hub, 1, 1, 59_000, 60_000, 1); // group 1's deposed term-1 leader: divergent
    ack(hub, 0, 1, 99_000, 100_000, 0);
    ack(hub, 1, 1, 99_000, 100_000, 1); // divergent
    // Group 0: one term [1, 100] ms. Group 1: term 1 [1, 100] ms, term 2 acknowledged nothing: no overlap
    // anywhere — 0 occurrences; 2 divergent writes (group 1's at 60 and 100 ms).
    expect(m.ledger.splitBrain()).toEqual({ intervals: [], durationUs: 0, divergentWrites: 2 });
  });
});

describe('the ledger\'s own ack marks', () => {
  it('records acks outside the WAL, in any order, and keeps memory to the WAL\'s retention', () => {
    const { hub, m } = epochs();
    const n = node(0);
    const write = (i: number) => commit(n, i, i % 8, i * 100, i * 10 - 5);
    const ack = (i: number, c: ReturnType<typeof commit>) => hub.writeAcked(op({ row: i % 8, invokeUs: 0 }), i * 10, c);
    // Acks out of WAL order (as clients in other regions hear theirs later): each pair's acks swapped.
    for (let i = 1; i <= 3_000; i += 2) {
      const a = write(i);
      ack(i + 1, write(i + 1));
      ack(i, a);
    }
    expect(m.ledger.ackMarks).toBe(3_000);
    // The window grew from 1 024 slots to 4 096 to hold WAL indices 0..2 999 (nothing was retired).
    expect(m.ledger.ackMarkSlots).toBe(4_096);
    // Keep the WAL's retention at about 1 000 records for 20 000 more writes: the window slides instead of growing.
    for (let i = 3_001; i <= 23_000; i++) {
      ack(i, write(i));
      if (i % 500 === 0) n.wal.trimThrough((i - 1_000) * 100);
    }
    expect(m.ledger.ackMarkSlots).toBe(4_096);
    // A rewind to LSN 2 299 400 discards writes 22 995–23 000, all acknowledged: 6 lost, 600 bytes.
    hub.failoverStarted(0);
    hub.rewound(0, 1, 2_299_400, 0);
    n.wal.truncateAfter(2_299_400, (i) => hub.walDiscarded(n, i, 0));
    expect(m.ledger.total).toMatchObject({ lostAckedWrites: 6, lostBytes: 600 });
  });
});
