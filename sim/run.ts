// One simulation run: assembles the world from a validated scenario, runs the
// event loop to the scenario's end, and returns the summary (SPEC §4).
//
//   scenario ─► world (clocks, network, nodes) ─► topology + workload
//            ─► control (monitor, failover) ─► nemesis (faults)
//            ─► scheduler.run ─► recorder + ledger ─► summary
//
// Pure with respect to the machine: no filesystem, no wall clock; sinks for
// the trace and history are passed in by the caller.
import { createHash } from 'node:crypto';
import { compileDist } from './core/distributions.ts';
import type { Scenario } from './scenario/schema.ts';
import type { WallClock } from './world/clock.ts';
import { buildWorld, runToEnd } from './world/world.ts';
import { Nemesis, type FaultVerbs } from './world/faults.ts';
import { DbNode } from './db/node.ts';
import { Workload, workloadOptions } from './workload/workload.ts';
import { SinglePrimary } from './topology/single-primary.ts';
import { assembleMulti } from './topology/assemble-multi.ts';
import { runLeaderless } from './topology/leaderless/assemble.ts';
import { Monitor } from './control/monitor.ts';
import { FailoverController } from './control/failover.ts';
import { Recorder } from './measure/recorder.ts';
import { Ledger } from './measure/ledger.ts';
import { Timeline } from './measure/timeline.ts';
import { buildSummary } from './measure/summary.ts';
import type { Summary } from './measure/summary-types.ts';
import type { HistoryWriter, TraceWriter } from './measure/history.ts';
import { REPSIM_VERSION } from './version.ts';

export interface RunOptions {
  seed: number;
  variant: string;
  /** Hash of the scenario's content (source, overrides, variant). */
  contentHash: string;
  trace?: TraceWriter | undefined;
  history?: HistoryWriter | undefined;
  /** Called every ~1% of simulated time with the fraction done (for progress bars). */
  onProgress?: ((fraction: number) => void) | undefined;
}

/** WAL each node keeps (bytes), like wal_keep_size: older WAL is trimmed, and a node that needs it must rebuild. */
const WAL_RETENTION_BYTES = 16e6;

/** (seed, content hash, version) → the key that reproduces a summary. */
export function replayKey(seed: number, contentHash: string): string {
  return createHash('sha256').update(`${seed}\u0000${contentHash}\u0000${REPSIM_VERSION}`).digest('hex').slice(0, 16);
}


export function simulate(sc: Scenario, opts: RunOptions): Summary {
  if (sc.topology.kind === 'leaderless') {
    return runLeaderless(sc, { seed: opts.seed, variant: opts.variant, replayKey: replayKey(opts.seed, opts.contentHash), trace: opts.trace, history: opts.history, onProgress: opts.onProgress });
  }
  if (sc.topology.kind !== 'single-primary') {
    return assembleMulti(sc, { seed: opts.seed, variant: opts.variant, replayKey: replayKey(opts.seed, opts.contentHash), trace: opts.trace, history: opts.history, onProgress: opts.onProgress }).run();
  }
  const { sched, rng, ids, n, endUs, net, clocks, keys, filtered } = buildWorld(sc, opts.seed);
  const idx = (id: string) => ids.indexOf(id);
  const tables = sc.workload.tables;

  // --- measurement -----------------------------------------------------------
  const nodes: DbNode[] = [];
  const recorder = new Recorder({
    regionCount: n, sessionCount: n * sc.workload.sessions, warmupUs: sc.warmup, history: opts.history,
    minVisible: (row) => {
      let m = Infinity;
      for (const x of nodes) {
        const v = x.rowVersion[row] as number;
        if (v < m) m = v;
      }
      return m;
    },
  });
  const ledger = new Ledger(opts.trace);
  ledger.fencingOn = sc.failover.fencing !== 'none';
  const applyTime = compileDist(sc.topology.replication.applyTime);
  ids.forEach((id, r) => {
    nodes.push(new DbNode({
      region: r, rowCount: keys.rowCount, applyTime, applyRng: rng.stream(`apply/${id}`),
      onApplied: (node, wal, i, doneUs) => {
        const slot = wal.slotOf(i);
        recorder.applied(wal.origin[slot] as number, node.region, wal.commitUs[slot] as number, doneUs);
      },
    }));
  });

  // --- workload and topology -------------------------------------------------
  const workload = new Workload(workloadOptions(sc, { sched, rng, ids, keys, endUs }, recorder));
  const primary = sc.topology.primary !== undefined ? idx(sc.topology.primary) : 0;
  let controller: FailoverController | undefined;
  const sp = new SinglePrimary({
    sched, rng, net, scenario: sc, nodes, workload, ledger, filtered, primary,
    cdcDelay: compileDist(sc.topology.replication.cdcDelay),
    leaseValid: (node) => controller?.leaseValid(node) ?? true,
    walRetentionBytes: WAL_RETENTION_BYTES,
  });

  // --- region state, for the timeline and fault bookkeeping ------------------
  const outage = ids.map(() => 0);
  const crashed = ids.map(() => 0);
  const paused = ids.map(() => 0);
  const cutsOf = ids.map(() => 0);
  const faultStartUs = ids.map(() => Infinity);
  let stonithFailureP = sc.failover.stonithFailureProbability;
  const timeline = new Timeline(ids, (r) => (r === primary ? 'primary' : 'replica'));
  const stateChanged = (r: number) => {
    const node = nodes[r] as DbNode;
    const state =
      outage[r]! > 0 || node.status === 'crashed' || node.status === 'off' ? (controller?.stonithed.has(r) ? 'fenced' : 'down')
      : node.status === 'paused' ? 'paused'
      : controller?.rebuilding.has(r) ? 'rebuilding'
      // A cut-off primary still acts as one (a zombie, if a newer one exists): show the role.
      : node.role === 'primary' ? 'primary'
      : isolated(r) ? 'partitioned' : 'replica';
    timeline.set(r, state, node.role, sched.now);
  };
  const touched = (r: number) => {
    if (faultStartUs[r] === Infinity || !isDisturbed(r)) faultStartUs[r] = sched.now;
  };
  /** Partitioned, for the timeline: cut off from at least half of the other regions. */
  const isolated = (r: number) => {
    let cut = 0;
    for (let b = 0; b < n; b++) if (b !== r && (!net.isUp(r, b) || !net.isUp(b, r))) cut++;
    return n > 1 && cut * 2 >= n - 1;
  };
  const isDisturbed = (r: number) => outage[r]! > 0 || crashed[r]! > 0 || paused[r]! > 0 || cutsOf[r]! > 0;
  /**
   * A fault on region r ended. A node that restarts (crash, outage) asks the
   * controller for the current epoch before serving, so it rejoins at once;
   * a node that simply resumes (pause) or regains its links does not know it
   * was away, and learns of a newer primary at the controller's next heartbeat.
   */
  const settle = (r: number, restarted = false) => {
    if (!isDisturbed(r)) faultStartUs[r] = Infinity;
    stateChanged(r);
    if (restarted) controller?.nodeBack();
  };
  const node = (r: number) => nodes[r] as DbNode;

  const verbs: FaultVerbs = {
    cut(a, b) {
      touched(a);
      touched(b);
      net.cut(a, b);
      cutsOf[a]!++;
      cutsOf[b]!++;
      stateChanged(a);
      stateChanged(b);
    },
    heal(a, b) {
      net.heal(a, b);
      cutsOf[a]!--;
      cutsOf[b]!--;
      settle(a);
      settle(b);
    },
    crash(r) {
      touched(r);
      crashed[r]!++;
      node(r).stop('crashed', sched.now);
      stateChanged(r);
    },
    restart(r) {
      if (--crashed[r]! > 0 || outage[r]! > 0 || controller?.stonithed.has(r)) return settle(r);
      node(r).resume(sched.now);
      settle(r, true);
    },
    outage(r) {
      touched(r);
      outage[r]!++;
      node(r).stop('crashed', sched.now);
      workload.dark[r] = true;
      net.cutRegion(r);
      stateChanged(r);
    },
    restore(r) {
      net.healRegion(r);
      if (--outage[r]! > 0) return;
      workload.dark[r] = false;
      if (crashed[r] === 0 && !controller?.stonithed.has(r)) node(r).resume(sched.now);
      settle(r, true);
    },
    pause(r) {
      touched(r);
      paused[r]!++;
      if (node(r).status === 'up') node(r).stop('paused', sched.now);
      stateChanged(r);
    },
    resume(r) {
      if (--paused[r]! > 0) return;
      if (node(r).status === 'paused') node(r).resume(sched.now);
      settle(r);
    },
    slowLink: (a, b, f) => net.setSlowFactor(a, b, f),
    lossy: (a, b, p) => net.setLoss(a, b, p),
    slowApply: (r, f) => node(r).setApplyFactor(f, sched.now),
    clockJump: (r, by) => (clocks[r] as WallClock).jump(by),
    stonithFailure(p) {
      stonithFailureP = p > 0 ? p : sc.failover.stonithFailureProbability;
    },
  };

  // --- control ---------------------------------------------------------------
  const monitor = new Monitor({
    sched, net, channels: () => sp.currentChannels(), recorder, ledger,
    lagWarningUs: sc.monitoring.lagWarning, lagCriticalUs: sc.monitoring.lagCritical, warmupUs: sc.warmup, regionIds: ids,
  });
  if (sc.failover.mode !== 'none' && n > 1) {
    const ctl = sc.failover.controller !== undefined ? idx(sc.failover.controller) : primary === 0 ? 1 : 0;
    const avgRowBytes = tables.reduce((a, t) => a + t.share * t.rowBytes, 0);
    controller = new FailoverController({
      sched, net, topo: sp, ledger, monitor, scenario: sc, regionIds: ids, controllerRegion: ctl,
      stonithRng: rng.stream('control/stonith'), stonithFailureProbability: () => stonithFailureP,
      faultStartUs: (r) => Math.min(faultStartUs[r] ?? Infinity, faultStartUs[ctl] ?? Infinity),
      controllerDown: () => outage[ctl]! > 0, stateChanged,
      snapshotBytes: keys.rowCount * avgRowBytes, bandwidthBytesPerS: sc.network.bandwidth,
      forgetAcked: (row, version) => recorder.staleness.forget(row, version),
    });
  }
  const nemesis = new Nemesis({ sched, rng, regionIds: ids, verbs, endUs, onEvent: opts.trace ? (e) => ledger.trace(e) : undefined });

  // --- run -------------------------------------------------------------------
  workload.start(sp);
  sp.start();
  monitor.start();
  controller?.start();
  nemesis.schedule(sc.faults);
  runToEnd(sched, endUs, opts.onProgress);
  for (const x of nodes) x.advance(endUs);
  controller?.finish();

  return buildSummary({
    scenario: sc, variant: opts.variant, seed: opts.seed, replayKey: replayKey(opts.seed, opts.contentHash),
    events: sched.executed, endUs, regionIds: ids, recorder, ledger,
    failovers: controller?.summaries(endUs) ?? [], failoversRefused: controller?.refused ?? 0,
    channels: sp.currentChannels(), timeline: timeline.finish(endUs), faults: nemesis.windows,
  });
}
