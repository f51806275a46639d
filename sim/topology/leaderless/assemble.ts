// Assembly of a leaderless run: the same world, workload and nemesis as the
// other topologies, the leaderless store, its judge, and the summary
// (SPEC §4, plus t-visibility and k-staleness, SPEC §6). No failover
// controller and no replication channels (there is no log to ship).
//
//   scenario ─► world (clocks, network) ─► legs + leaderless store + workload
//            ─► nemesis (fault verbs) ─► scheduler.run ─► judge + recorder ─► summary
//
// RPO (issue 14, item 5): an acknowledged write that no replica reflects and
// no pending hint will deliver at the end of the run (replicas are durable,
// so what a restarted replica lacks, hints and repair can still bring).
// Conflicts and lost updates follow SPEC §2 (see leaderless.ts).
import { compileDist, type Sampler } from '../../core/distributions.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { WallClock } from '../../world/clock.ts';
import { buildWorld, runToEnd } from '../../world/world.ts';
import { Nemesis, type FaultVerbs } from '../../world/faults.ts';
import { Workload, workloadOptions } from '../../workload/workload.ts';
import { Recorder, type RecorderOptions } from '../../measure/recorder.ts';
import { Ledger } from '../../measure/ledger.ts';
import { Timeline } from '../../measure/timeline.ts';
import { Visibility } from '../../measure/visibility.ts';
import { buildSummary } from '../../measure/summary.ts';
import type { Summary } from '../../measure/summary-types.ts';
import type { HistoryWriter, TraceWriter } from '../../measure/history.ts';
import { Legs, type Leg } from './legs.ts';
import { Leaderless } from './leaderless.ts';
import { LeaderlessJudge, type Verdict } from './judge.ts';
import { replicaCounts } from './validate.ts';

export interface LeaderlessRunOptions {
  seed: number;
  variant: string;
  replayKey: string;
  trace?: TraceWriter | undefined;
  history?: HistoryWriter | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

/** The recorder, with reads judged by the leaderless judge (set just before `readServed`). */
class LeaderlessRecorder extends Recorder {
  verdict: Verdict | undefined;
  readonly visibility = new Visibility();

  constructor(o: RecorderOptions) {
    super(o);
  }

  override readServed(_session: number, _row: number, _version: number, invokeUs: number, endUs: number): void {
    const v = this.verdict as Verdict;
    if (this.counts(invokeUs)) {
      if (v.tUs >= 0) this.visibility.record(v.tUs, v.consistent);
      this.visibility.recordBehind(v.behind);
    }
    this.countRead(invokeUs, endUs, v.stale, v.stalenessUs, v.behind, v.ryw, v.monotonic);
  }
}

export function runLeaderless(sc: Scenario, opts: LeaderlessRunOptions): Summary {
  const { sched, rng, ids, n, endUs, net, clocks, keys } = buildWorld(sc, opts.seed);
  const l = sc.topology.leaderless;
  const setTables = sc.workload.tables.map((t) => t.merge !== undefined);
  const isSet = (row: number) => setTables[keys.tableOf(row)] === true;

  const recorder = new LeaderlessRecorder({ regionCount: n, sessionCount: n * sc.workload.sessions, warmupUs: sc.warmup, history: opts.history, minVisible: () => Infinity });
  const ledger = new Ledger(opts.trace);
  const workload = new Workload(workloadOptions(sc, { sched, rng, ids, keys, endUs }, recorder));

  const overrides: Partial<Record<Leg, Sampler>> = {};
  for (const leg of ['write', 'ack', 'read', 'response'] as const) {
    const d = l.legs[leg];
    if (d) overrides[leg] = compileDist(d);
  }
  const legs = new Legs({
    sched, net, regionCount: n, overrides, serviceTime: compileDist(sc.topology.replication.applyTime), loss: sc.network.loss,
    legRng: rng.stream('leaderless/legs'), serviceRng: rng.stream('leaderless/service'), lossRng: rng.stream('leaderless/loss'),
  });
  let judge: LeaderlessJudge | undefined;
  const topo = new Leaderless({
    sched, net, legs, clocks, rowCount: keys.rowCount, isSet, clientTimeoutUs: sc.workload.clientTimeout, warmupUs: sc.warmup,
    readRepairRng: rng.stream('leaderless/read-repair'),
    config: {
      replicas: replicaCounts(sc), write: l.write, read: l.read, readFanout: l.readFanout, timestamps: l.timestamps, readRepair: l.readRepair,
      hintedHandoff: l.hintedHandoff === false ? undefined : { maxHintWindowUs: l.hintedHandoff.maxHintWindow, replayIntervalUs: l.hintedHandoff.replayInterval },
      antiEntropyIntervalUs: l.antiEntropyInterval, sloppyQuorum: l.sloppyQuorum,
    },
    sink: {
      writeAcked: (op, id) => {
        (judge as LeaderlessJudge).onAck(op.session, op.row, id);
        workload.writeAcked(op, sched.now, id, 0, 0, op.region);
      },
      writeFailed: (op) => workload.writeFailed(op),
      readServed: (op, answer, refId) => {
        recorder.verdict = (judge as LeaderlessJudge).onRead(op.session, op.row, op.invokeUs, answer, refId);
        workload.readServed(op, answer.id, sched.now);
      },
      readFailed: (op) => workload.readFailed(op),
    },
  });
  judge = new LeaderlessJudge(topo, n * sc.workload.sessions, isSet);

  // --- region state and fault verbs -----------------------------------------
  const outage = ids.map(() => 0);
  const crashed = ids.map(() => 0);
  const paused = ids.map(() => 0);
  const cutsOf = ids.map(() => 0);
  const holds = (r: number) => (replicaCounts(sc)[r] ?? 0) > 0;
  const lane = (r: number) => (holds(r) ? 'replica' : 'primary');
  const timeline = new Timeline(ids, (r) => (holds(r) ? 'replica' : 'primary'));
  const stateChanged = (r: number) => {
    const state = outage[r]! > 0 || crashed[r]! > 0 ? 'down' : paused[r]! > 0 ? 'paused' : cutsOf[r]! > 0 ? 'partitioned' : lane(r);
    timeline.set(r, state, 'replica', sched.now);
  };
  const verbs: FaultVerbs = {
    cut(a, b) { net.cut(a, b); cutsOf[a]!++; cutsOf[b]!++; stateChanged(a); stateChanged(b); },
    heal(a, b) { net.heal(a, b); cutsOf[a]!--; cutsOf[b]!--; stateChanged(a); stateChanged(b); },
    crash(r) { crashed[r]!++; topo.regionDown(r); stateChanged(r); },
    restart(r) { crashed[r]!--; topo.regionUp(r); stateChanged(r); },
    outage(r) { outage[r]!++; topo.regionDown(r); workload.dark[r] = true; net.cutRegion(r); stateChanged(r); },
    restore(r) {
      net.healRegion(r);
      topo.regionUp(r);
      if (--outage[r]! === 0) workload.dark[r] = false;
      stateChanged(r);
    },
    pause(r) { paused[r]!++; topo.regionPaused(r); stateChanged(r); },
    resume(r) { paused[r]!--; topo.regionResumed(r); stateChanged(r); },
    slowLink: (a, b, f) => { net.setSlowFactor(a, b, f); legs.setSlowFactor(a, b, f); },
    lossy: (a, b, p) => { net.setLoss(a, b, p); legs.setLoss(a, b, p); },
    slowApply: (r, f) => legs.setServiceFactor(r, f),
    clockJump: (r, by) => (clocks[r] as WallClock).jump(by),
    stonithFailure() {},
  };
  const nemesis = new Nemesis({ sched, rng, regionIds: ids, verbs, endUs, onEvent: opts.trace ? (e) => ledger.trace(e) : undefined });

  // --- run -------------------------------------------------------------------
  workload.start(topo);
  topo.start();
  nemesis.schedule(sc.faults);
  runToEnd(sched, endUs, opts.onProgress);

  const lost = topo.lostAcked(sc.warmup);
  const t = ledger.total;
  t.lostAckedWrites = lost.count;
  t.firstAckUs = lost.firstAckUs;
  t.lastAckUs = lost.lastAckUs;
  const rowBytes = sc.workload.tables.map((x) => x.rowBytes);
  t.lostBytes = lost.ids.reduce((a, id) => a + (rowBytes[keys.tableOf(topo.facts.row[id] as number)] ?? 0), 0);

  return buildSummary({
    scenario: sc, variant: opts.variant, seed: opts.seed, replayKey: opts.replayKey,
    events: sched.executed, endUs, regionIds: ids, recorder, ledger, failovers: [], failoversRefused: 0,
    channels: [], timeline: timeline.finish(endUs), faults: nemesis.windows,
    conflicts: { total: topo.conflicts, lostUpdates: topo.lostUpdates },
    visibility: recorder.visibility,
    leaderless: {
      hintsStored: topo.hintsStored, hintsReplayed: topo.hintsReplayed, hintsExpired: topo.hintsExpired,
      readRepairs: topo.readRepairs, unavailable: topo.unavailable,
    },
  });
}
