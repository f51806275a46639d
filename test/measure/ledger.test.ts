// SPEC §2 write definitions on hand-written event sequences: a lost
// acknowledged write (RPO) and a split-brain interval with its divergent
// writes. Expected numbers are derived by hand beside each assertion.
import { describe, expect, it } from 'vitest';
import { commit, measured, node, op } from './helpers.ts';
import type { FailoverRecord } from '../../sim/measure/events.ts';
import { failoverSummaries } from '../../sim/measure/failovers.ts';

const epochs = () => measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: true });
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
  it('a zombie primary acknowledging writes after a newer epoch began opens one episode from its first to its last such ack', () => {
    const { hub, m } = epochs();
    const zombie = node(0);
    const fresh = node(1);
    hub.failoverStarted(0);
    hub.promoted(rec({ epoch: 2, completedAtUs: 10_000 }));
    hub.writeAcked(op({ row: 1, invokeUs: 0 }), 9_000, commit(zombie, 1, 1, 100, 8_000)); // committed before epoch 2: not divergent
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 12_000, commit(zombie, 2, 2, 200, 11_000)); // after: divergent
    hub.writeAcked(op({ row: 3, invokeUs: 0 }), 15_000, commit(zombie, 3, 3, 300, 14_000)); // divergent
    hub.writeAcked(op({ row: 4, invokeUs: 0 }), 13_000, commit(fresh, 4, 4, 100, 12_500, 2)); // the new primary's
    expect(m.ledger.zombieEpisodes).toEqual([{ zombie: 0, epoch: 1, firstAckUs: 12_000, lastAckUs: 15_000, divergentWrites: 2 }]);
    // RTO ends at the new primary's first ack, 13 ms.
    expect(failoverSummaries(m.ledger, ['a', 'b'])[0]).toMatchObject({ rtoMs: 13, rtoEndsAt: 'first-write' });
    // Divergent writes are no yardstick for staleness: a read of row 2 returning 0 is not stale.
    hub.readServed(op({ write: false, row: 2, invokeUs: 20_000, session: 1 }), 0, 20_100);
    hub.readServed(op({ write: false, row: 4, invokeUs: 20_000, session: 1 }), 0, 20_100);
    expect(m.recorder.reads.stale).toBe(1);
  });

  it('with fencing on, a zombie\'s ack is an invariant violation', () => {
    const { hub, m } = measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: true }, { fencing: true });
    hub.failoverStarted(0);
    hub.promoted(rec({ epoch: 2, completedAtUs: 10_000 }));
    hub.writeAcked(op({ row: 2, invokeUs: 0 }), 12_000, commit(node(0), 2, 2, 200, 11_000));
    expect(m.ledger.violations).toHaveLength(1);
  });
});
