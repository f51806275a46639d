// A Raft group placed over regions: builds the replicas (voters and
// non-voters per region), carries their messages over the network's links
// (appends on FIFO streams, everything else as datagrams), keeps the group's
// bookkeeping (elections, leader changes, terms, per-region commit latency,
// leader changes as failover records) and runs the safety checks. Client
// routing lives in consensus.ts; faults reach replicas through the verbs
// the assembly maps onto crash/restart/pause/resume here.
import type { Scheduler } from '../../core/scheduler.ts';
import type { RngRoot } from '../../core/rng.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { Network, Stream } from '../../world/network.ts';
import type { WallClock } from '../../world/clock.ts';
import { CONTROL, MESSAGE_OVERHEAD_BYTES, REPLICATION } from '../../world/traffic.ts';
import { LatencyHistogram } from '../../measure/histogram.ts';
import { EntryTable, NO_ROW } from './log.ts';
import { ConsensusInvariants } from './invariants.ts';
import { RaftNode, type AppMsg, type Msg, type RaftConfig, type RaftHost } from './raft.ts';

export interface Placement {
  region: number;
  voter: boolean;
}

export interface GroupOptions {
  sched: Scheduler;
  rng: RngRoot;
  net: Network;
  regionIds: readonly string[];
  clocks: readonly WallClock[];
  cfg: RaftConfig;
  placement: readonly Placement[];
  /** Region whose voters should lead when healthy (-1: none). */
  preferredRegion: number;
  /** Leadership returns to preferredRegion by a transfer (default); false: the region only leads at the start (etcd). */
  leaderReturns?: boolean | undefined;
  durability: Sampler;
  rowCount: number;
  warmupUs: number;
  /** The group's view of a state change of a replica (for the timeline). */
  onStateChange?: ((n: RaftNode) => void) | undefined;
  /** A replica applied entry `id` (no-ops excluded). */
  onApplied?: ((n: RaftNode, id: number) => void) | undefined;
  /** Prefix of the replicas' RNG stream names. Default `consensus` (several groups: `consensus/<group name>`). */
  streamPrefix?: string | undefined;
  /** Per-region commit latency histograms shared with other groups; given, the group also keeps its own in `ownCommitLatency`. */
  commitLatency?: LatencyHistogram[] | undefined;
  /**
   * A leader change is final: its leader may serve (`servingUs` set), or a newer change or the end of
   * the run (`flushChange`) came first. Called once per change, in order.
   */
  onLeaderChange?: ((c: LeaderChange) => void) | undefined;
}

/** Observers the client layer registers (consensus.ts). */
export interface GroupListener {
  leaderCommitted(n: RaftNode, fromIndex: number, toIndex: number): void;
  servable(n: RaftNode): void;
  roleChanged(n: RaftNode): void;
}

/** One leader change, for the summary's failovers[]. */
export interface LeaderChange {
  from: number;
  to: number;
  term: number;
  campaignStartUs: number;
  electedUs: number;
  faultUs: number;
  servingUs: number;
  transfer: boolean;
}

interface Envelope {
  to: RaftNode;
  m: Msg;
}

export class RaftGroup implements RaftHost {
  readonly sched: Scheduler;
  readonly entries = new EntryTable();
  readonly cfg: RaftConfig;
  readonly nodes: RaftNode[] = [];
  readonly voters: number[] = [];
  readonly nodeCount: number;
  readonly quorum: number;
  readonly invariants: ConsensusInvariants;
  listener: GroupListener | undefined;
  /** Told of every entry a replica applies (set only by gateways that answer from the local replica: answerFrom local). */
  appliedListener: ((n: RaftNode, index: number, id: number) => void) | undefined;

  elections = 0;
  preVotes = 0;
  leaderChanges = 0;
  maxTerm = 0;
  readonly changes: LeaderChange[] = [];
  /** Commit latency (proposal → majority durable), per region of the leader (shared by every group when GroupOptions.commitLatency is given). */
  readonly commitLatency: LatencyHistogram[];
  /** This group's own commit latency, kept only when `commitLatency` is shared. */
  readonly ownCommitLatency: LatencyHistogram | undefined;
  /** The latest fault start (set by the assembly), µs. */
  lastFaultUs = -Infinity;
  private lastLeader = -1;
  /** The latest leader change not yet reported final (its leader may not serve yet). */
  private pendingChange: LeaderChange | undefined;
  private lastElectedUs = 0;
  private readonly streams = new Map<number, Stream>();
  private readonly deliverBound = (e: Envelope) => e.to.deliver(e.m);

  constructor(private readonly o: GroupOptions) {
    this.sched = o.sched;
    this.cfg = o.cfg;
    this.nodeCount = o.placement.length;
    const prefix = o.streamPrefix ?? 'consensus';
    o.placement.forEach((p, id) => {
      if (p.voter) this.voters.push(id);
      const name = `${o.regionIds[p.region]}/${id}`;
      this.nodes.push(new RaftNode(this, {
        id, region: p.region, voter: p.voter, clock: o.clocks[p.region] as WallClock,
        electionRng: o.rng.stream(`${prefix}/election/${name}`), diskRng: o.rng.stream(`${prefix}/disk/${name}`),
        durability: o.durability, rowCount: o.rowCount,
      }));
    });
    if (this.voters.length === 0) throw new Error('invariant: a consensus group needs at least one voter');
    this.quorum = Math.floor(this.voters.length / 2) + 1;
    this.invariants = new ConsensusInvariants(this.nodes, this.voters, this.quorum);
    this.commitLatency = o.commitLatency ?? o.regionIds.map(() => new LatencyHistogram());
    this.ownCommitLatency = o.commitLatency ? new LatencyHistogram() : undefined;
  }

  /** Bootstraps term 1 with `leader` (a voter's node id) as leader. */
  start(leader: number): void {
    this.lastLeader = leader;
    this.maxTerm = 1;
    for (const n of this.nodes) n.start(1, leader);
  }

  /** The first voter in `region` (−1: none). */
  voterIn(region: number): number {
    for (const v of this.voters) if ((this.nodes[v] as RaftNode).region === region) return v;
    return -1;
  }

  /** The current leader with the highest term (−1: none). */
  leader(): RaftNode | undefined {
    let best: RaftNode | undefined;
    for (const n of this.nodes) if (n.role === 'leader' && n.status !== 'crashed' && (!best || n.term > best.term)) best = n;
    return best;
  }

  /** True when every pair of the replicas' clocks is within the offset bound now. */
  clocksWithinBound(): boolean {
    let lo = Infinity;
    let hi = -Infinity;
    for (const n of this.nodes) {
      const s = n.clock.skewUs(this.sched.now);
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    return hi - lo <= this.cfg.maxClockOffsetUs;
  }

  // --- RaftHost: transport -------------------------------------------------------

  // Traffic: an append is its entries' bytes (the bandwidth is charged these,
  // as before) plus a 64-byte header that is counted but not charged; every
  // other Raft message is 64 bytes (etcd's raftpb.Message fixed fields with
  // TCP/IP and framing). An append's answer counts as replication, the rest
  // (heartbeats, which also carry leases and closed timestamps, votes,
  // TimeoutNow) as control.
  sendDatagram(from: RaftNode, to: number, m: Msg): void {
    const t = this.nodes[to] as RaftNode;
    this.o.net.datagram(from.region, t.region, m.t === 'appResp' ? REPLICATION : CONTROL, MESSAGE_OVERHEAD_BYTES, this.deliverBound, { to: t, m });
  }

  sendStream(from: RaftNode, to: number, m: AppMsg, bytes: number): void {
    const t = this.nodes[to] as RaftNode;
    const key = from.id * this.nodeCount + to;
    let s = this.streams.get(key);
    if (!s) this.streams.set(key, (s = this.o.net.openStream(from.region, t.region, REPLICATION)));
    this.o.net.send(s, bytes, this.deliverBound, { to: t, m }, undefined, MESSAGE_OVERHEAD_BYTES);
  }

  preferredTarget(leader: RaftNode): number {
    const p = this.o.leaderReturns === false ? -1 : this.o.preferredRegion;
    if (p < 0 || leader.region === p) return -1;
    for (const v of this.voters) {
      const n = this.nodes[v] as RaftNode;
      if (n.region === p && n.status === 'up') return v;
    }
    return -1;
  }

  // --- RaftHost: observations ------------------------------------------------------

  roleChanged(n: RaftNode): void {
    if (n.term > this.maxTerm) this.maxTerm = n.term;
    this.listener?.roleChanged(n);
    this.o.onStateChange?.(n);
  }

  electionStarted(n: RaftNode, pre: boolean): void {
    if (pre) this.preVotes++;
    else this.elections++;
    if (n.term > this.maxTerm) this.maxTerm = n.term;
  }

  becameLeader(n: RaftNode, campaignStartUs: number, transfer: boolean): void {
    if (n.term > this.maxTerm) this.maxTerm = n.term;
    this.invariants.leaderElected(n);
    if (n.id !== this.lastLeader) this.leaderChanges++;
    const faultUs = this.lastFaultUs > this.lastElectedUs && this.lastFaultUs <= campaignStartUs && !transfer ? this.lastFaultUs : campaignStartUs;
    this.flushChange();
    const change: LeaderChange = {
      from: this.lastLeader, to: n.id, term: n.term, campaignStartUs, electedUs: this.sched.now, faultUs,
      servingUs: n.canWrite() ? this.sched.now : -1, transfer,
    };
    this.changes.push(change);
    this.pendingChange = change;
    if (change.servingUs >= 0) this.flushChange();
    if (n.canWrite()) this.invariants.serving(n.term, this.sched.now);
    this.lastLeader = n.id;
    this.lastElectedUs = this.sched.now;
  }

  leaderCommitted(n: RaftNode, fromIndex: number, toIndex: number): void {
    const e = this.entries;
    const now = this.sched.now;
    for (let i = fromIndex; i <= toIndex; i++) {
      const id = n.log.idAt(i);
      this.invariants.committed(i, id, n.id);
      if (e.row(id) !== NO_ROW && e.term(id) === n.term && e.proposeUs(id) >= this.o.warmupUs) {
        (this.commitLatency[n.region] as LatencyHistogram).record(now - e.proposeUs(id));
        this.ownCommitLatency?.record(now - e.proposeUs(id));
      }
    }
    this.listener?.leaderCommitted(n, fromIndex, toIndex);
  }

  applied(n: RaftNode, index: number, id: number): void {
    this.invariants.committed(index, id, n.id);
    this.appliedListener?.(n, index, id);
    if (this.o.onApplied && this.entries.row(id) !== NO_ROW) this.o.onApplied(n, id);
  }

  truncating(n: RaftNode, index: number): void {
    const id = n.log.idAt(index);
    if (this.invariants.committedAt(index) === id && id !== 0) {
      this.invariants.fail(`invariant: a committed entry is never lost — replica ${n.id} truncates committed entry ${id} at index ${index}`);
    }
  }

  servable(n: RaftNode): void {
    if (n.canWrite()) {
      this.invariants.serving(n.term, this.sched.now);
      const c = this.changes[this.changes.length - 1];
      if (c && c.to === n.id && c.term === n.term && c.servingUs < 0) {
        c.servingUs = this.sched.now;
        if (c === this.pendingChange) this.flushChange();
      }
    }
    this.listener?.servable(n);
  }

  violation(message: string): void {
    this.invariants.fail(message);
  }

  /** Reports the latest leader change as final, if it is not yet (a newer change, the end of the run). */
  flushChange(): void {
    const c = this.pendingChange;
    if (!c) return;
    this.pendingChange = undefined;
    this.o.onLeaderChange?.(c);
  }
}
