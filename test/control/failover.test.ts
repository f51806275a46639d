// Failover stories with hand-derived numbers: RPO of async / semi-sync under
// an outage and a crash, RTO, split-brain with and without fencing, commit
// latency of sync modes, lease fencing, and run-to-run determinism.
//
// World (unless a test says otherwise): regions A (primary) and B
// (replica, hosts the controller), RTT 70 ms → one-way d = 35 ms, no jitter,
// 10 TB/s links, WAL shipped every S = 10 ms (ticks at k·S from t = 0),
// heartbeat H = 1 s (pings at k·H), detectionTimeout D = 10 s, STONITH 2 s,
// promotionTime 1 s, dnsTtl 30 s, client timeout 5 s. Same-region clients
// get answers after the intra-region RTT (1 ms); the ack of a commit made
// on arrival is counted then.
//
// Counting tolerances: writes arrive as a Poisson process, so the number
// committed in a fixed window of length w is Poisson(λw): SD √(λw). Checks
// allow 5 SD per run: a correct model fails one with p ≈ 1e-6 at λw = 100,
// 3e-5 at the smallest window here (λw = 6.25, where the Poisson tail is
// heavier than the normal one). The seeds are fixed, so the suite is
// deterministic; REPSIM_TEST_SEED shifts them.
// REPSIM_TEST_LOG=1 prints each measured value beside its expectation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base, merge, replayCommand, run, type Spec } from '../helpers/scenario.ts';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { simulate } from '../../sim/run.ts';

const SEED = Number(process.env['REPSIM_TEST_SEED'] ?? 11);
const S_US = 10_000; // shipInterval
const D_US = 35_000; // one-way delay A↔B
const Z = 5;

function foSpec(name: string, over: Spec): Spec {
  return merge(
    merge(base(name), {
      duration: '21s',
      network: { rtt: { A: { B: '70ms' } } },
      topology: { replication: { shipInterval: '10ms' } },
      failover: {
        mode: 'automatic', controller: 'B', heartbeatInterval: '1s', detectionTimeout: '10s', maxDataLoss: '5s',
        fencing: 'stonith', stonithDelay: '2s', promotionTime: '1s', dnsTtl: '30s',
      },
    }),
    over,
  );
}

/** Prints a measured value when REPSIM_TEST_LOG is set. */
function log(line: string): void {
  if (process.env['REPSIM_TEST_LOG']) console.log(line);
}

/** |observed − λw| within Z Poisson SDs of λw. */
function expectPoisson(what: string, observed: number, mean: number, msg: string): void {
  const sd = Math.sqrt(Math.max(mean, 1));
  log(`${what}: observed ${observed}, expected ${mean.toFixed(1)}`);
  expect(Math.abs(observed - mean), `${what}: observed ${observed}, expected ${mean.toFixed(1)} ± ${(Z * sd).toFixed(1)} (5 SD); ${msg}`).toBeLessThanOrEqual(Z * sd);
}

/** Largest multiple of S strictly before t (a batch shipped then left before an event at t). */
const tickBefore = (tUs: number) => Math.floor((tUs - 1) / S_US) * S_US;

// Outage/crash instants 8 s + φ: the four phases put (t0 − d) and t0 at
// 1.25, 3.75, 6.25, 8.75 ms after a tick, uniformly over S, so the average of
// any "time since the last tick" over them is exactly S/2 = 5 ms.
const PHASES_US = [8_001_250, 8_003_750, 8_006_250, 8_008_750];

describe('RPO of an async primary', () => {
  // Detection for every phase: the ping of 8.0 s would answer at 8.07 s,
  // after the fault, so the last answer is from the ping of 7.0 s; failover
  // starts at 17 s, STONITH 19 s, promotion of B at 20 s. The lost writes
  // are counted when the old timeline is discarded (rejoin or end of run).
  const RATE = 5000;

  it('(1a) outage of the primary region, writes from its own clients: loses λ·(d + time since the last shipped tick) — on average λ(d + S/2)', () => {
    // Clients in A get their ack 1 ms after the commit, so everything A
    // committed before t0 counts as acknowledged. B holds what arrived
    // before the cut: the batches of ticks t_j with t_j + d < t0, i.e.
    // commits before t_j = tickBefore(t0 − d). Lost = commits in
    // [t_j, t0): λ·(t0 − t_j) = λ·(d + (t0 − d − t_j)). Over the four
    // phases (t0 − d − t_j) = 6.25, 8.75, 1.25, 3.75 ms: mean S/2, so the
    // mean window is d + S/2 = 40 ms and λ·40 ms = 200 writes per outage.
    let lost = 0;
    let expected = 0;
    PHASES_US.forEach((t0, i) => {
      const spec = foSpec('rpo-outage-local', {
        workload: { regions: { A: { writes: `${RATE}/s` } } },
        faults: [{ at: `${t0}us`, outage: { region: 'A' } }],
      });
      const seed = SEED + i;
      const msg = `seed ${seed}; replay: ${replayCommand(spec, seed)}`;
      const m = run(spec, { seed }).summary.metrics;
      expect(m.failovers.map((f) => [f.from, f.to, f.startedAtMs, f.completedAtMs]), msg).toEqual([['A', 'B', 17_000, 20_000]]);
      const windowUs = t0 - tickBefore(t0 - D_US);
      expectPoisson(`lost acked writes, outage at ${t0 / 1e6} s (window ${windowUs / 1000} ms)`, m.rpo.lostAckedWrites, (RATE * windowUs) / 1e6, msg);
      expect(m.failovers[0]?.lostAckedWrites, `per-failover tally = total; ${msg}`).toBe(m.rpo.lostAckedWrites);
      lost += m.rpo.lostAckedWrites;
      expected += (RATE * windowUs) / 1e6;
    });
    expect(expected).toBeCloseTo(4 * RATE * (D_US + S_US / 2) / 1e6, 6);
    expectPoisson('lost acked writes over the four phases (mean window d + S/2)', lost, expected, `seeds ${SEED}..${SEED + 3}`);
  });

  it('(1b) same outage, writes from the replica region B: the ack also needs d to come back, so d cancels: ≈ λ·S/2', () => {
    // B's client sends at s, A commits at c = s + d, the ack reaches B at
    // c + d. The cut drops acks in flight, so only commits with c + d < t0
    // are acknowledged; B holds commits before t_j = tickBefore(t0 − d).
    // Lost = commits in [t_j, t0 − d): window t0 − d − t_j, mean S/2 over the
    // phases — the in-flight delay d is not lost, because its acks are lost too.
    // (In general: loss ≈ λ·(d_P→candidate − d_P→client + S/2).)
    let lost = 0;
    let expected = 0;
    PHASES_US.forEach((t0, i) => {
      const spec = foSpec('rpo-outage-remote', {
        workload: { regions: { B: { writes: `${RATE}/s` } } },
        faults: [{ at: `${t0}us`, outage: { region: 'A' } }],
      });
      const seed = SEED + i;
      const msg = `seed ${seed}; replay: ${replayCommand(spec, seed)}`;
      const m = run(spec, { seed }).summary.metrics;
      const windowUs = t0 - D_US - tickBefore(t0 - D_US);
      expectPoisson(`lost acked writes, outage at ${t0 / 1e6} s (window ${windowUs / 1000} ms)`, m.rpo.lostAckedWrites, (RATE * windowUs) / 1e6, msg);
      lost += m.rpo.lostAckedWrites;
      expected += (RATE * windowUs) / 1e6;
    });
    expect(expected).toBeCloseTo(4 * RATE * (S_US / 2) / 1e6, 6);
    expectPoisson('lost acked writes over the four phases (mean window S/2)', lost, expected, `seeds ${SEED}..${SEED + 3}`);
    // λ(d + S/2) would be 800 here: clearly not what happens.
    expect(lost).toBeLessThan(0.5 * 4 * RATE * (D_US + S_US / 2) / 1e6);
  });

  it('(1c) three regions, clients in a replica region nearer to A than the candidate: loss ≈ λ·(d_A→B − d_A→C + S/2)', () => {
    // A primary; candidate B at d = 35 ms (controller there, candidate
    // pinned to B); clients in C at d_C = 10 ms (RTT A–C 20 ms, B–C 80 ms).
    // Acked: commits with c + d_C < t0. On B: commits before
    // tickBefore(t0 − d). Lost window: [tickBefore(t0 − d), t0 − d_C), i.e.
    // (d − d_C) + (t0 − d − t_j): 25 ms + 6.25 … 3.75 ms, mean 30 ms → 150/run.
    const DC_US = 10_000;
    let lost = 0;
    let expected = 0;
    PHASES_US.forEach((t0, i) => {
      const spec = foSpec('rpo-outage-third', {
        regions: [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
        network: { rtt: { A: { B: '70ms', C: '20ms' }, B: { C: '80ms' } } },
        failover: { candidate: 'B' },
        workload: { regions: { C: { writes: `${RATE}/s` } } },
        faults: [{ at: `${t0}us`, outage: { region: 'A' } }],
      });
      const seed = SEED + i;
      const msg = `seed ${seed}; replay: ${replayCommand(spec, seed)}`;
      const m = run(spec, { seed }).summary.metrics;
      expect(m.failovers.map((f) => f.to), msg).toEqual(['B']);
      const windowUs = t0 - DC_US - tickBefore(t0 - D_US);
      expectPoisson(`lost acked writes, outage at ${t0 / 1e6} s (window ${windowUs / 1000} ms)`, m.rpo.lostAckedWrites, (RATE * windowUs) / 1e6, msg);
      lost += m.rpo.lostAckedWrites;
      expected += (RATE * windowUs) / 1e6;
    });
    expect(expected).toBeCloseTo(4 * RATE * (D_US - DC_US + S_US / 2) / 1e6, 6);
    expectPoisson('lost acked writes over the four phases', lost, expected, `seeds ${SEED}..${SEED + 3}`);
  });

  // MODEL BUG (sim/topology/single-primary/single-primary.ts, replyWrite/localAnswerUs with
  // writeReplyArrivedAt): a same-region write is committed on arrival and its
  // ack is booked at once with ackUs = invoke + 1 ms (the intra-region RTT),
  // without checking whether the client can still receive it at that time.
  // When the region goes dark (outage: "node, clients and links go dark
  // together") within that 1 ms, the client is gone, yet the write is
  // recorded as acknowledged — in the history (an `ok` after the outage
  // began), in writes.acked, and as lost acknowledged writes (RPO). At
  // 5000/s that is λ·1 ms ≈ 5 writes per outage (see REPSIM_TEST_LOG output).
  it.fails('(1d) no client in a region that went dark receives an ack after the outage began [fails: local acks are booked at commit time]', () => {
    const t0 = PHASES_US[0] as number;
    const spec = foSpec('rpo-outage-dark-acks', {
      workload: { regions: { A: { writes: `${RATE}/s` } } },
      faults: [{ at: `${t0}us`, outage: { region: 'A' } }],
    });
    const r = run(spec, { seed: SEED, history: true });
    const late = r.history.filter((h) => h.type === 'ok' && h.region === 'A' && h.timeUs > t0);
    log(`acks to dark clients after the outage: ${late.length}`);
    expect(late.length, `acks delivered to A's clients after the outage at ${t0} µs (first at ${late[0]?.timeUs} µs); seed ${SEED}; replay: ${replayCommand(spec, SEED)}`).toBe(0);
  });

  it('(2) crash of the primary node alone: batches already sent are delivered, so only the unsent tail is lost (λ·S/2 on average); 0 with shipInterval 0', () => {
    // The network stays up: the batch of the last tick before t0 arrives.
    // Lost = commits in [tickBefore(t0), t0): window φ = 1.25 … 8.75 ms,
    // mean S/2. With shipInterval 0 every commit leaves at once: nothing lost.
    let lost = 0;
    let expected = 0;
    PHASES_US.forEach((t0, i) => {
      const seed = SEED + i;
      for (const ship of ['10ms', '0ms']) {
        const spec = foSpec('rpo-crash', {
          topology: { replication: { shipInterval: ship } },
          workload: { regions: { A: { writes: `${RATE}/s` } } },
          faults: [{ at: `${t0}us`, crash: { region: 'A' } }],
        });
        const msg = `shipInterval ${ship}; seed ${seed}; replay: ${replayCommand(spec, seed)}`;
        const m = run(spec, { seed }).summary.metrics;
        expect(m.failovers.length, msg).toBe(1);
        if (ship === '0ms') {
          expect(m.rpo.lostAckedWrites, `crash with shipInterval 0 must lose nothing; ${msg}`).toBe(0);
          continue;
        }
        const windowUs = t0 - tickBefore(t0);
        expectPoisson(`lost acked writes, crash at ${t0 / 1e6} s (window ${windowUs / 1000} ms)`, m.rpo.lostAckedWrites, (RATE * windowUs) / 1e6, msg);
        lost += m.rpo.lostAckedWrites;
        expected += (RATE * windowUs) / 1e6;
      }
    });
    expectPoisson('lost acked writes over the four crash phases (mean window S/2)', lost, expected, `seeds ${SEED}..${SEED + 3}`);
  });

  it('(3) semi-sync loses nothing in the same outage, and pays the RTT to B on every commit', () => {
    // A commit is acknowledged only after B has received it (the 0.5 ms local
    // request to A, d there, d for B's ack back, then the 0.5 ms local
    // answer): latency 71 ms, and every acknowledged write is on B when A
    // goes dark.
    PHASES_US.forEach((t0, i) => {
      const spec = foSpec('rpo-semisync', {
        topology: { replication: { mode: 'semi-sync' } },
        workload: { regions: { A: { writes: `${RATE}/s` } } },
        faults: [{ at: `${t0}us`, outage: { region: 'A' } }],
      });
      const seed = SEED + i;
      const msg = `seed ${seed}; replay: ${replayCommand(spec, seed)}`;
      const m = run(spec, { seed }).summary.metrics;
      expect(m.failovers.length, msg).toBe(1);
      expect(m.writes.acked, msg).toBeGreaterThan(RATE * 7);
      expect(m.rpo.lostAckedWrites, `semi-sync lost acknowledged writes; ${msg}`).toBe(0);
      expect(m.writes.latencyMs.p50, msg).toBeCloseTo(71, 3);
    });
  });
});

describe('(4) RTO', () => {
  // Outage of A at t0, writes from B (1000/s), none from A. The controller
  // counts silence from the *send time* of the last answered ping, t_L =
  // the last k·H with k·H + 2d < t0. Failover starts at the first tick with
  // now − t_L ≥ D, i.e. t_L + D; STONITH takes 2 s, promotion 1 s:
  // completed at t_L + D + 2 s + 1 s. RTO = first ack by B − t0
  //   = (t_L + 13 s − t0) + ε,
  // ε = wait for B's router to re-resolve + the next write + the 1 ms
  // local RTT. B's clients' requests to A fail at once (the link is cut),
  // and each failure invalidates the router's cached address clientTimeout
  // (5 s) later; those invalidations keep coming at λ = 1000/s, so right
  // after the promotion the next one and the next write each come within
  // ~1 ms: ε ≈ 3 ms, and P(ε > 30 ms) < 1e-10.
  // Since t0 − t_L ∈ [2d, H + 2d), RTO ∈ (D + 3 s − H − 2d, D + 3 s − 2d] + ε:
  // detection counts from the last heartbeat, not from the fault, so it is
  // *at most* D (+ stonith + promotion), and up to one heartbeat less.
  // DNS TTL does not enter: a failing request re-resolves early.
  const cases = [
    { t0: 20_500_000, tL: 20_000_000 }, // pong of 20.0 s back at 20.07 s, before the fault
    { t0: 20_050_000, tL: 19_000_000 }, // pong of 20.0 s was in flight at the cut
  ];
  for (const { t0, tL } of cases) {
    it(`outage at ${t0 / 1e6} s: started ${(tL + 10e6) / 1e6} s, completed ${(tL + 13e6) / 1e6} s, RTO ${(tL + 13e6 - t0) / 1e6} s + ε (ε < 30 ms), whatever the DNS TTL`, () => {
      const expectedRtoMs = (tL + 13e6 - t0) / 1000;
      for (const dnsTtl of ['30s', '300s']) {
        const spec = foSpec('rto', {
          duration: '40s',
          failover: { dnsTtl },
          workload: { regions: { A: { writes: 0 }, B: { writes: '1000/s' } } },
          faults: [{ at: `${t0}us`, outage: { region: 'A' } }],
        });
        const msg = `dnsTtl ${dnsTtl}; seed ${SEED}; replay: ${replayCommand(spec, SEED)}`;
        const f = run(spec, { seed: SEED }).summary.metrics.failovers;
        expect(f.length, msg).toBe(1);
        const fo = f[0]!;
        log(`RTO, outage at ${t0 / 1e6} s, dnsTtl ${dnsTtl}: ${fo.rtoMs} ms (expected ${expectedRtoMs} + ε); started ${fo.startedAtMs}, completed ${fo.completedAtMs}`);
        expect([fo.faultAtMs, fo.startedAtMs, fo.completedAtMs], msg).toEqual([t0 / 1000, (tL + 10e6) / 1000, (tL + 13e6) / 1000]);
        expect(fo.rtoMs, `rto ${fo.rtoMs} ms, expected ${expectedRtoMs} ms + ε; ${msg}`).toBeGreaterThanOrEqual(expectedRtoMs + 1);
        expect(fo.rtoMs, `rto ${fo.rtoMs} ms, expected ${expectedRtoMs} ms + ε; ${msg}`).toBeLessThan(expectedRtoMs + 30);
        expect(fo.rtoMs).toBeLessThanOrEqual(10_000 + 3000 - 70 + 30);
        expect(fo.rtoMs).toBeGreaterThan(10_000 + 3000 - 1000 - 70);
      }
    });
  }
});

describe('failure detection without a fault', () => {
  // A healthy primary answers each ping (sent at k·H) RTT = 70 ms later. At
  // the tick k·H the newest answer is the one received at (k−1)·H + RTT, so
  // the controller has heard nothing for H − RTT = 930 ms: a detector
  // counting silence from the last answer received never fires on a healthy
  // primary while detectionTimeout > H − RTT.
  const spec = (detection: string) =>
    foSpec('no-fault-detection', {
      duration: '30s',
      failover: { detectionTimeout: detection },
      workload: { regions: { A: { writes: '100/s' } } },
    });

  it('detectionTimeout 1.5 s, heartbeat 1 s: no failover in 30 s', () => {
    const m = run(spec('1500ms'), { seed: SEED }).summary.metrics;
    expect(m.failovers.length, `seed ${SEED}; replay: ${replayCommand(spec('1500ms'), SEED)}`).toBe(0);
  });

  // Silence is counted from the send time of the last answered ping, so at
  // each tick it is at least one heartbeat: a detection timeout that does
  // not exceed the heartbeat interval is refused by validation (a healthy
  // primary would be failed over and the roles would flap).
  it('detectionTimeout = heartbeatInterval is refused as bad input', () => {
    expect(() => run(spec('1s'), { seed: SEED })).toThrow(/detectionTimeout \(1s\) must exceed heartbeatInterval/);
  });

  it('detectionTimeout 1.1 s, heartbeat 1 s: no failover in 30 s', () => {
    const m = run(spec('1100ms'), { seed: SEED }).summary.metrics;
    expect(m.failovers.length, `seed ${SEED}; replay: ${replayCommand(spec('1100ms'), SEED)}`).toBe(0);
  });
});

describe('(5) isolated primary: split-brain without fencing, none with STONITH or lease', () => {
  // A isolated from 20.5 s to 80.5 s; writes 100/s from A's clients and
  // 100/s from B's. Detection: last answer from the ping of 20.0 s →
  // failover at 30.0 s. fencing none: promotion at t_p = 31.0 s.
  // A's clients still reach A (same region) and write to it as long as
  // their router's cached address says A. The cache (resolve() in
  // single-primary.ts) is refreshed only when it expires (or a request
  // fails — A's never do): it starts expiring at dnsTtl, and each refresh
  // lasts dnsTtl from the first write after expiry. So A's clients move to
  // B at t_e = the first expiry after t_p (the refreshes drift by one
  // inter-write gap, ~10 ms each), or when A is demoted after the heal: a
  // node that merely regains its links learns of the newer primary at the
  // controller's next heartbeat (sim/run.ts `settle`), ⌈80.5 s⌉ = 81.0 s:
  //   dnsTtl 30 s:  refreshed at ≈30.0 s (DNS still says A) → t_e ≈ 60.0 s
  //   dnsTtl  5 s:  refreshed at ≈5, 10, …, 30.0 s → t_e ≈ 35.0 s
  //   dnsTtl 120 s: first expiry 120 s > heal → t_e = 81.0 s
  // divergentWrites = A's writes committed in [t_p, t_e) ≈ 100/s·(t_e − 31 s):
  //   2900, 400, 5000; split-brain duration ≈ t_e − t_p (B acks from ≈ t_p).
  // With STONITH A is powered off at 32 s, before B's promotion at 33 s;
  // with a lease A stops writing at 25.0 s (ping of 20.0 s + 5 s) and B is
  // promoted only after the controller waited out the longest lease it
  // granted: 0 occurrences either way.
  const partition = { faults: [{ at: '20500ms', partition: { isolate: 'A' }, for: '60s' }] };
  const load = { workload: { regions: { A: { writes: '100/s' }, B: { writes: '100/s' } } } };
  const cases = [
    { dnsTtl: '30s', teUs: 60.0e6 },
    { dnsTtl: '5s', teUs: 35.0e6 },
    { dnsTtl: '120s', teUs: 81.0e6 },
  ];
  for (const { dnsTtl, teUs } of cases) {
    it(`fencing none, dnsTtl ${dnsTtl}: one occurrence, divergent ≈ 100/s × ${(teUs - 31e6) / 1e6} s`, () => {
      const spec = foSpec('split-brain', { duration: '90s', failover: { fencing: 'none', dnsTtl }, ...load, ...partition });
      const msg = `seed ${SEED}; replay: ${replayCommand(spec, SEED)}`;
      const r = run(spec, { seed: SEED, history: true });
      const m = r.summary.metrics;
      expect(m.failovers.map((f) => [f.startedAtMs, f.completedAtMs]), msg).toEqual([[30_000, 31_000]]);
      // On the sample path: the zombie's acks are exactly A's acks for writes
      // its clients issued (= committed: same region) from the promotion on,
      // and the last of them comes just before t_e.
      const invokeUs = new Map<number, number>();
      for (const h of r.history) if (h.type === 'invoke' && h.op !== undefined) invokeUs.set(h.op, h.timeUs);
      const zombieAcks = r.history.filter((h) => h.type === 'ok' && h.f === 'write' && h.node === 'A' && (invokeUs.get(h.op as number) as number) >= 31e6);
      const lastZombieAckUs = Math.max(...zombieAcks.map((h) => h.timeUs));
      log(`split-brain, dnsTtl ${dnsTtl}: ${JSON.stringify(m.splitBrain)}, lost acked ${m.rpo.lostAckedWrites}, A's last ack ${lastZombieAckUs} µs`);
      expect(m.splitBrain.divergentWrites, `divergent writes vs A's acks after the promotion; ${msg}`).toBe(zombieAcks.length);
      expect(Math.abs(lastZombieAckUs - teUs), `A's last ack at ${lastZombieAckUs} µs, expected just before t_e = ${teUs} µs; ${msg}`).toBeLessThan(200_000);
      expect(m.splitBrain.occurrences, msg).toBe(1);
      const windowS = (teUs - 31e6) / 1e6;
      // Poisson count plus the cache-refresh drift (≤ 0.1 s → ≤ 10 writes).
      const mean = 100 * windowS;
      expect(Math.abs(m.splitBrain.divergentWrites - mean), `divergent ${m.splitBrain.divergentWrites}, expected ${mean} ± ${Z}√${mean} + 10; ${msg}`).toBeLessThanOrEqual(Z * Math.sqrt(mean) + 10);
      expect(Math.abs(m.splitBrain.durationMs - windowS * 1000), `split-brain duration ${m.splitBrain.durationMs} ms, expected ≈ ${windowS * 1000}; ${msg}`).toBeLessThan(200);
      // Every divergent write is later discarded by A's rewind: it is RPO loss as well.
      expect(m.rpo.lostAckedWrites, msg).toBeGreaterThanOrEqual(m.splitBrain.divergentWrites);
    });
  }

  for (const fencing of ['stonith', 'lease']) {
    it(`fencing ${fencing}: no split-brain`, () => {
      const spec = foSpec('split-brain', { duration: '90s', failover: { fencing }, ...load, ...partition });
      const msg = `seed ${SEED}; replay: ${replayCommand(spec, SEED)}`;
      const m = run(spec, { seed: SEED }).summary.metrics;
      expect(m.failovers.length, msg).toBe(1);
      log(`split-brain, fencing ${fencing}: ${JSON.stringify(m.splitBrain)}, completed ${m.failovers[0]?.completedAtMs}`);
      expect(m.splitBrain, msg).toEqual({ occurrences: 0, durationMs: 0, divergentWrites: 0 });
    });
  }
});

describe('(6) commit latency of semi-sync and sync', () => {
  // Three regions: A (primary), B at RTT 20 ms, C at RTT 100 ms (B–C 110 ms);
  // writes 200/s from A only; apply 50 µs constant. Commits ship at once in
  // these modes. A local client's write reaches the primary half the 1 ms
  // intra-region RTT after it is issued, is committed on arrival, and its
  // answer takes the other half back (docs/model.md, same-region requests):
  //   async:     0.5 + 0.5 = 1 ms
  //   semi-sync (1 replica): 0.5 + B's receive ack after 20 ms + 0.5 → 21 ms
  //   semi-sync (2 replicas): 0.5 + C's after 100 ms + 0.5 → 101 ms
  //   sync:      C has *applied* it: 0.5 + 50 + 0.05 + 50 + 0.5 ms → 101.05 ms
  // Lower bounds: semi-sync ≥ RTT to the nearest replica, sync ≥ RTT to the
  // farthest; semi-sync with one replica never waits for C (< 100 ms).
  const spec3 = (mode: string, syncReplicas = 1): Spec =>
    merge(base(`latency-${mode}`), {
      duration: '20s',
      regions: [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
      network: { rtt: { A: { B: '20ms', C: '100ms' }, B: { C: '110ms' } } },
      topology: { replication: { mode, syncReplicas, applyTime: { dist: 'constant', value: '50us' } } },
      workload: { regions: { A: { writes: '200/s' } } },
    });
  const latencies = (spec: Spec) => {
    const r = run(spec, { seed: SEED, history: true });
    const invoke = new Map<number, number>();
    const out: number[] = [];
    for (const h of r.history) {
      if (h.f !== 'write' || h.op === undefined) continue;
      if (h.type === 'invoke') invoke.set(h.op, h.timeUs);
      else if (h.type === 'ok') out.push((h.timeUs - (invoke.get(h.op) as number)) / 1000);
    }
    return { summary: r.summary, min: Math.min(...out), max: Math.max(...out), n: out.length };
  };
  const cases: Array<{ mode: string; k?: number; lo: number; p50: number; hi?: number }> = [
    { mode: 'async', lo: 1, p50: 1, hi: 1 },
    { mode: 'semi-sync', lo: 20, p50: 21, hi: 100 },
    { mode: 'semi-sync', k: 2, lo: 100, p50: 101 },
    { mode: 'sync', lo: 100, p50: 101.05 },
  ];
  for (const c of cases) {
    it(`${c.mode}${c.k ? ` (syncReplicas ${c.k})` : ''}: min ≥ ${c.lo} ms, p50 = ${c.p50} ms${c.hi ? `, max ≤ ${c.hi} ms` : ''}`, () => {
      const spec = spec3(c.mode, c.k ?? 1);
      const msg = `seed ${SEED}; replay: ${replayCommand(spec, SEED)}`;
      const l = latencies(spec);
      log(`latency ${c.mode}${c.k ? ` k=${c.k}` : ''}: min ${l.min}, p50 ${l.summary.metrics.writes.latencyMs.p50}, max ${l.max} ms`);
      expect(l.n, msg).toBeGreaterThan(3500);
      expect(l.summary.metrics.writes.acked, msg).toBe(l.n);
      expect(l.min, `min latency; ${msg}`).toBeGreaterThanOrEqual(c.lo);
      // Percentiles come from an HDR histogram with 3 significant digits: ±0.1 %.
      const p50 = l.summary.metrics.writes.latencyMs.p50;
      expect(Math.abs(p50 - c.p50) / c.p50, `p50 latency ${p50} ms, expected ${c.p50}; ${msg}`).toBeLessThanOrEqual(0.001);
      // The history is exact: the fastest write takes exactly the derived time.
      expect(l.min, `min latency; ${msg}`).toBeCloseTo(c.p50, 6);
      if (c.hi !== undefined) expect(l.max, `max latency; ${msg}`).toBeLessThanOrEqual(c.hi);
    });
  }
});

describe('(7) lease fencing: the old primary stops acknowledging within leaseDuration of losing the controller', () => {
  // A is cut off at 20.5 s. The last lease grant that reaches A is the ping
  // sent at 20.0 s; a grant runs from its send time, so A refuses writes
  // from 20.0 + L on. Its clients' acks come 1 ms after the commit: the last
  // ack by A is < 20.0 s + L + 1 ms ≤ cut + L. The controller promotes B
  // only after the longest lease it may have granted (its last ping + L)
  // has run out, so B's first ack comes after A's last.
  //   L = 5 s,  D = 10 s: failover at 30.0 s (last ping sent then) → promote 36.0 s
  //   L = 10 s, D = 3 s:  failover at 23.0 s → wait to 33.0 s → promote 34.0 s
  // At 100/s, A's clients wrote within the last 200 ms before the lease
  // ran out (P(no write in 200 ms) = e^-20).
  const cases = [
    { lease: '5s', detection: '10s', leaseEndUs: 25e6, promoteUs: 36e6 },
    { lease: '10s', detection: '3s', leaseEndUs: 30e6, promoteUs: 34e6 },
  ];
  for (const c of cases) {
    it(`lease ${c.lease}, detection ${c.detection}: A's last ack < ${c.leaseEndUs / 1e6} s + 1 ms, B promoted at ${c.promoteUs / 1e6} s`, () => {
      const spec = foSpec('lease', {
        duration: '60s',
        failover: { fencing: 'lease', leaseDuration: c.lease, detectionTimeout: c.detection },
        workload: { regions: { A: { writes: '100/s' }, B: { writes: '100/s' } } },
        faults: [{ at: '20500ms', partition: { isolate: 'A' }, for: '30s' }],
      });
      const msg = `seed ${SEED}; replay: ${replayCommand(spec, SEED)}`;
      const r = run(spec, { seed: SEED, history: true });
      const okBy = (node: string) => r.history.filter((h) => h.type === 'ok' && h.f === 'write' && h.node === node).map((h) => h.timeUs);
      const lastA = Math.max(...okBy('A').filter((t) => t < 50.5e6)); // before the heal
      const firstB = Math.min(...okBy('B'));
      log(`lease ${c.lease}/${c.detection}: A's last ack ${lastA} µs, B promoted ${r.summary.metrics.failovers[0]?.completedAtMs} ms, B's first ack ${firstB} µs`);
      expect(lastA, `A's last ack at ${lastA} µs; ${msg}`).toBeLessThan(c.leaseEndUs + 1000);
      expect(lastA, `A's last ack at ${lastA} µs; ${msg}`).toBeGreaterThan(c.leaseEndUs - 200_000);
      expect(lastA - 20.5e6, msg).toBeLessThanOrEqual(Number.parseInt(c.lease) * 1e6);
      expect(r.summary.metrics.failovers[0]?.completedAtMs, msg).toBe(c.promoteUs / 1000);
      expect(firstB, msg).toBeGreaterThan(c.promoteUs);
      expect(r.summary.metrics.splitBrain.occurrences, msg).toBe(0);
    });
  }
});

describe('(8) determinism: the example scenario', () => {
  // The example scenario, as the project keeps it.
  const text = readFileSync(new URL('../../scenarios/primary-region-partition.yaml', import.meta.url), 'utf8');
  const runJson = (variant: string, seed: number, sets: string[]) => {
    const l = loadScenarioFromText(text, 'primary-region-partition.yaml', { variant, sets });
    return JSON.stringify(simulate(l.scenario, { seed, variant: l.variant, contentHash: l.contentHash }));
  };
  // duration=60s ends before the example's partition (2 m); the second set
  // moves the partition to 10 s so the failover machinery runs too.
  const setsList = [['duration=60s'], ['duration=60s', 'faults=[{at: 10s, partition: {isolate: us-east-1}, for: 43s}]']];
  for (const variant of ['async-stonith', 'async-no-fencing', 'semi-sync-stonith']) {
    for (const sets of setsList) {
      it(`${variant} ${sets.join(' ')}: same seed → byte-identical summary; another seed → a different one`, () => {
        const a = runJson(variant, 42, sets);
        const b = runJson(variant, 42, sets);
        const c = runJson(variant, 43, sets);
        const replay = `node bin/repsim.js run scenarios/primary-region-partition.yaml --variant ${variant} ${sets.map((s) => `--set '${s}'`).join(' ')} --seed 42 --json`;
        expect(a === b, `two runs with seed 42 differ; replay twice and diff: ${replay}`).toBe(true);
        expect(a === c, 'seeds 42 and 43 gave identical summaries').toBe(false);
        expect(JSON.parse(a).seed).toBe(42);
      });
    }
  }
});
