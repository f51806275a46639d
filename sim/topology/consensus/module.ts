// The consensus topology as a module (sim/topology/module.ts): a Raft group
// placed over the regions (group.ts, raft.ts) behind each region's gateway
// (consensus.ts). The run assembly's fault verbs stop, resume and slow the
// replicas of a region (crash, outage, pause, slow apply: their disks); link
// faults act on the network; clock jumps on the region's clock, which the
// leases read. The group elects its own leaders: failover settings do not
// apply. It reports what the measurement books for every topology as run
// events: acks (each naming its group and the leader's term, which is the
// group's epoch), each election won after the start as a failover
// (`promoted`, reason `election`, once the new leader may serve), and at the
// end of the run each acknowledged write no replica holds (`lostAcked`,
// charged to the leader change during whose reign it was acknowledged). It
// keeps its own books — terms, elections, leader changes, commit latency —
// which summary.ts adds as metrics.consensus, with the channels' status and
// the safety checks' violations.
//
// Placement per table (placement.ts): tables listed under
// topology.consensus.tables get their own groups (regional-by-table: one;
// regional-by-row: one per home region), each with its own replicas, RNG
// streams, gateways and books; an operation goes to its row's group. The
// module's answers cover every group: a region's nodes are all groups'
// replicas there, its lane is `leader` while any group's leader is there, the
// staleness oracle reads the row's group, failovers[] lists every group's
// leader changes (with the group's name), each group's terms are its own
// epochs (for deposed writes and split-brain), and
// metrics.consensus gains latencyMs (local / remote) and groups[].
import { compileDist } from '../../core/distributions.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Summary, TimelineSegment } from '../../scenario/summary-types.ts';
import { summarizeGroups, type GroupUnit, type LatencySplit } from './summary.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { RaftGroup, type Placement } from './group.ts';
import { ConsensusTopology, type ReadStrategy } from './consensus.ts';
import { AckedWrites } from './acked.ts';
import type { RaftNode } from './raft.ts';
import { LatencyHistogram } from '../../measure/histogram.ts';
import type { Op } from '../../db/op.ts';
import type { Rng } from '../../core/rng.ts';
import { homedKey } from '../homes.ts';
import { layoutOf, placementFrom, SHARED_GROUP } from './placement.ts';

/** Acknowledged writes tracked before those every replica applied are settled. */
const ACKED_SETTLE_EVERY = 65_536;

/** Replica placement of the shared group from the scenario: voters (default 1 per region), then non-voters, in region order. */
export function placementOf(sc: Scenario, ids: readonly string[]): Placement[] {
  const c = sc.topology.consensus;
  return placementFrom(ids.map((id) => (c.voters ? (c.voters[id] ?? 0) : 1)), ids.map((id) => c.nonVoters[id] ?? 0));
}

/** The read strategy per region. */
export function readsOf(sc: Scenario, ids: readonly string[]): ReadStrategy[] {
  const r = sc.topology.consensus.reads;
  return ids.map((id) => (typeof r === 'string' ? r : (r[id] ?? 'leaseholder')));
}

/** The consensus run, with its groups and gateways exposed for tests (`group`, `gateways`: the first group's). */
export interface ConsensusRun extends TopologyRun {
  readonly group: RaftGroup;
  readonly gateways: ConsensusTopology;
  readonly units: readonly GroupUnit[];
  /** The group index of a row. */
  groupOf(row: number): number;
}

export const consensusModule: TopologyModule = {
  kind: 'consensus',
  create(ctx: TopologyContext): ConsensusRun {
    const { scenario: sc, sched, rng, net, clocks, regionIds: ids, keys, regions } = ctx;
    const c = sc.topology.consensus;
    const n = ids.length;
    const layout = layoutOf(sc, ids, keys, (a, b) => net.rttUs(a, b));
    /** Per-table placement asked for: the summary gains the group detail and the latency split. */
    const placed = Object.keys(c.tables).length > 0;
    const commitLatency = placed ? ids.map(() => new LatencyHistogram()) : undefined;
    const split: LatencySplit | undefined = placed
      ? { local: { writes: new LatencyHistogram(), reads: new LatencyHistogram() }, remote: { writes: new LatencyHistogram(), reads: new LatencyHistogram() } }
      : undefined;
    const durability = compileDist(sc.topology.replication.applyTime);
    const reads = readsOf(sc, ids);
    /** Per group: the reported leader changes' election times and loss tallies, in order. */
    const reigns: Array<Array<{ electedUs: number; tally: number }>> = layout.groups.map(() => []);
    let tallies = 0;
    const units: GroupUnit[] = layout.groups.map((spec, k) => {
      const group: RaftGroup = new RaftGroup({
        sched, rng, net, regionIds: ids, clocks,
        cfg: {
          heartbeatIntervalUs: c.heartbeatInterval, electionTimeoutUs: c.electionTimeout, preVote: c.preVote, checkQuorum: c.checkQuorum,
          leaseDurationUs: c.leaseDuration, maxClockOffsetUs: c.maxClockOffset, commitNotify: c.answerFrom === 'local',
        },
        placement: spec.placement, preferredRegion: spec.preferred, leaderReturns: c.leaderPlacement === 'preferred', durability,
        rowCount: keys.rowCount, warmupUs: sc.warmup,
        onStateChange: (x) => regions.stateChanged(x.region),
        onApplied: (x, id) => ctx.events.applied(group.entries.region(id), x.region, group.entries.proposeUs(id), sched.now),
        streamPrefix: spec.name === SHARED_GROUP ? undefined : `consensus/${spec.name}`,
        commitLatency,
        onLeaderChange: (x) => {
          if (x.term <= 1) return;
          const tally = tallies++;
          (reigns[k] as Array<{ electedUs: number; tally: number }>).push({ electedUs: x.electedUs, tally });
          const regionOf = (node: number) => (group.nodes[node] as RaftNode).region;
          ctx.events.promoted({
            from: x.from >= 0 ? regionOf(x.from) : -1, to: regionOf(x.to), reason: 'election',
            faultAtUs: x.faultUs, startedAtUs: x.campaignStartUs, completedAtUs: x.servingUs >= 0 ? x.servingUs : x.electedUs,
            epoch: x.term, tally, group: k, ...(placed ? { groupName: spec.name } : {}),
          });
        },
      });
      const acked = new AckedWrites();
      let settleAt = ACKED_SETTLE_EVERY;
      const gateways = new ConsensusTopology({
        sched, net, group, workload: ctx.workload, clocks, reads, followerReadLagUs: c.followerReadLag,
        clientTimeoutUs: sc.workload.clientTimeout, groupIndex: k, answerFrom: c.answerFrom,
        onAcked: (id, index, _term, _region, ackUs) => {
          acked.add(id, index, ackUs);
          if (acked.count >= settleAt) {
            let applied = Infinity;
            for (const x of group.nodes) if (x.appliedIndex < applied) applied = x.appliedIndex;
            acked.settle(applied, (i) => group.invariants.committedAt(i));
            settleAt = acked.count + ACKED_SETTLE_EVERY;
          }
        },
        onServed: split
          ? (op: Op, atUs: number) => {
              if (op.invokeUs < sc.warmup) return;
              const side = spec.preferred === op.region ? split.local : split.remote;
              (op.write ? side.writes : side.reads).record(atUs - op.invokeUs);
            }
          : undefined,
      });
      return { spec, group, gateways, acked };
    });
    const first = units[0] as GroupUnit;
    /** Acknowledged writes each group lost (set at the end of the run, for metrics.consensus.groups[]). */
    const lostPerGroup = units.map(() => 0);
    const groupOf = layout.groupOf;
    const unitNodes = units.map((u) => u.group.nodes);
    const nodesIn = ids.map((_, r) => units.flatMap((u) => u.group.nodes.filter((x) => x.region === r)));

    /** Cut off from more than half of the other regions (either direction). */
    const unreachable = (r: number) => {
      let cut = 0;
      for (let b = 0; b < n; b++) if (b !== r && (!net.isUp(r, b) || !net.isUp(b, r))) cut++;
      return n > 1 && cut * 2 > n - 1;
    };
    type State = ReturnType<TopologyRun['regionState']>;
    const regionState = (r: number): State => {
      // The latest fault start the assembly reports is what a following election's RTO counts from.
      const f = regions.faultStartUs(r);
      if (f !== Infinity) for (const u of units) if (f > u.group.lastFaultUs) u.group.lastFaultUs = f;
      const xs = nodesIn[r] ?? [];
      const leads = xs.some((x) => x.role === 'leader' && x.status !== 'crashed');
      const state: TimelineSegment['state'] =
        regions.outage(r) > 0 || (xs.length > 0 && xs.every((x) => x.status === 'crashed')) ? 'down'
        : regions.paused(r) > 0 ? 'paused'
        : unreachable(r) ? 'unreachable'
        : leads ? 'leader'
        : xs.some((x) => x.role === 'candidate' || x.role === 'precandidate') ? 'candidate'
        : 'follower';
      return { state, role: leads ? 'primary' : 'replica' };
    };
    const remoteShare = sc.workload.remoteShare;
    const pickRow = layout.homed.some((h) => h)
      ? (region: number, r: Rng): number => {
          const table = keys.pickTable(r);
          const key = keys.pickKey(r);
          return keys.row(table, layout.homed[table] ? homedKey(keys, n, remoteShare, region, key, r) : key);
        }
      : undefined;

    /** Marks now as the latest fault of every group (what a following election's RTO counts from). */
    const markFault = () => {
      for (const u of units) u.group.lastFaultUs = sched.now;
    };

    return {
      group: first.group,
      gateways: first.gateways,
      units,
      groupOf,
      write: (op) => (units[groupOf(op.row)] as GroupUnit).gateways.write(op),
      read: (op) => (units[groupOf(op.row)] as GroupUnit).gateways.read(op),
      ...(pickRow ? { pickRow } : {}),
      nodesOf: (r) => nodesIn[r] ?? [],
      // Groups (tables, rows' homes) share the hosts: a region runs as many as its largest group places there.
      hostsIn: (r) => units.reduce((m, u) => Math.max(m, u.group.nodes.filter((x) => x.region === r).length), 0),
      channels: () => [],
      monitored: false,
      measure: {
        oracle: {
          kind: 'versions',
          minVisible: (row) => {
            let m = Infinity;
            for (const x of unitNodes[groupOf(row)] as RaftNode[]) {
              const v = x.rowVersion[row] as number;
              if (v < m) m = v;
            }
            return m;
          },
        },
        epochs: true,
      },
      regionState,
      initialState: (r) => (units.some((u) => u.spec.preferred === r && u.group.voterIn(r) >= 0) ? 'leader' : 'follower'),
      faults: {
        // A clock jump, a slow link or message loss never changes a region's lane, so they are marked here as the
        // latest fault (what a following election's RTO counts from); other faults through regionState.
        clockJumped: markFault,
        linkDegraded: markFault,
      },
      start() {
        for (const u of units) {
          const v = u.group.voterIn(u.spec.preferred);
          u.group.start(v >= 0 ? v : (u.group.voters[0] as number));
          u.gateways.start();
        }
      },
      catchUp() {
        // Replicas apply entries as they learn they are committed: nothing is pending.
      },
      finish() {
        for (const u of units) u.group.flushChange();
        units.forEach((u, k) => {
          const lost = u.acked.lostOn(u.group.nodes);
          lostPerGroup[k] = lost.count;
          const rs = reigns[k] as Array<{ electedUs: number; tally: number }>;
          lost.ids.forEach((id, i) => {
            const t = lost.ackTimes[i] as number;
            // Charged to the leader change during whose reign it was acknowledged (none before the first).
            let tally = -1;
            for (let j = 0; j < rs.length; j++) {
              const r = rs[j] as { electedUs: number; tally: number };
              if (t >= r.electedUs && t < (rs[j + 1]?.electedUs ?? Infinity)) tally = r.tally;
            }
            ctx.events.lostAcked(u.group.entries.row(id), id, t, u.group.entries.bytes(id), tally);
          });
        });
      },
      summarize(s: Summary) {
        summarizeGroups(s, units, lostPerGroup, ids, sc.monitoring.lagWarning, placed ? { split: split as LatencySplit } : undefined);
      },
    };
  },
};
