// Assembly of the multi-writer topologies (active-active, region-pinned):
// the same world, workload, monitor and nemesis as sim/run.ts, without the
// failover controller (failover settings do not apply; the scenario
// validator warns about them).
//
//   scenario ─► world (clocks, network) ─► topology (+ its nodes) + workload
//            ─► monitor ─► nemesis ─► scheduler.run ─► recorder ─► summary
import { compileDist } from '../core/distributions.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { WallClock } from '../world/clock.ts';
import { buildWorld, runToEnd } from '../world/world.ts';
import { Nemesis, type FaultVerbs } from '../world/faults.ts';
import { DbNode } from '../db/node.ts';
import { WriteTable } from '../db/conflict.ts';
import { Workload, workloadOptions } from '../workload/workload.ts';
import { Monitor } from '../control/monitor.ts';
import { Recorder } from '../measure/recorder.ts';
import { ReplicaRecorder, ReplicaStaleness } from '../measure/replica-staleness.ts';
import { ConflictCounter } from '../measure/conflicts.ts';
import { Ledger } from '../measure/ledger.ts';
import { Timeline } from '../measure/timeline.ts';
import { buildSummary } from '../measure/summary.ts';
import type { Summary } from '../measure/summary-types.ts';
import type { HistoryWriter, TraceWriter } from '../measure/history.ts';
import { ActiveActive } from './active-active.ts';
import { RegionPinned } from './region-pinned.ts';

/** WAL an active-active origin keeps for lagging peers (bytes). */
const WAL_RETENTION_BYTES = 256e6;

export interface MultiRunOptions {
  seed: number;
  variant: string;
  replayKey: string;
  trace?: TraceWriter | undefined;
  history?: HistoryWriter | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
  /** Test hook (active-active): every acknowledged write. */
  onAcked?: ((row: number, id: number) => void) | undefined;
}

/** An assembled multi-writer run: `run()` gives the summary; `settle()` and the topology are for tests. */
export interface MultiWorld {
  run(): Summary;
  /** After `run`: lets replication finish for `forUs` more (no new client operations). */
  settle(forUs: number): void;
  activeActive: ActiveActive | undefined;
  regionPinned: RegionPinned | undefined;
}

export function assembleMulti(sc: Scenario, opts: MultiRunOptions): MultiWorld {
  const kind = sc.topology.kind;
  if (kind === 'single-primary') throw new Error('invariant: assembleMulti is for active-active and region-pinned');
  const { sched, rng, ids, n, endUs, net, clocks, keys, filtered } = buildWorld(sc, opts.seed);
  const tables = sc.workload.tables;
  const sessionCount = n * sc.workload.sessions;

  // --- measurement -----------------------------------------------------------
  let aa: ActiveActive | undefined;
  let rp: RegionPinned | undefined;
  const pinnedNodes: DbNode[] = [];
  const writes = new WriteTable(n);
  const conflicts = new ConflictCounter(keys.rowCount, writes, sc.warmup);
  const verdict = new ReplicaStaleness(sessionCount, n, (r, row, w) => (aa as ActiveActive).reflects(r, row, w));
  const recOpts = {
    regionCount: n, sessionCount, warmupUs: sc.warmup, history: opts.history,
    // region-pinned: a row's only copy is on its home node.
    minVisible: (row: number) => (rp ? ((pinnedNodes[rp.home(row)] as DbNode).rowVersion[row] as number) : Infinity),
  };
  const recorder = kind === 'active-active' ? new ReplicaRecorder(recOpts, verdict) : new Recorder(recOpts);
  const ledger = new Ledger(opts.trace);
  const applyTime = compileDist(sc.topology.replication.applyTime);

  // --- workload and topology -------------------------------------------------
  const workload = new Workload({
    ...workloadOptions(sc, { sched, rng, ids, keys, endUs }, recorder),
    pickRow: kind === 'region-pinned' ? (region, r) => (rp as RegionPinned).pickRow(region, r) : undefined,
  });
  if (kind === 'active-active') {
    aa = new ActiveActive({
      sched, rng, net, regionIds: ids, clocks, rowCount: keys.rowCount, tableOf: (row) => keys.tableOf(row),
      mergeTables: tables.map((t) => t.merge !== undefined), filtered, policy: sc.topology.conflict,
      shipIntervalUs: sc.topology.replication.shipInterval, clientTimeoutUs: sc.workload.clientTimeout, applyTime,
      cdc: sc.topology.replication.channel === 'cdc'
        ? { delay: compileDist(sc.topology.replication.cdcDelay), partitions: sc.topology.replication.cdcPartitions, throughputPerS: sc.topology.replication.cdcThroughput }
        : undefined,
      walRetentionBytes: WAL_RETENTION_BYTES, workload, recorder, writes, conflicts, staleness: verdict, onAcked: opts.onAcked,
    });
  } else {
    ids.forEach((id, r) => {
      pinnedNodes.push(new DbNode({ region: r, rowCount: keys.rowCount, applyTime, applyRng: rng.stream(`apply/${id}`), onApplied: () => {} }));
    });
    rp = new RegionPinned({ sched, net, nodes: pinnedNodes, keys, workload, remoteShare: sc.workload.remoteShare });
  }
  const nodesOf = (r: number): DbNode[] => (aa ? aa.nodesOf(r) : [pinnedNodes[r] as DbNode]);
  const topology = (aa ?? rp) as ActiveActive | RegionPinned;

  // --- region state and fault verbs -----------------------------------------
  const outage = ids.map(() => 0);
  const crashed = ids.map(() => 0);
  const paused = ids.map(() => 0);
  const cutsOf = ids.map(() => 0);
  const timeline = new Timeline(ids, () => 'primary');
  const stateChanged = (r: number) => {
    const state = outage[r]! > 0 || crashed[r]! > 0 ? 'down' : paused[r]! > 0 ? 'paused' : cutsOf[r]! > 0 ? 'partitioned' : 'primary';
    timeline.set(r, state, 'primary', sched.now);
  };
  const stopAll = (r: number, status: 'crashed' | 'paused') => {
    for (const x of nodesOf(r)) if (x.status === 'up' || status === 'crashed') x.stop(status, sched.now);
  };
  const resumeAll = (r: number) => {
    for (const x of nodesOf(r)) x.resume(sched.now);
  };
  /**
   * A crashed process loses its connections: bumping the links' epochs drops
   * what is in flight, and replication streams resume from the last
   * acknowledged position once they are used again.
   */
  const resetLinks = (r: number) => {
    net.cutRegion(r);
    net.healRegion(r);
  };
  const verbs: FaultVerbs = {
    cut(a, b) { net.cut(a, b); cutsOf[a]!++; cutsOf[b]!++; stateChanged(a); stateChanged(b); },
    heal(a, b) { net.heal(a, b); cutsOf[a]!--; cutsOf[b]!--; stateChanged(a); stateChanged(b); },
    crash(r) { crashed[r]!++; stopAll(r, 'crashed'); resetLinks(r); stateChanged(r); },
    restart(r) {
      if (--crashed[r]! > 0 || outage[r]! > 0) return stateChanged(r);
      resetLinks(r);
      resumeAll(r);
      stateChanged(r);
    },
    outage(r) {
      outage[r]!++;
      stopAll(r, 'crashed');
      workload.dark[r] = true;
      net.cutRegion(r);
      stateChanged(r);
    },
    restore(r) {
      net.healRegion(r);
      if (--outage[r]! > 0) return;
      workload.dark[r] = false;
      if (crashed[r] === 0) resumeAll(r);
      stateChanged(r);
    },
    pause(r) { paused[r]!++; stopAll(r, 'paused'); stateChanged(r); },
    resume(r) {
      if (--paused[r]! > 0) return;
      for (const x of nodesOf(r)) if (x.status === 'paused') x.resume(sched.now);
      stateChanged(r);
    },
    slowLink: (a, b, f) => net.setSlowFactor(a, b, f),
    lossy: (a, b, p) => net.setLoss(a, b, p),
    slowApply: (r, f) => { for (const x of nodesOf(r)) x.setApplyFactor(f, sched.now); },
    clockJump: (r, by) => (clocks[r] as WallClock).jump(by),
    stonithFailure() {},
  };

  const monitor = new Monitor({
    sched, net, channels: () => aa?.channels ?? [], recorder, ledger,
    lagWarningUs: sc.monitoring.lagWarning, lagCriticalUs: sc.monitoring.lagCritical, warmupUs: sc.warmup, regionIds: ids,
  });
  const nemesis = new Nemesis({ sched, rng, regionIds: ids, verbs, endUs });

  return {
    activeActive: aa,
    regionPinned: rp,
    run(): Summary {
      workload.start(topology);
      aa?.start();
      if (aa) monitor.start();
      nemesis.schedule(sc.faults);
      runToEnd(sched, endUs, opts.onProgress);
      aa?.catchUpAll(endUs);
      if (aa) monitor.recordUnapplied(endUs);
      for (const x of pinnedNodes) x.advance(endUs);
      return buildSummary({
        scenario: sc, variant: opts.variant, seed: opts.seed, replayKey: opts.replayKey,
        events: sched.executed, endUs, regionIds: ids, recorder, ledger, failovers: [], failoversRefused: 0,
        channels: aa?.channels ?? [], timeline: timeline.finish(endUs), faults: nemesis.windows,
        conflicts: kind === 'active-active' ? { total: conflicts.total, lostUpdates: conflicts.lostUpdates } : undefined,
      });
    },
    settle(forUs: number): void {
      const until = sched.now + forUs;
      sched.run(until);
      aa?.catchUpAll(until);
    },
  };
}
