// Assembly of a consensus run: the same world, workload and nemesis as the
// other topologies, a Raft group placed over the regions, and its gateways.
//
//   scenario ─► world (clocks, network) ─► group (replicas) + gateways + workload
//            ─► nemesis (faults → verbs on regions) ─► scheduler.run
//            ─► recorder + group bookkeeping ─► summary (+ metrics.consensus)
//
// Region faults act on every replica in the region: crash/restart, outage
// (replicas, clients and links), pause/resume, slow apply (the replicas'
// disks), clock jumps; link faults act on the network. There is no failover
// controller (the group elects its leaders); failover settings do not apply.
import { compileDist } from '../../core/distributions.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { WallClock } from '../../world/clock.ts';
import { buildWorld, runToEnd } from '../../world/world.ts';
import { Nemesis, type FaultVerbs } from '../../world/faults.ts';
import { Workload, workloadOptions } from '../../workload/workload.ts';
import { Recorder } from '../../measure/recorder.ts';
import { Ledger } from '../../measure/ledger.ts';
import { Timeline } from '../../measure/timeline.ts';
import { buildSummary } from '../../measure/summary.ts';
import { round3 } from '../../measure/histogram.ts';
import type { FailoverSummary, Percentiles, Summary, TimelineSegment } from '../../measure/summary-types.ts';
import type { HistoryWriter, TraceWriter } from '../../measure/history.ts';
import { RaftGroup, type Placement } from './group.ts';
import { ConsensusTopology, type ReadStrategy } from './consensus.ts';
import { AckedWrites } from './acked.ts';
import type { RaftNode } from './raft.ts';

export interface ConsensusRunOptions {
  seed: number;
  variant: string;
  replayKey: string;
  trace?: TraceWriter | undefined;
  history?: HistoryWriter | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

/** metrics.consensus of the summary. */
export interface ConsensusMetrics {
  elections: number;
  /** Pre-vote rounds started (each real election with pre-vote on follows one; failed ones end there). */
  preVotes: number;
  leaderChanges: number;
  maxTerm: number;
  /** Proposal → majority durable at the leader, per region of the leader (regions that led). */
  commitLatencyMs: Record<string, Percentiles>;
  /** Leaseholder reads served after a newer leader began serving while clocks were beyond maxClockOffset. */
  leaseReadsBeyondClockBound: number;
}

export interface ConsensusWorld {
  run(): Summary;
  group: RaftGroup;
  topology: ConsensusTopology;
}

/** Replica placement from the scenario: voters (default 1 per region), then non-voters, in region order. */
export function placementOf(sc: Scenario, ids: readonly string[]): Placement[] {
  const c = sc.topology.consensus;
  const out: Placement[] = [];
  ids.forEach((id, r) => {
    const v = c.voters ? (c.voters[id] ?? 0) : 1;
    for (let k = 0; k < v; k++) out.push({ region: r, voter: true });
  });
  ids.forEach((id, r) => {
    for (let k = 0; k < (c.nonVoters[id] ?? 0); k++) out.push({ region: r, voter: false });
  });
  return out;
}

/** The read strategy per region. */
export function readsOf(sc: Scenario, ids: readonly string[]): ReadStrategy[] {
  const r = sc.topology.consensus.reads;
  return ids.map((id) => (typeof r === 'string' ? r : (r[id] ?? 'leaseholder')));
}

export function assembleConsensus(sc: Scenario, opts: ConsensusRunOptions): ConsensusWorld {
  const { sched, rng, ids, n, endUs, net, clocks, keys } = buildWorld(sc, opts.seed);
  const c = sc.topology.consensus;
  const idx = (id: string) => ids.indexOf(id);

  // --- the group ---------------------------------------------------------------
  const preferred = c.leader !== undefined ? idx(c.leader) : 0;
  const placement = placementOf(sc, ids);
  let group: RaftGroup | undefined;
  const recorder = new Recorder({
    regionCount: n, sessionCount: n * sc.workload.sessions, warmupUs: sc.warmup, history: opts.history,
    minVisible: (row) => {
      let m = Infinity;
      for (const x of (group as RaftGroup).nodes) {
        const v = x.rowVersion[row] as number;
        if (v < m) m = v;
      }
      return m;
    },
  });
  const timeline = new Timeline(ids, () => 'follower');
  group = new RaftGroup({
    sched, rng, net, regionIds: ids, clocks,
    cfg: {
      heartbeatIntervalUs: c.heartbeatInterval, electionTimeoutUs: c.electionTimeout, preVote: c.preVote, checkQuorum: c.checkQuorum,
      leaseDurationUs: c.leaseDuration, maxClockOffsetUs: c.maxClockOffset,
    },
    placement, preferredRegion: preferred, durability: compileDist(sc.topology.replication.applyTime), rowCount: keys.rowCount, warmupUs: sc.warmup,
    onStateChange: (x) => stateChanged(x.region),
    onApplied: (x, id) => {
      const e = (group as RaftGroup).entries;
      recorder.applied(e.region(id), x.region, e.proposeUs(id), sched.now);
    },
  });
  const g = group;
  const acked = new AckedWrites();
  const workload = new Workload(workloadOptions(sc, { sched, rng, ids, keys, endUs }, recorder));
  const topology = new ConsensusTopology({
    sched, net, group: g, workload, clocks, reads: readsOf(sc, ids), followerReadLagUs: c.followerReadLag,
    clientTimeoutUs: sc.workload.clientTimeout,
    onAcked: (id, index, term, region, ackUs) => acked.add(id, index, term, region, ackUs),
  });

  // --- region state and fault verbs ----------------------------------------------
  const outage = ids.map(() => 0);
  const crashed = ids.map(() => 0);
  const paused = ids.map(() => 0);
  const nodesIn = ids.map((_, r) => g.nodes.filter((x) => x.region === r));
  /** Cut off from more than half of the other regions. */
  const isolated = (r: number) => {
    let cut = 0;
    for (let b = 0; b < n; b++) if (b !== r && (!net.isUp(r, b) || !net.isUp(b, r))) cut++;
    return n > 1 && cut * 2 > n - 1;
  };
  function stateChanged(r: number): void {
    const xs = nodesIn[r] ?? [];
    const leads = xs.some((x) => x.role === 'leader' && x.status !== 'crashed');
    const state: TimelineSegment['state'] =
      outage[r]! > 0 || (xs.length > 0 && xs.every((x) => x.status === 'crashed')) ? 'down'
      : paused[r]! > 0 ? 'paused'
      : isolated(r) ? 'unreachable'
      : leads ? 'leader'
      : xs.some((x) => x.role === 'candidate' || x.role === 'precandidate') ? 'candidate'
      : 'follower';
    timeline.set(r, state, leads ? 'primary' : 'replica', sched.now);
  }
  const disturbed = () => {
    g.lastFaultUs = sched.now;
  };
  const verbs: FaultVerbs = {
    cut(a, b) { disturbed(); net.cut(a, b); stateChanged(a); stateChanged(b); },
    heal(a, b) { net.heal(a, b); stateChanged(a); stateChanged(b); },
    crash(r) {
      disturbed();
      crashed[r]!++;
      for (const x of nodesIn[r] ?? []) x.crash();
      stateChanged(r);
    },
    restart(r) {
      if (--crashed[r]! > 0 || outage[r]! > 0) return stateChanged(r);
      for (const x of nodesIn[r] ?? []) x.restart();
      stateChanged(r);
    },
    outage(r) {
      disturbed();
      outage[r]!++;
      for (const x of nodesIn[r] ?? []) x.crash();
      workload.dark[r] = true;
      net.cutRegion(r);
      stateChanged(r);
    },
    restore(r) {
      net.healRegion(r);
      if (--outage[r]! > 0) return;
      workload.dark[r] = false;
      if (crashed[r] === 0) for (const x of nodesIn[r] ?? []) x.restart();
      stateChanged(r);
    },
    pause(r) {
      disturbed();
      paused[r]!++;
      for (const x of nodesIn[r] ?? []) x.pause();
      stateChanged(r);
    },
    resume(r) {
      if (--paused[r]! > 0) return;
      for (const x of nodesIn[r] ?? []) x.resume();
      stateChanged(r);
    },
    slowLink: (a, b, f) => { if (f > 1) disturbed(); net.setSlowFactor(a, b, f); },
    lossy: (a, b, p) => { if (p > 0) disturbed(); net.setLoss(a, b, p); },
    slowApply: (r, f) => { for (const x of nodesIn[r] ?? []) x.setDiskFactor(f); },
    clockJump: (r, by) => { disturbed(); (clocks[r] as WallClock).jump(by); },
    stonithFailure() {},
  };
  const ledger = new Ledger(opts.trace);
  const nemesis = new Nemesis({ sched, rng, regionIds: ids, verbs, endUs, onEvent: opts.trace ? (e) => ledger.trace(e) : undefined });

  return {
    group: g,
    topology,
    run(): Summary {
      const first = g.voterIn(preferred);
      g.start(first >= 0 ? first : (g.voters[0] as number));
      topology.start();
      ids.forEach((_, r) => stateChanged(r));
      workload.start(topology);
      nemesis.schedule(sc.faults);
      runToEnd(sched, endUs, opts.onProgress);

      // RPO: an acknowledged write that no replica's log holds at its index.
      const lost = acked.lostOn(g.nodes);
      ledger.total.lostAckedWrites = lost.count;
      ledger.total.lostBytes = lost.count === 0 ? 0 : lost.ids.reduce((a, id) => a + g.entries.bytes(id), 0);
      ledger.total.firstAckUs = lost.firstAckUs;
      ledger.total.lastAckUs = lost.lastAckUs;
      for (const v of g.invariants.violations) ledger.violations.push(v);
      for (const e of acked.splitBrain()) ledger.zombieEpisodes.push({ zombie: e.region, epoch: e.term, firstAckUs: e.firstAckUs, lastAckUs: e.lastAckUs, divergentWrites: e.writes });

      const failovers: FailoverSummary[] = g.changes.filter((x) => x.electedUs > 0 || x.term > 1).map((x) => {
        const completedUs = x.servingUs >= 0 ? x.servingUs : x.electedUs;
        const endAt = x.firstAckUs >= 0 ? x.firstAckUs : completedUs;
        const lostHere = lost.ackTimes.filter((t) => t >= x.faultUs - 60e6 && t <= x.electedUs).length;
        return {
          from: x.from >= 0 ? (ids[(g.nodes[x.from] as RaftNode).region] as string) : '',
          to: ids[(g.nodes[x.to] as RaftNode).region] as string,
          reason: 'election', startedAtMs: x.campaignStartUs / 1000, completedAtMs: completedUs / 1000,
          rtoMs: round3((endAt - x.faultUs) / 1000), lostAckedWrites: lostHere, lostBytes: 0,
          faultAtMs: x.faultUs / 1000, epoch: x.term, rtoEndsAt: x.firstAckUs >= 0 ? 'first-write' : 'promotion',
        };
      });
      const summary = buildSummary({
        scenario: sc, variant: opts.variant, seed: opts.seed, replayKey: opts.replayKey,
        events: sched.executed, endUs, regionIds: ids, recorder, ledger, failovers, failoversRefused: 0,
        channels: [], timeline: timeline.finish(endUs), faults: nemesis.windows,
      });
      const commitLatencyMs: Record<string, Percentiles> = {};
      g.commitLatency.forEach((h, r) => { if (h.count > 0) commitLatencyMs[ids[r] as string] = h.summaryMs(); });
      const consensus: ConsensusMetrics = {
        elections: g.elections, preVotes: g.preVotes, leaderChanges: g.leaderChanges, maxTerm: g.maxTerm, commitLatencyMs,
        leaseReadsBeyondClockBound: g.invariants.leaseReadsBeyondClockBound,
      };
      summary.metrics.consensus = consensus;
      return summary;
    },
  };
}
