// CDC channels: row changes through a partitioned log broker.
//
// Part 1 drives one channel directly (scheduler, network, two nodes, a
// Channel with a Broker; no topology, no clients): region A commits Poisson
// writes to uniformly chosen rows and ships at each commit; region B is the
// CDC target. B's arrivals are observed by wrapping `cdc.arrive` (each
// change's visibility time is its slot's `doneUs`), and B's rows are probed
// every millisecond. Part 2 runs whole scenarios through the real loader.
//
// Units: µs. The seed is fixed; REPSIM_TEST_SEED overrides it and every
// failure names the seed and the replay command.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../sim/core/scheduler.ts';
import { RngRoot } from '../../sim/core/rng.ts';
import { compileDist, type Dist } from '../../sim/core/distributions.ts';
import { Network } from '../../sim/world/network.ts';
import { DbNode } from '../../sim/db/node.ts';
import type { CdcSlot } from '../../sim/db/cdc-receiver.ts';
import { Channel } from '../../sim/db/channel.ts';
import { Broker } from '../../sim/db/broker.ts';
import { base, merge, replayCommand, run, type Spec } from '../helpers/scenario.ts';

const SEED = process.env['REPSIM_TEST_SEED'] ?? 'cdc-1';
const REPLAY = `REPSIM_TEST_SEED=${SEED} npx vitest run test/db/cdc.test.ts`;
const why = (what: string) => `${what} (seed ${SEED}; replay: ${REPLAY})`;

interface Harness {
  sched: Scheduler;
  net: Network;
  src: DbNode;
  tgt: DbNode;
  /** B's arrivals in arrival order (the slot holds the record and its visibility time). */
  arrivals: CdcSlot[];
  /** Times a probe saw some row's version on B go down. */
  regressions: number;
  /** Broker deliveries kept for later because B was not up. */
  parked: number;
  /** Batches B refused because an earlier one was lost (a resend was asked for). */
  gaps: number;
}

interface HarnessOptions {
  rows: number;
  writesPerS: number;
  /** Writes stop at this time, µs. */
  writeUntilUs: number;
  delay: Dist;
  partitions: number;
  throughputPerS: number;
  /** Called once the harness is built, to schedule faults. */
  faults?: (h: Harness) => void;
}

function harness(o: HarnessOptions): Harness {
  const sched = new Scheduler();
  const rng = new RngRoot(SEED);
  const net = new Network(sched, rng, {
    regionIds: ['A', 'B'], rttUs: [[0, 2000], [2000, 0]], jitter: () => 0, bandwidthBytesPerS: 1e13, intraRegionRttUs: 1000, loss: 0,
  });
  const applyTime = compileDist({ dist: 'constant', value: 50 });
  const mk = (region: number) => new DbNode({ region, rowCount: o.rows, applyTime, applyRng: rng.stream(`apply/${region}`), onApplied: () => {} });
  const src = mk(0);
  const tgt = mk(1);
  src.role = 'primary';
  src.epoch = tgt.epoch = 1;
  const arrivals: CdcSlot[] = [];
  const arrive = tgt.cdc.arrive.bind(tgt.cdc);
  tgt.cdc.arrive = (slot, nowUs) => {
    const moved = arrive(slot, nowUs);
    if (slot.gen === 0) arrivals.push(slot);
    return moved;
  };
  const consume = tgt.whenConsuming.bind(tgt);
  tgt.whenConsuming = (fn) => {
    if (!tgt.isUp) h.parked++;
    consume(fn);
  };
  const expectCdc = tgt.cdc.expect.bind(tgt.cdc);
  tgt.cdc.expect = (records, startLsn, endLsn) => {
    const slots = expectCdc(records, startLsn, endLsn);
    if (slots === null) h.gaps++;
    return slots;
  };
  const broker = new Broker({
    partitions: o.partitions, throughputPerS: o.throughputPerS, delay: compileDist(o.delay), rngOf: (i) => rng.stream(`cdc/p${i}`),
  });
  const ch = new Channel({ sched, net, source: src, target: tgt, filtered: new Set(), broker, onAck: () => {}, onReceived: () => {}, reportApplied: false });
  const h: Harness = { sched, net, src, tgt, arrivals, regressions: 0, parked: 0, gaps: 0 };

  const wrng = rng.stream('writes');
  let seq = 0;
  const commit = () => {
    const now = sched.now;
    if (now >= o.writeUntilUs) return;
    const row = Math.floor(wrng.next() * o.rows);
    seq++;
    src.commitLocal({ lsnEnd: src.wal.endLsn + 100, writeId: seq, rowId: row, table: 0, bytes: 100, commitUs: now, origin: 0, epoch: 1 });
    ch.ship();
    sched.after(Math.max(1, Math.round(-Math.log(1 - wrng.next()) * (1e6 / o.writesPerS))), commit, undefined);
  };
  sched.after(1, commit, undefined);
  // Every 100 ms: ship again (resumes after a cut, as the topology's ticker does).
  const tick = () => {
    ch.ship();
    sched.after(100_000, tick, undefined);
  };
  sched.after(100_000, tick, undefined);
  const seen = new Float64Array(o.rows);
  const probe = () => {
    h.tgt.advance(sched.now);
    for (let r = 0; r < o.rows; r++) {
      const v = h.tgt.rowVersion[r] as number;
      if (v < (seen[r] as number)) h.regressions++;
      seen[r] = v;
    }
    sched.after(1000, probe, undefined);
  };
  sched.after(1000, probe, undefined);
  o.faults?.(h);
  return h;
}

/** Visibility order on B: arrivals sorted by completion time (ties: arrival order, which the apply server keeps). */
function byVisibility(arrivals: readonly CdcSlot[]): CdcSlot[] {
  return arrivals.map((s, i) => ({ s, i })).sort((a, b) => a.s.doneUs - b.s.doneUs || a.i - b.i).map((x) => x.s);
}

describe('CDC broker ordering', () => {
  // 20 rows, 400 writes/s for 20 s (8000 writes), broker delay uniform
  // 0–200 ms (jitter 10× the mean gap between writes to one row, 50 ms),
  // 4 partitions at 50 000/s.
  const opts: HarnessOptions = {
    rows: 20, writesPerS: 400, writeUntilUs: 20e6, delay: { dist: 'uniform', min: 0, max: 200_000 }, partitions: 4, throughputPerS: 50_000,
  };

  it('never applies two writes to one row out of order, even with large delay jitter', () => {
    const h = harness(opts);
    h.sched.run(25e6);
    expect(h.arrivals.length, why('every write arrived once')).toBe(h.src.wal.length);
    const last = new Float64Array(opts.rows);
    let inversions = 0;
    for (const s of byVisibility(h.arrivals)) {
      if (s.rec.writeId < (last[s.rec.rowId] as number)) inversions++;
      last[s.rec.rowId] = s.rec.writeId;
    }
    expect(inversions, why('per-row visibility order = write order')).toBe(0);
    expect(h.regressions, why('a probed row version never went down')).toBe(0);
  });

  it('does apply writes to different rows out of LSN order', () => {
    const h = harness(opts);
    h.sched.run(25e6);
    // Adjacent pairs in visibility order whose LSNs are inverted.
    const vis = byVisibility(h.arrivals);
    let inverted = 0;
    for (let i = 1; i < vis.length; i++) if ((vis[i] as CdcSlot).rec.lsnEnd < (vis[i - 1] as CdcSlot).rec.lsnEnd) inverted++;
    // With delays spread over 200 ms and 80 writes in flight per 200 ms, most neighbours are inverted; demand 10 %.
    expect(inverted, why('cross-row reordering happens')).toBeGreaterThan(vis.length / 10);
    // Yet the watermark reaches the end and the WAL holds every write in LSN order.
    expect(h.tgt.receivedLsn, why('watermark caught up')).toBe(h.src.wal.endLsn);
    expect(h.tgt.wal.length, why('target WAL complete')).toBe(h.src.wal.length);
  });

  it('a promoted target shows exactly what its WAL holds: changes delivered ahead of the watermark are undone', () => {
    const h = harness(opts);
    h.sched.run(10e6);
    h.tgt.advance(Infinity);
    const newestInWal = new Float64Array(opts.rows);
    const wal = h.tgt.wal;
    for (let i = wal.firstIndex; i < wal.endIndex; i++) newestInWal[wal.get(i, 'rowId')] = Math.max(newestInWal[wal.get(i, 'rowId')] as number, wal.get(i, 'writeId'));
    let ahead = 0;
    for (let r = 0; r < opts.rows; r++) if ((h.tgt.rowVersion[r] as number) > (newestInWal[r] as number)) ahead++;
    // Mid-stream with 200 ms of delay spread, some rows show a change whose earlier neighbours in LSN order have not arrived.
    expect(ahead, why('rows ahead of the watermark before promotion')).toBeGreaterThan(0);
    const lsn = h.tgt.receivedLsn;
    h.tgt.settleCdc();
    for (let r = 0; r < opts.rows; r++) expect(h.tgt.rowVersion[r], why(`row ${r} after promotion = newest write in the WAL`)).toBe(newestInWal[r]);
    expect(h.tgt.receivedLsn, why('the watermark stays where it was')).toBe(lsn);
    expect(h.tgt.wal.length, why('the WAL is untouched')).toBe(wal.length);
  });

  it('converges after a partition heals (and after the target crashes and restarts)', () => {
    const h = harness({
      ...opts,
      faults: (x) => {
        x.sched.at(5e6, () => { x.net.cut(0, 1); x.net.cut(1, 0); }, undefined);
        x.sched.at(8e6, () => { x.net.heal(0, 1); x.net.heal(1, 0); }, undefined);
        x.sched.at(12e6, () => x.tgt.stop('crashed', x.sched.now), undefined);
        x.sched.at(13e6, () => x.tgt.resume(x.sched.now), undefined);
      },
    });
    h.sched.run(30e6);
    h.tgt.advance(h.sched.now);
    expect(h.net.dropped, why('the cut dropped batches in flight')).toBeGreaterThan(0);
    expect(h.parked, why('broker deliveries waited out the crash')).toBeGreaterThan(0);
    expect(h.gaps, why('a batch lost to the crash was asked for again')).toBeGreaterThan(0);
    let differ = 0;
    for (let r = 0; r < opts.rows; r++) if (h.tgt.rowVersion[r] !== h.src.rowVersion[r]) differ++;
    expect(differ, why('rows differing from the primary at the end')).toBe(0);
    expect(h.tgt.receivedLsn, why('watermark caught up')).toBe(h.src.wal.endLsn);
    expect(h.tgt.appliedLsn, why('applied through the end')).toBe(h.src.wal.endLsn);
    expect(h.regressions, why('a probed row version never went down')).toBe(0);
  });
});

describe('CDC in the model', () => {
  function spec(channel: 'wal' | 'cdc', over: Spec = {}): Spec {
    // 200 writes/s at A for 120 s, 1000 rows uniform; broker 256 partitions at 10M/s (0.1 µs each).
    return merge(
      merge(base(`cdc-lag-${channel}`), {
        duration: '120s',
        topology: { replication: { channel, cdcDelay: { dist: 'exponential', mean: '20ms' }, cdcPartitions: 256, cdcThroughput: '10000000/s' } },
        workload: { regions: { A: { writes: '200/s' } } },
      }),
      over,
    );
  }

  it('mean lag with cdc = wal lag + mean broker delay (+ resequencing) within 3 %', () => {
    // Each change waits its broker delay D ~ Exp(m = 20 ms), plus 0.1 µs of
    // partition service, plus the wait behind an earlier change on its
    // partition that drew a longer delay (FIFO). Per partition, changes
    // come at λp ≈ 200/256 = 0.78/s; to first order in λp·m that
    // resequencing wait is λp·E[((D1 − D2)⁺)²]/2 = λp·m²/2 = 0.16 ms.
    // The apply stage is nearly idle (ρ = 200 · 50 µs = 1 %) either way.
    //   expected cdc − wal = 20 + 0.0001 + 0.16 = 20.16 ms.
    // SD of the mean of 24 000 Exp(20 ms) draws: 0.13 ms (0.6 %); 3 % ≈ 5 SD.
    const wal = run(spec('wal'), { seed: 7 }).summary.metrics.replication.lagMs.mean;
    const cdcSpec = spec('cdc');
    const cdc = run(cdcSpec, { seed: 7 }).summary.metrics.replication.lagMs.mean;
    const expected = wal + 20 + 0.0001 + ((200 / 256) * 0.02 ** 2 / 2) * 1000;
    if (process.env['REPSIM_TEST_LOG']) console.log(`cdc lag ${cdc} ms, wal lag ${wal} ms, expected cdc ${expected.toFixed(3)} ms`);
    expect(Math.abs(cdc - expected) / expected, `cdc mean lag ${cdc} vs expected ${expected.toFixed(3)} ms; replay: ${replayCommand(cdcSpec, 7)}`).toBeLessThan(0.03);
  });

  it('same seed twice gives the same summary, with a partition fault', () => {
    const s = spec('cdc', {
      duration: '30s',
      topology: { replication: { cdcPartitions: 4, cdcDelay: { dist: 'uniform', min: '0ms', max: '100ms' } } },
      faults: [{ at: '10s', partition: { isolate: 'B' }, for: '3s' }],
    });
    const a = JSON.stringify(run(s, { seed: 3 }).summary);
    const b = JSON.stringify(run(s, { seed: 3 }).summary);
    expect(a, `replay: ${replayCommand(s, 3)}`).toBe(b);
    const c = JSON.stringify(run(s, { seed: 4 }).summary);
    expect(c, 'a different seed changes the run').not.toBe(a);
  });
});
