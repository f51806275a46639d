// The acknowledged-write book: what it counts as lost, and that settling
// (forgetting writes every replica applied) changes no count.
import { describe, expect, it } from 'vitest';
import { AckedWrites } from '../../../sim/topology/consensus/acked.ts';
import type { RaftNode } from '../../../sim/topology/consensus/raft.ts';

function replica(ids: number[]): RaftNode {
  return { log: { idAt: (i: number) => (i >= 1 && i <= ids.length ? (ids[i - 1] as number) : 0) } } as unknown as RaftNode;
}

describe('acknowledged writes', () => {
  it('a write no replica holds at its index is lost', () => {
    const a = new AckedWrites();
    a.add(10, 1, 100);
    a.add(11, 2, 200);
    a.add(12, 3, 300);
    // Index 2 ended up holding entry 20 everywhere: write 11 (term 1, region 0) is gone.
    const lost = a.lostOn([replica([10, 20, 12]), replica([10, 20])]);
    expect(lost.count).toBe(1);
    expect(lost.ids).toEqual([11]);
    expect(lost.ackTimes).toEqual([200]);
  });

  it('settling keeps the counts: held writes are forgotten, a write whose index committed another entry stays lost', () => {
    const a = new AckedWrites();
    for (let i = 1; i <= 6; i++) a.add(100 + i, i, i * 10);
    const committed = [0, 101, 102, 999, 104, 105, 106];
    a.settle(4, (i) => committed[i] as number);
    // Kept: index 3 (lost: 999 committed there), indices 5 and 6 (not yet applied everywhere).
    expect(a.count).toBe(3);
    const lost = a.lostOn([replica([101, 102, 999, 104, 105, 106])]);
    expect(lost.ids).toEqual([103]);
  });
});
