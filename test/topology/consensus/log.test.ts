// The log's compaction, driven by hand: one entry table, three replica logs
// that append every entry as it is proposed and apply it (two at once, one
// 300 entries behind). The table's arrays of recent entries start at 1024
// slots, so compaction is due whenever a proposal finds them full; every
// expected number below is derived by hand in the comments.
import { describe, expect, it } from 'vitest';
import { EntryTable, ReplicaLog } from '../../../sim/topology/consensus/log.ts';

/** Proposes ids 1..n (term = 1 + ⌊id/1000⌋, row = id mod 97), appended by every log; log k has applied up to id − lag[k] when the next is proposed. */
function drive(n: number, lag: readonly number[]) {
  const table = new EntryTable();
  const logs = lag.map(() => new ReplicaLog(table));
  for (let id = 1; id <= n; id++) {
    logs.forEach((l, k) => (l.appliedIndex = Math.max(0, id - 1 - (lag[k] as number))));
    expect(table.add(1 + Math.floor(id / 1000), id % 97, 100 + id, 10 * id, 20 * id, id % 3)).toBe(id);
    for (const l of logs) expect(l.append(id)).toBe(id);
  }
  return { table, logs };
}

describe('consensus log compaction', () => {
  it('moves the prefix every replica applied into the shared array and keeps every index readable', () => {
    const { table, logs } = drive(5000, [0, 0, 300]);
    // The arrays fill at id 1024 (slots 0..1023): the slowest replica has applied 1023 − 300 = 723, so the prefix
    // becomes 1..723 and recent entries start at id 724; they fill again at 724 + 1024 = 1748 (prefix 1447), and so
    // every 724 ids: 2472, 3196, 3920, 4644, where the prefix becomes 4643 − 300 = 4343.
    expect(table.prefixLength).toBe(4343);
    expect(table.holds(4343)).toBe(false);
    expect(table.holds(4344)).toBe(true);
    for (const l of logs) {
      expect(l.lastIndex).toBe(5000);
      for (let i = 1; i <= 5000; i++) {
        expect(l.idAt(i)).toBe(i);
        expect(l.termAt(i)).toBe(1 + Math.floor(i / 1000));
      }
      expect(l.idAt(0)).toBe(0);
      expect(l.idAt(5001)).toBe(0);
      expect(l.slice(4340, 4346)).toEqual([4340, 4341, 4342, 4343, 4344, 4345, 4346]);
    }
    // Terms and bytes stay for every id; rows and times for the recent ones.
    expect(table.term(1)).toBe(1);
    expect(table.bytes(1)).toBe(101);
    for (const id of [4344, 4999, 5000]) {
      expect(table.row(id)).toBe(id % 97);
      expect(table.tsUs(id)).toBe(10 * id);
      expect(table.proposeUs(id)).toBe(20 * id);
      expect(table.region(id)).toBe(id % 3);
    }
  });

  it('compacts nothing while one replica has applied nothing', () => {
    const { table, logs } = drive(3000, [0, 0, 1e9]);
    expect(table.prefixLength).toBe(0);
    expect(table.holds(1)).toBe(true);
    expect(table.row(1)).toBe(1);
    expect(logs[2]!.idAt(1)).toBe(1);
  });

  it('a log truncated into the shared prefix (after a failed safety check) starts its own part afresh there', () => {
    const { table, logs } = drive(2000, [0, 0, 0]);
    // Fills at 1024 (prefix 1..1023) and at 1023 + 1024 = 2047 > 2000: prefix 1..1023.
    expect(table.prefixLength).toBe(1023);
    const [a, b] = logs as [ReplicaLog, ReplicaLog];
    a.truncateAfter(10);
    expect(a.lastIndex).toBe(10);
    expect(a.idAt(10)).toBe(10);
    expect(a.idAt(11)).toBe(0);
    const id = table.add(9, 5, 1, 0, 0, 0);
    expect(a.append(id)).toBe(11);
    expect(a.idAt(11)).toBe(2001);
    expect(a.termAt(11)).toBe(9);
    expect(b.idAt(11)).toBe(11);
  });
});
