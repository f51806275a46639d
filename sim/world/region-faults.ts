// The state of every region under faults, and the fault verbs that change
// it, implemented once for every topology. Each verb comes paired with its
// undo (cut/heal, crash/restart, outage/restore, pause/resume, slowLink and
// lossy set back to 1 and 0, slowApply back to 1): the nemesis
// (sim/world/faults.ts) calls them at the scenario's times.
//
// Faults nest: a region's outage, crash, pause and cut counters count the
// faults still running on it, and a node resumes only when the last of them
// ends. The verbs act on the world (the network, the clocks) and, through a
// `FaultTarget` the run assembly binds once the topology exists, on the
// topology's nodes, its fault hooks, the clients of a dark region and the
// timeline — never on anything else.
import type { Scheduler } from '../core/scheduler.ts';
import type { FaultVerbs } from './faults.ts';
import type { Network } from './network.ts';
import type { WallClock } from './clock.ts';

/** Fault state per region, kept by the fault verbs (read-only to topologies). */
export interface RegionFaults {
  /** Nested outages / crashes / pauses / cut links of region r now. */
  outage(r: number): number;
  crashed(r: number): number;
  paused(r: number): number;
  cuts(r: number): number;
  /** Cut off from at least half of the other regions (either direction). */
  isolated(r: number): boolean;
  /** When the latest still-running fault on region r (or its links) began, µs (Infinity: none). */
  faultStartUs(r: number): number;
  /** STONITH failure probability now (the scenario's, or a stonithFailure fault's). */
  stonithFailureProbability(): number;
  /** Tells the timeline that region r's state may have changed. */
  stateChanged(r: number): void;
}

/** A node as the fault verbs see it: a process that stops (crash, pause, power-off), resumes and applies slower. */
export interface NodeProcess {
  readonly status: 'up' | 'crashed' | 'paused' | 'off';
  stop(status: 'crashed' | 'paused' | 'off', nowUs: number): void;
  resume(nowUs: number): void;
  setApplyFactor(factor: number, nowUs: number): void;
}

/** How a topology reacts to fault verbs, beyond the verbs' stopping and resuming of its nodes. */
export interface FaultHooks {
  /** Region r's nodes just crashed (after they stopped). */
  crashed?(r: number): void;
  /** Region r's nodes are about to restart after a crash (before they resume). */
  restarting?(r: number): void;
  /** Region r must stay down even when its faults end (e.g. powered off by STONITH). */
  heldDown?(r: number): boolean;
  /** Region r's nodes restarted (crash or outage over): e.g. let them rejoin at once. */
  back?(r: number): void;
  /** The directed link from → to was cut / healed (nested cuts count; `net.isUp` says the state). */
  cut?(from: number, to: number): void;
  healed?(from: number, to: number): void;
  /** Region r's nodes were paused / resumed (after the verbs stopped or resumed them). */
  paused?(r: number): void;
  resumed?(r: number): void;
  /** Region r's wall clock jumped by `byUs`. */
  clockJumped?(r: number, byUs: number): void;
  /** The link between a and b began to slow down or lose messages (a slowLink or loss fault started). */
  linkDegraded?(a: number, b: number): void;
}

/** What the verbs act on beyond the world: bound by the run assembly once the topology exists. */
export interface FaultTarget {
  /** The topology's nodes in region r. */
  nodesOf(r: number): readonly NodeProcess[];
  readonly hooks: FaultHooks;
  /** Region r's clients go dark (a region outage) or come back. */
  setDark(r: number, dark: boolean): void;
  /** Region r's state may have changed: the timeline records it. */
  stateChanged(r: number): void;
}

export interface RegionFaultOptions {
  sched: Scheduler;
  net: Network;
  clocks: readonly WallClock[];
  regionCount: number;
  /** The scenario's STONITH failure probability (a stonithFailure fault overrides it while it runs). */
  stonithFailureProbability: number;
}

/** The region state (for the topology) and the verbs (for the nemesis), paired; `bind` before the first verb. */
export interface RegionFaultState {
  readonly regions: RegionFaults;
  readonly verbs: FaultVerbs;
  bind(target: FaultTarget): void;
}

export function regionFaults(o: RegionFaultOptions): RegionFaultState {
  const { sched, net, clocks } = o;
  const n = o.regionCount;
  const zeros = () => Array.from({ length: n }, () => 0);
  const outage = zeros();
  const crashed = zeros();
  const paused = zeros();
  const cutsOf = zeros();
  const faultStartUs = Array.from({ length: n }, () => Infinity);
  let stonithFailureP = o.stonithFailureProbability;
  let bound: FaultTarget | undefined;
  const target = (): FaultTarget => {
    if (!bound) throw new Error('invariant: a fault verb ran before the run assembly bound the topology');
    return bound;
  };
  const stateChanged = (r: number) => target().stateChanged(r);
  const isDisturbed = (r: number) => outage[r]! > 0 || crashed[r]! > 0 || paused[r]! > 0 || cutsOf[r]! > 0;

  const regions: RegionFaults = {
    outage: (r) => outage[r]!,
    crashed: (r) => crashed[r]!,
    paused: (r) => paused[r]!,
    cuts: (r) => cutsOf[r]!,
    isolated(r) {
      let cut = 0;
      for (let b = 0; b < n; b++) if (b !== r && (!net.isUp(r, b) || !net.isUp(b, r))) cut++;
      return n > 1 && cut * 2 >= n - 1;
    },
    faultStartUs: (r) => faultStartUs[r] ?? Infinity,
    stonithFailureProbability: () => stonithFailureP,
    stateChanged,
  };

  /** A fault on region r (or its links) begins: the region's fault clock starts unless one already runs. */
  const touched = (r: number) => {
    if (faultStartUs[r] === Infinity || !isDisturbed(r)) faultStartUs[r] = sched.now;
  };
  /**
   * A fault on region r ended. A node that restarts (crash, outage) may
   * rejoin at once (the topology's `back` hook); a node that simply resumes
   * (pause) or regains its links does not know it was away.
   */
  const settle = (r: number, restarted = false) => {
    if (!isDisturbed(r)) faultStartUs[r] = Infinity;
    stateChanged(r);
    if (restarted) target().hooks.back?.(r);
  };
  const heldDown = (r: number) => target().hooks.heldDown?.(r) ?? false;
  const stopAll = (r: number, status: 'crashed' | 'paused') => {
    for (const x of target().nodesOf(r)) if (x.status === 'up' || status === 'crashed') x.stop(status, sched.now);
  };
  const resumeAll = (r: number) => {
    for (const x of target().nodesOf(r)) x.resume(sched.now);
  };

  const verbs: FaultVerbs = {
    cut(a, b) {
      touched(a);
      touched(b);
      net.cut(a, b);
      cutsOf[a]!++;
      cutsOf[b]!++;
      target().hooks.cut?.(a, b);
      stateChanged(a);
      stateChanged(b);
    },
    heal(a, b) {
      net.heal(a, b);
      cutsOf[a]!--;
      cutsOf[b]!--;
      target().hooks.healed?.(a, b);
      settle(a);
      settle(b);
    },
    crash(r) {
      touched(r);
      crashed[r]!++;
      stopAll(r, 'crashed');
      target().hooks.crashed?.(r);
      stateChanged(r);
    },
    restart(r) {
      if (--crashed[r]! > 0 || outage[r]! > 0 || heldDown(r)) return settle(r);
      target().hooks.restarting?.(r);
      resumeAll(r);
      settle(r, true);
    },
    outage(r) {
      touched(r);
      outage[r]!++;
      stopAll(r, 'crashed');
      target().setDark(r, true);
      net.cutRegion(r);
      stateChanged(r);
    },
    restore(r) {
      net.healRegion(r);
      if (--outage[r]! > 0) return;
      target().setDark(r, false);
      if (crashed[r] === 0 && !heldDown(r)) resumeAll(r);
      settle(r, true);
    },
    pause(r) {
      touched(r);
      paused[r]!++;
      stopAll(r, 'paused');
      target().hooks.paused?.(r);
      stateChanged(r);
    },
    resume(r) {
      if (--paused[r]! > 0) return;
      for (const x of target().nodesOf(r)) if (x.status === 'paused') x.resume(sched.now);
      target().hooks.resumed?.(r);
      settle(r);
    },
    slowLink(a, b, f) {
      net.setSlowFactor(a, b, f);
      if (f > 1) target().hooks.linkDegraded?.(a, b);
    },
    lossy(a, b, p) {
      net.setLoss(a, b, p);
      if (p > 0) target().hooks.linkDegraded?.(a, b);
    },
    slowApply(r, f) {
      for (const x of target().nodesOf(r)) x.setApplyFactor(f, sched.now);
    },
    clockJump(r, by) {
      (clocks[r] as WallClock).jump(by);
      target().hooks.clockJumped?.(r, by);
    },
    stonithFailure(p) {
      stonithFailureP = p > 0 ? p : o.stonithFailureProbability;
    },
  };

  return {
    regions,
    verbs,
    bind(t) {
      bound = t;
    },
  };
}
