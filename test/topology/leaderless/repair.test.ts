// Repair after a replica's one-minute crash (Dynamo §4.6, Cassandra's hinted
// handoff, read repair and anti-entropy), and last-writer-wins on a skewed
// clock against a CRDT (the Riak lesson, Jepsen 2013).
//
// Three regions 20/150/160 ms apart, one replica each; writes at ONE from
// regions 0 and 1 on 100 rows at 50/s until 65 s; region 2 crashes at 10 s and restarts
// at 70 s (its replica keeps what it had: durable).
import { describe, expect, it } from 'vitest';
import { drive, Harness, type HarnessOptions } from './harness.ts';

const RTT = [[0, 20_000, 150_000], [20_000, 0, 160_000], [150_000, 160_000, 0]];
const CRASH_US = 10_000_000;
const RESTART_US = 70_000_000;
const REPLAY_US = 10_000_000;

function crashRun(config: Partial<HarnessOptions['config']>, readsPerS = 0, writesUntilUs = 65_000_000, setRows = 0) {
  const h = new Harness({
    seed: 5, regions: 3, rttMatrixUs: RTT, intraRegionRttUs: 1000, rows: 100, setRows,
    config: { replicas: [1, 1, 1], write: 'ONE', read: 'ONE', ...config },
  });
  drive(h, { seed: 5, regions: 3, rows: 100, writesPerS: 50, readsPerS: 0, untilUs: writesUntilUs, writeRegions: [0, 1] });
  if (readsPerS > 0) drive(h, { seed: 6, regions: 2, rows: 100, writesPerS: 0, readsPerS, fromUs: RESTART_US, untilUs: 100_000_000 });
  h.at(CRASH_US, () => h.crash(2));
  h.at(RESTART_US, () => h.restart(2));
  return h;
}

/** Acknowledged writes that replica `i` does not reflect. */
function missing(h: Harness, i: number, ackedBeforeUs = Infinity, isSet = false): number[] {
  const f = h.topo.facts;
  const s = h.topo.stores[i]!;
  return h.acked
    .filter((a) => (f.ackUs[a.id] as number) < ackedBeforeUs)
    .filter((a) => !s.reflects(a.op.row, f.hi[a.id] as number, f.lo[a.id] as number, a.id, isSet))
    .map((a) => a.id);
}

describe('hinted handoff, read repair and anti-entropy after a one-minute replica crash', () => {
  it('hints: every write acknowledged before the restart reaches the crashed replica within one replay interval (plus a link delay)', () => {
    const h = crashRun({ hintedHandoff: { maxHintWindowUs: 3 * 3600e6, replayIntervalUs: REPLAY_US } });
    h.run(RESTART_US);
    expect(missing(h, 2).length, 'the crash made the replica miss writes').toBeGreaterThan(2000);
    h.run(RESTART_US + REPLAY_US + 200_000);
    expect(missing(h, 2, RESTART_US)).toEqual([]);
    expect(h.topo.hintsReplayed).toBeGreaterThan(2000);
  });

  it('hints past maxHintWindow (30 s here) are dropped, and the replica stays behind', () => {
    // Writes stop at 35 s, so every hint is older than 30 s at the first replay after the restart.
    const h = crashRun({ hintedHandoff: { maxHintWindowUs: 30_000_000, replayIntervalUs: REPLAY_US } }, 0, 35_000_000);
    h.run(RESTART_US + REPLAY_US + 200_000);
    expect(h.topo.hintsExpired).toBeGreaterThan(500);
    expect(missing(h, 2, RESTART_US).length).toBeGreaterThan(500);
  });

  it('without hints, nothing converges the replica by itself; anti-entropy (every 30 s) does', () => {
    const none = crashRun({});
    none.run(RESTART_US + 40_000_000);
    expect(missing(none, 2, RESTART_US).length).toBeGreaterThan(2000);
    const ae = crashRun({ antiEntropyIntervalUs: 30_000_000 });
    // The first exchange after the restart is at 90 s; it arrives one link delay later.
    ae.run(90_000_000 + 200_000);
    expect(missing(ae, 2, RESTART_US)).toEqual([]);
  });

  it('without hints, read repair (probability 1) converges every row that is read', () => {
    const h = crashRun({ readRepair: 1 }, 100);
    h.run(100_000_000 + 1_000_000);
    const read = new Set(h.reads.filter((r) => r.op.invokeUs >= RESTART_US).map((r) => r.op.row));
    expect(read.size).toBe(100);
    // Reads after the last write: a row's latest write before the repair reads reaches the replica.
    const f = h.topo.facts;
    const s = h.topo.stores[2]!;
    const stale = h.acked.filter((a) => (f.ackUs[a.id] as number) < RESTART_US && !s.reflects(a.op.row, f.hi[a.id] as number, f.lo[a.id] as number, a.id, false));
    expect(stale).toEqual([]);
    expect(h.topo.readRepairs).toBeGreaterThan(0);
  });
});

describe('set (CRDT) rows after the crash', () => {
  it('read repair (probability 1) brings every add acknowledged before the restart to the crashed replica, for every row read', () => {
    const h = crashRun({ readRepair: 1 }, 100, 65_000_000, 100);
    h.run(RESTART_US);
    expect(missing(h, 2, Infinity, true).length).toBeGreaterThan(2000);
    h.run(100_000_000 + 1_000_000);
    expect(new Set(h.reads.filter((r) => r.op.invokeUs >= RESTART_US).map((r) => r.op.row)).size).toBe(100);
    expect(missing(h, 2, RESTART_US, true)).toEqual([]);
  });

  it('anti-entropy does the same for every row', () => {
    const h = crashRun({ antiEntropyIntervalUs: 30_000_000 }, 0, 65_000_000, 100);
    h.run(90_000_000 + 200_000);
    expect(missing(h, 2, RESTART_US, true)).toEqual([]);
  });
});

describe('last-writer-wins on a clock 500 ms behind, at QUORUM', () => {
  function skewRun(setRows: number, timestamps: 'wallclock' | 'hlc' = 'wallclock', seed = 9) {
    const h = new Harness({
      seed, regions: 3, rttMatrixUs: RTT, intraRegionRttUs: 1000, rows: 10, setRows, clockOffsetUs: [0, 0, -500_000],
      config: { replicas: [1, 1, 1], write: 'QUORUM', read: 'QUORUM', timestamps },
    });
    drive(h, { seed, regions: 3, rows: 10, writesPerS: 20, readsPerS: 0, untilUs: 60_000_000 });
    h.run(70_000_000);
    return h;
  }

  it('loses acknowledged updates (an update acknowledged after another loses to it)', () => {
    const h = skewRun(0);
    expect(h.acked.length).toBeGreaterThan(1000);
    expect(h.conflicts.lostUpdates).toBeGreaterThan(20);
  });

  it('hybrid logical clocks lose far fewer (under half, seeds 9–11): region 2 stamps past what it has heard from the others', () => {
    for (const seed of [9, 10, 11]) {
      const wall = skewRun(0, 'wallclock', seed).conflicts.lostUpdates;
      const hlc = skewRun(0, 'hlc', seed).conflicts.lostUpdates;
      expect(hlc, `seed ${seed}: hlc ${hlc}, wall clock ${wall}`).toBeLessThan(wall / 2);
    }
  });

  it('the same table as a CRDT set loses none: every acknowledged add is on every replica and in every QUORUM read', () => {
    const h = skewRun(10);
    expect(h.conflicts.lostUpdates).toBe(0);
    for (const a of h.acked) expect(h.topo.everywhere(a.id)).toBe(true);
    for (let row = 0; row < 10; row++) h.read(0, row);
    h.run(80_000_000);
    const last = h.reads.slice(-10);
    for (const r of last) {
      const adds = h.acked.filter((a) => a.op.row === r.op.row).map((a) => a.id);
      expect(adds.every((id) => r.answer.members?.has(id))).toBe(true);
    }
  });
});
