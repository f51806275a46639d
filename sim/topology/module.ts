// The topology module interface: everything a topology provides to the one
// run assembly (sim/run.ts). A topology is a module registered by
// `topology.kind` in sim/topology/registry.ts; the assembly builds the world,
// the workload, the monitor, the nemesis, the region state and fault verbs
// (sim/world/region-faults.ts) and the measurement once, and asks the module for the rest.
//
// A module's `create(ctx)` gets the assembled world and returns a
// `TopologyRun`:
//   - write / read: serve client operations (report outcomes to ctx.workload)
//   - nodesOf(r): the database nodes of region r (fault verbs stop, resume
//     and slow them); hostsIn(r): how many hosts they run on (node prices)
//   - channels(): replication channels, for the monitor and the summary
//   - start() / startControl() / catchUp(t) / finish(): the run's life
//   - measure: what a read reflects (the staleness oracle) and what else the
//     measurement judges (epochs, conflicts)
//   - regionState(r): the timeline lane of region r
//   - faults: how it reacts to fault verbs beyond stopping and resuming nodes
// Everything the model reports goes out through ctx.events (sim/measure/
// events.ts); a topology imports no recorder, ledger or checker.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng, RngRoot } from '../core/rng.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Network } from '../world/network.ts';
import type { WallClock } from '../world/clock.ts';
import type { Channel } from '../db/channel.ts';
import type { KeySpace } from '../world/keys.ts';
import type { Topology } from '../db/op.ts';
import type { Workload } from '../workload/workload.ts';
import type { Monitor } from '../control/monitor.ts';
import type { MeasureSpec, RunEvents } from '../measure/events.ts';
import type { Summary, TimelineSegment } from '../scenario/summary-types.ts';
import type { FaultHooks, NodeProcess, RegionFaults } from '../world/region-faults.ts';

// The region state and the fault hooks are the world's (sim/world/region-faults.ts); named here too for topologies.
export type { FaultHooks, NodeProcess, RegionFaults };

export type TopologyKind = Scenario['topology']['kind'];

/** What the assembly hands a topology module. */
export interface TopologyContext {
  scenario: Scenario;
  sched: Scheduler;
  rng: RngRoot;
  net: Network;
  clocks: readonly WallClock[];
  /** Region ids in scenario order (a region's index is its position). */
  regionIds: readonly string[];
  endUs: number;
  keys: KeySpace;
  /** Tables (by index) not replicated. */
  filtered: ReadonlySet<number>;
  workload: Workload;
  monitor: Monitor;
  events: RunEvents;
  regions: RegionFaults;
}

/** One topology, assembled for one run. */
export interface TopologyRun extends Topology {
  /** The database nodes (or replicas) of region r. */
  nodesOf(r: number): readonly NodeProcess[];
  /** How many database hosts region r runs (what costs.nodePerHour is charged for; groups sharing hosts count once). */
  hostsIn(r: number): number;
  /** Replication channels now (monitor samples them; the summary reports their final status). */
  channels(): Iterable<Channel>;
  /** Whether the lag monitor runs. */
  readonly monitored: boolean;
  /** What the measurement judges, and the staleness oracle. */
  readonly measure: MeasureSpec;
  /** The timeline lane of region r now. */
  regionState(r: number): { state: TimelineSegment['state']; role: TimelineSegment['role'] };
  /** Timeline state of region r at time 0. */
  initialState(r: number): TimelineSegment['state'];
  readonly faults: FaultHooks;
  /** Picks the row of an operation issued in `region` (region-pinned homes users); absent: the workload's key distribution. */
  pickRow?(region: number, rng: Rng): number;
  /** Starts the topology's own timers (before the monitor starts). */
  start(): void;
  /** Starts its control plane (after the monitor), e.g. a failover controller. */
  startControl?(): void;
  /** Lets every node apply what it received by `untilUs` (end of run, tests). */
  catchUp(untilUs: number): void;
  /** End of run, after `catchUp(endUs)`: end-of-run convergence (what a converged system would lose). */
  finish?(): void;
  /**
   * After the summary is built: a topology that keeps its own books (consensus: terms, elections,
   * safety checks) adds its own section, channel status only it knows and its invariant violations.
   * It never writes rpo, splitBrain, rto or failovers: those are the ledger's, from the run events.
   */
  summarize?(summary: Summary): void;
}

export interface TopologyModule {
  readonly kind: TopologyKind;
  create(ctx: TopologyContext): TopologyRun;
}
