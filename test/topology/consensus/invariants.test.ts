// The consensus safety checks on hand-made replica states: each one fires on
// the history that breaks it and stays quiet on the one that does not.
import { describe, expect, it } from 'vitest';
import { ConsensusInvariants } from '../../../sim/topology/consensus/invariants.ts';
import type { RaftNode } from '../../../sim/topology/consensus/raft.ts';

/** A replica as the checks see it: id, term, durable index and its log's ids by index. */
function replica(id: number, term: number, ids: number[], durableIndex = ids.length): RaftNode {
  return { id, term, durableIndex, log: { idAt: (i: number) => (i >= 1 && i <= ids.length ? (ids[i - 1] as number) : 0) } } as unknown as RaftNode;
}

describe('consensus invariants', () => {
  it('at most one leader per term', () => {
    const a = replica(0, 3, []);
    const b = replica(1, 3, []);
    const inv = new ConsensusInvariants([a, b], [0, 1], 2);
    inv.leaderElected(a);
    inv.leaderElected(a);
    expect(inv.violations).toEqual([]);
    inv.leaderElected(b);
    expect(inv.violations[0]).toMatch(/at most one leader per term — replicas 0 and 1 both lead term 3/);
  });

  it('leader completeness: a new leader must hold every committed entry', () => {
    const full = replica(0, 2, [11, 12, 13]);
    const short = replica(1, 2, [11, 12]);
    const inv = new ConsensusInvariants([full, short], [0, 1], 2);
    inv.committed(1, 11, 0);
    inv.committed(2, 12, 0);
    inv.committed(3, 13, 0);
    inv.leaderElected(full);
    expect(inv.violations).toEqual([]);
    inv.leaderElected(replica(1, 3, [11, 12]));
    expect(inv.violations[0]).toMatch(/leader completeness — replica 1, leader of term 3, lacks committed entry 13 at index 3/);
  });

  it('a committed index never changes', () => {
    const inv = new ConsensusInvariants([], [], 1);
    inv.committed(5, 40, 0);
    inv.committed(5, 40, 1);
    expect(inv.violations).toEqual([]);
    inv.committed(5, 41, 2);
    expect(inv.violations[0]).toMatch(/index 5 held entry 40, replica 2 committed 41/);
  });

  it('an acknowledged write is durable on a majority of voters', () => {
    const nodes = [replica(0, 1, [7, 8]), replica(1, 1, [7, 8], 1), replica(2, 1, [7])];
    const inv = new ConsensusInvariants(nodes, [0, 1, 2], 2);
    inv.acknowledging(1, 7);
    expect(inv.violations).toEqual([]);
    // Index 2 is durable only on replica 0 (replica 1 holds it but has not made it durable).
    inv.acknowledging(2, 8);
    expect(inv.violations[0]).toMatch(/entry 8 at index 2 is durable on 1 of 3 voters/);
  });

  it('no leaseholder read once a newer leader serves: a violation within the clock bound, a counted hazard beyond it', () => {
    const old = replica(0, 1, []);
    const inv = new ConsensusInvariants([old], [0], 1);
    inv.serving(2, 10_000);
    inv.leaseRead(old, 9_999, true);
    expect(inv.violations).toEqual([]);
    inv.leaseRead(old, 10_000, false);
    expect(inv.violations).toEqual([]);
    expect(inv.leaseReadsBeyondClockBound).toBe(1);
    inv.leaseRead(old, 10_001, true);
    expect(inv.violations[0]).toMatch(/no read under an expired lease — replica 0 \(term 1\)/);
  });
});
