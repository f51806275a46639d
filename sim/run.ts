// One simulation run, for every topology: assembles the world from a
// validated scenario, runs the event loop to the scenario's end, and returns
// the summary (docs/metrics.md).
//
//   scenario ─► world (clocks, network) ─► workload ─► topology module
//            ─► monitor ─► fault verbs + region state ─► nemesis
//            ─► scheduler.run ─► catch up, finish ─► measurement ─► summary
//
// Everything here is written once; what differs between topologies comes
// from the topology's module (sim/topology/module.ts), found by
// `topology.kind` in sim/topology/registry.ts. A module's `create(ctx)`
// returns a `TopologyRun`: write/read, nodesOf(r), channels(), start /
// startControl / catchUp / finish, `measure` (the staleness oracle: which
// versions a read may reflect; epochs; conflicts), regionState(r) for the
// timeline, and fault hooks (crashed / restarting / heldDown / back, cut /
// healed, paused / resumed, clockJumped, linkDegraded). The
// model reports through one event interface (sim/measure/events.ts) that the
// recorder, ledger and checkers subscribe to (sim/measure/measurement.ts).
//
// Adding a topology:
//   1. write its module: sim/topology/<kind>/ (or <kind>-module.ts) exporting
//      a TopologyModule whose create(ctx) returns a TopologyRun;
//   2. add one line to sim/topology/registry.ts;
//   3. add its kind (and any fields of its own) to the scenario schema
//      (sim/scenario/schema.ts) and regenerate scenarios/scenario.schema.json;
//   4. test it (test/topology/) and give it a reference scenario.
// Nothing in this file changes.
//
// Pure with respect to the machine: no filesystem, no wall clock; sinks for
// the trace and history are passed in by the caller.
import type { Scenario } from './scenario/schema.ts';
import type { WallClock } from './world/clock.ts';
import { buildWorld } from './world/world.ts';
import { NoProgress, runToEnd, runToEndAsync } from './core/run-to-end.ts';
import { ModelDefect } from './core/errors.ts';
import { estimateRun } from './scenario/budget.ts';
import { Nemesis } from './world/faults.ts';
import { regionFaults } from './world/region-faults.ts';
import { Workload, workloadOptions } from './workload/workload.ts';
import { Monitor } from './control/monitor.ts';
import { topologyModule } from './topology/registry.ts';
import type { TopologyModule, TopologyRun } from './topology/module.ts';
import { EventHub } from './measure/events.ts';
import { Measurement } from './measure/measurement.ts';
import { Timeline } from './measure/timeline.ts';
import { buildSummary } from './measure/summary.ts';
import { failoverSummaries } from './measure/failovers.ts';
import type { Summary } from './scenario/summary-types.ts';
import type { HistoryWriter, TraceWriter } from './measure/history.ts';
import { REPSIM_VERSION } from './core/version.ts';
import { sha256Hex } from './core/sha256.ts';

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

/** (seed, content hash, version) → the key that reproduces a summary. */
export function replayKey(seed: number, contentHash: string): string {
  return sha256Hex(`${seed}\u0000${contentHash}\u0000${REPSIM_VERSION}`).slice(0, 16);
}

/** An assembled run: `run()` gives the summary; the rest is for tests. */
export interface AssembledRun {
  run(): Summary;
  /** `run`, awaiting `pause()` every fraction of a second of work (the playground's worker; the same summary). */
  runAsync(pause: () => Promise<void>): Promise<Summary>;
  /** After `run`: lets replication finish for `forUs` more (no new client operations). */
  settle(forUs: number): void;
  /** The topology, as its module assembled it. */
  readonly topology: TopologyRun;
  /** The run's events: subscribe before `run` to watch them. */
  readonly events: EventHub;
}

export function simulate(sc: Scenario, opts: RunOptions): Summary {
  return assemble(sc, opts).run();
}

/** `simulate`, letting the caller's event loop turn while it runs (runToEndAsync). */
export function simulateAsync(sc: Scenario, opts: RunOptions, pause: () => Promise<void>): Promise<Summary> {
  return assemble(sc, opts).runAsync(pause);
}

/** Assembles a run; `module` defaults to the registered module of `topology.kind` (tests may pass their own). */
export function assemble(sc: Scenario, opts: RunOptions, module: TopologyModule = topologyModule(sc.topology.kind)): AssembledRun {
  const { sched, rng, ids, n, endUs, net, clocks, keys, filtered } = buildWorld(sc, opts.seed);

  // --- events, workload, monitor ----------------------------------------------
  const events = new EventHub();
  const workload = new Workload(workloadOptions(sc, { sched, rng, ids, keys, endUs }, events, opts.history));
  let topo: TopologyRun | undefined;
  const monitor = new Monitor({
    sched, net, channels: () => (topo as TopologyRun).channels(), events,
    lagWarningUs: sc.monitoring.lagWarning, lagCriticalUs: sc.monitoring.lagCritical, warmupUs: sc.warmup, regionIds: ids,
  });

  // --- region state and fault verbs (bound to the topology below) -------------
  const faults = regionFaults({ sched, net, clocks, regionCount: n, stonithFailureProbability: sc.failover.stonithFailureProbability });
  const regions = faults.regions;
  let timeline: Timeline | undefined;

  // --- the topology -------------------------------------------------------------
  const t: TopologyRun = (topo = module.create({ scenario: sc, sched, rng, net, clocks, regionIds: ids, endUs, keys, filtered, workload, monitor, events, regions }));
  if (t.pickRow) workload.useRowPicker((region, r) => t.pickRow!(region, r));
  timeline = new Timeline(ids, (r) => t.initialState(r));
  const measurement = new Measurement({
    regionCount: n, sessionCount: n * sc.workload.sessions, rowCount: keys.rowCount, warmupUs: sc.warmup, filtered,
    fencingOn: sc.failover.fencing !== 'none', trace: opts.trace,
  }, t.measure);
  measurement.subscribeTo(events);

  faults.bind({
    nodesOf: (r) => t.nodesOf(r),
    hooks: t.faults,
    setDark: (r, dark) => workload.setDark(r, dark),
    stateChanged(r) {
      const st = t.regionState(r);
      (timeline as Timeline).set(r, st.state, st.role, sched.now);
    },
  });
  const nemesis = new Nemesis({ sched, rng, regionIds: ids, verbs: faults.verbs, endUs, onEvent: opts.trace ? (e) => events.trace(e) : undefined });

  const guard = { expectedEventsPerUs: estimateRun(sc).events / Math.max(1, endUs) };
  const begin = (): void => {
    workload.start(t);
    t.start();
    if (t.monitored) monitor.start();
    t.startControl?.();
    nemesis.schedule(sc.faults);
  };
  const failed = (e: unknown): unknown => (e instanceof NoProgress ? modelDefect(e, opts) : e);
  const finish = (): Summary => {
    t.catchUp(endUs);
    if (t.monitored) monitor.recordUnapplied(endUs);
    t.finish?.();
    const { recorder, ledger, conflicts } = measurement;
    const summary = buildSummary({
      scenario: sc, variant: opts.variant, seed: opts.seed, replayKey: replayKey(opts.seed, opts.contentHash),
      events: sched.executed, endUs, regionIds: ids, recorder, ledger,
      failovers: failoverSummaries(ledger, ids), failoversRefused: ledger.refused,
      channels: [...t.channels()], timeline: timeline.finish(endUs), faults: nemesis.windows,
      conflicts: conflicts ? { total: conflicts.total, lostUpdates: conflicts.lostUpdates } : undefined,
      traffic: net.traffic, hosts: ids.map((_, r) => t.hostsIn(r)),
    });
    t.summarize?.(summary);
    return summary;
  };

  return {
    topology: t,
    events,
    run(): Summary {
      begin();
      try {
        runToEnd(sched, endUs, opts.onProgress, guard);
      } catch (e) {
        throw failed(e);
      }
      return finish();
    },
    async runAsync(pause: () => Promise<void>): Promise<Summary> {
      begin();
      try {
        await runToEndAsync(sched, endUs, pause, opts.onProgress, guard);
      } catch (e) {
        throw failed(e);
      }
      return finish();
    },
    settle(forUs: number): void {
      const until = sched.now + forUs;
      sched.run(until);
      t.catchUp(until);
    },
  };
}

/** The message of a run that stopped making progress: where, what kept firing, and what to report. */
function modelDefect(e: NoProgress, opts: RunOptions): ModelDefect {
  const top = e.top.map(([name, k]) => `${name} ${k}`).join(', ');
  return new ModelDefect([
    `repsim: model defect: the run stopped making progress at ${(e.atUs / 1e6).toFixed(6)} s simulated: ${e.why}.`,
    `  callbacks that fired most in the next ${e.sampled} events: ${top || 'none (the event queue ran dry)'}`,
    `  variant ${opts.variant}, seed ${opts.seed}, replay key ${replayKey(opts.seed, opts.contentHash)}`,
  ]);
}
