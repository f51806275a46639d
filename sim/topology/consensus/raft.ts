// One replica of a Raft group: terms, the log, elections (pre-vote,
// RequestVote with the up-to-date rule, randomised timeouts), replication
// with per-follower progress (probe / replicate), majority commit with
// durability, in-order apply, check-quorum, leader leases with a clock
// offset bound, read-index rounds and leadership transfer.
//
// This file owns the node's state, its lifecycle (crash, restart, pause),
// its role changes and the dispatch of messages; the protocol is written in
// files by topic, as plain functions of the node (raft-state.ts's RaftCore):
//   raft-election.ts  — election timer, campaigns, votes, TimeoutNow
//   raft-replicate.ts — the leader: proposals, appends, commit, heartbeats,
//                       check-quorum, read-index
//   raft-follow.ts    — the follower: appends and heartbeats received
//   raft-lease.ts     — leases and closed timestamps
//   raft-transfer.ts  — leadership transfer, the leader's side
//   raft-disk.ts      — the disk: write queue, durable prefix, incarnation
//
// Time comes from the scheduler; messages leave through the host (which
// puts them on the network's links), and everything an observer or checker
// needs is reported to the host. The node owns no client routing, no
// metrics and no invariant checks (group.ts), and knows no regions beyond
// its own clock.
//
// Durability: an entry a replica receives (or a leader proposes) is durable
// after the replica's disk has written it (raft-disk.ts). A follower
// acknowledges an append once it is durable; the leader counts itself once
// its own copy is. A crash keeps exactly the durable prefix (and what was
// applied), the term, the vote and the lease promise; it loses the rest.
import type { Rng } from '../../core/rng.ts';
import type { WallClock } from '../../world/clock.ts';
import { NO_ROW, ReplicaLog } from './log.ts';
import { ReplicaDisk } from './raft-disk.ts';
import { drawTimeout, inLease, onTimeoutNow, onVote, onVoteResp, resetElectionTimer } from './raft-election.ts';
import { ackAppend, onAppend, onHeartbeat } from './raft-follow.ts';
import { armLeaseWait, canWrite, closedTsNow, committedInTerm, holdsLease, startLeaseWait } from './raft-lease.ts';
import { appendLocal, diskWake, heartbeat, onAppendResp, onHeartbeatResp, propose, readIndex, sendAppend } from './raft-replicate.ts';
import { continueTransfer, maybeTransfer } from './raft-transfer.ts';
import type { Msg, PendingAck, Progress, RaftCore, RaftHostOf, RaftNodeOptions, ReadRound, Role, Status } from './raft-state.ts';

export type { AppMsg, Msg, RaftConfig, RaftNodeOptions, Role } from './raft-state.ts';
/** What a node tells the group it lives in. */
export type RaftHost = RaftHostOf<RaftNode>;

export class RaftNode implements RaftCore {
  readonly id: number;
  readonly region: number;
  readonly voter: boolean;
  readonly clock: WallClock;
  readonly log: ReplicaLog;
  /** The state machine: the entry id last applied per row (0: never written). */
  readonly rowVersion: Int32Array;
  readonly host: RaftHostOf<this>;
  readonly electionRng: Rng;
  readonly disk: ReplicaDisk;

  status: Status = 'up';
  role: Role = 'follower';
  term = 0;
  votedFor = -1;
  /** The leader this node believes in for its term (-1: none known). */
  leader = -1;
  commitIndex = 0;
  appliedIndex = 0;
  /** Highest lease expiry (leader-clock µs) this node has promised to respect; survives crashes. */
  knownLeaseExpiry = -Infinity;
  /** Follower reads: every entry with a timestamp ≤ this (leader clock) is applied here. */
  closedTs = -Infinity;

  // --- elections (raft-election.ts) ------------------------------------------------
  lastHeardLeaderUs = -Infinity;
  timeoutUs = 0;
  electionDeadlineUs = Infinity;
  timerAtUs = Infinity;
  timerGen = 0;
  campaignStartUs = 0;
  granted = new Set<number>();
  rejected = 0;
  voteLeaseExpiry = -Infinity;
  transferLeaseEnd: number | undefined;

  /** What arrived while paused, run in order at resume. */
  private inbox: Array<() => void> = [];
  /** Handlers bound once (no closure per entry or per message on the hot path). */
  readonly diskWakeBound = () => diskWake(this);
  readonly ackBound = (a: PendingAck) => {
    if (this.status === 'up') ackAppend(this, a);
    else this.whenUp(() => ackAppend(this, a));
  };
  /** Scratch for quorum values, one per voter (sized for every node: the group adds its voters as it builds them). */
  readonly quorumScratch: Float64Array;

  // --- leader state (raft-replicate.ts, raft-lease.ts, raft-transfer.ts) --------------
  progress: Progress[] = [];
  becameLeaderUs = 0;
  /** Index of the no-op that opened this leader's term. */
  termStartIndex = 0;
  /** The leader may not serve before its clock reads this (the previous lease surely expired). */
  leaseWaitUntilLocal = -Infinity;
  leaseStartSent = -Infinity;
  leaseExpiryLocal = -Infinity;
  readCtx = 0;
  readonly rounds = new Map<number, ReadRound>();
  transferTarget = -1;
  transferDeadlineUs = 0;
  transferSent = false;
  yieldedAtLocal = Infinity;
  hbGen = 0;
  checkAtUs = Infinity;

  constructor(host: RaftHost, o: RaftNodeOptions) {
    this.host = host;
    this.id = o.id;
    this.region = o.region;
    this.voter = o.voter;
    this.clock = o.clock;
    this.electionRng = o.electionRng;
    this.log = new ReplicaLog(host.entries);
    this.disk = new ReplicaDisk(host.sched, this.log, o.durability, o.diskRng);
    this.rowVersion = new Int32Array(o.rowCount);
    this.quorumScratch = new Float64Array(host.nodeCount);
  }

  get now(): number {
    return this.host.sched.now;
  }

  local(): number {
    return this.clock.readUs(this.now);
  }

  // --- lifecycle ---------------------------------------------------------------

  /** Starts as follower of `leader` in `term` (the bootstrapped group), or as leader when `leader` is this node. */
  start(term: number, leader: number): void {
    this.term = term;
    this.leader = leader;
    this.lastHeardLeaderUs = this.now;
    if (leader === this.id) this.becomeLeader(this.now, false);
    else this.becomeFollower(term, leader);
  }

  /** Runs `fn` now if the node is up, queues it while paused, drops it when crashed. False when dropped. */
  whenUp(fn: () => void): boolean {
    if (this.status === 'crashed') return false;
    if (this.status === 'paused') this.inbox.push(fn);
    else fn();
    return true;
  }

  /** A message from a peer arrives. */
  deliver(m: Msg): void {
    if (this.status === 'up') this.step(m);
    else this.whenUp(() => this.step(m));
  }

  crash(): void {
    if (this.status === 'crashed') return;
    const wasLeader = this.role === 'leader';
    const disk = this.disk;
    disk.settle();
    this.status = 'crashed';
    disk.incarnation++;
    this.inbox = [];
    this.log.truncateAfter(Math.max(disk.durableIndex, this.appliedIndex));
    disk.durableIndex = Math.min(disk.durableIndex, this.log.lastIndex);
    this.commitIndex = this.appliedIndex;
    disk.busyUntilUs = this.now;
    this.role = 'follower';
    this.leader = -1;
    this.resetLeaderState();
    this.timerGen++;
    this.timerAtUs = Infinity;
    if (wasLeader) this.failRounds();
    this.host.roleChanged(this);
  }

  restart(): void {
    if (this.status !== 'crashed') return;
    this.status = 'up';
    this.lastHeardLeaderUs = -Infinity;
    this.becomeFollower(this.term, -1);
  }

  pause(): void {
    if (this.status === 'up') this.status = 'paused';
  }

  // --- the fault verbs' view of a node (NodeProcess) ---------------------------

  /** Crash (or power-off) or pause the replica's process. */
  stop(status: 'crashed' | 'paused' | 'off'): void {
    if (status === 'paused') this.pause();
    else this.crash();
  }

  /** A crashed replica restarts; a paused one wakes and handles what queued up while it slept. */
  resume(): void {
    if (this.status === 'crashed') return this.restart();
    if (this.status !== 'paused') return;
    this.status = 'up';
    const q = this.inbox;
    this.inbox = [];
    for (const fn of q) {
      if (this.status !== 'up') {
        if (this.status === 'paused') this.inbox.push(fn);
        continue;
      }
      fn();
    }
  }

  /** The disk writes entries `factor` × slower (slow-apply fault). */
  setApplyFactor(factor: number): void {
    this.disk.factor = factor;
  }

  // --- roles -------------------------------------------------------------------

  becomeFollower(term: number, leader: number): void {
    const wasLeader = this.role === 'leader';
    const changed = this.role !== 'follower' || term !== this.term;
    if (term > this.term) {
      this.term = term;
      this.votedFor = -1;
    }
    this.role = 'follower';
    this.leader = leader;
    this.transferLeaseEnd = undefined;
    if (wasLeader) {
      this.resetLeaderState();
      this.failRounds();
    }
    drawTimeout(this);
    resetElectionTimer(this);
    if (changed || wasLeader) this.host.roleChanged(this);
  }

  private resetLeaderState(): void {
    this.progress = [];
    this.leaseWaitUntilLocal = -Infinity;
    this.leaseStartSent = -Infinity;
    this.leaseExpiryLocal = -Infinity;
    this.transferTarget = -1;
    this.yieldedAtLocal = Infinity;
    this.hbGen++;
    this.checkAtUs = Infinity;
  }

  private failRounds(): void {
    const rs = [...this.rounds.values()];
    this.rounds.clear();
    for (const r of rs) r.cb(-1);
  }

  becomeLeader(campaignStartUs: number, transfer: boolean): void {
    this.role = 'leader';
    this.leader = this.id;
    this.becameLeaderUs = this.now;
    this.lastHeardLeaderUs = this.now;
    this.progress = [];
    for (let i = 0; i < this.host.nodeCount; i++) {
      this.progress.push({ match: 0, next: this.log.lastIndex + 1, probe: true, probeSentUs: -Infinity, lastHeardUs: this.now, lastAnswerUs: -Infinity, lastMatchUs: this.now, leaseAck: -Infinity });
    }
    startLeaseWait(this);
    this.timerGen++;
    this.timerAtUs = Infinity;
    // The no-op that opens the term (commits earlier terms' entries, enables read-index).
    this.termStartIndex = appendLocal(this, this.host.entries.add(this.term, NO_ROW, 0, this.local(), this.now, this.region));
    this.host.roleChanged(this);
    this.host.becameLeader(this, campaignStartUs, transfer);
    armLeaseWait(this);
    const gen = this.hbGen;
    heartbeat(this, gen);
    for (let i = 0; i < this.host.nodeCount; i++) if (i !== this.id) sendAppend(this, i);
  }

  maybeTransfer(): void {
    maybeTransfer(this);
  }

  continueTransfer(): void {
    continueTransfer(this);
  }

  // --- what the group and the gateways ask of a replica ---------------------------

  /**
   * Proposes a client write: appends it and ships it to followers at once.
   * Returns the entry's index and id, or undefined when this node may not
   * take writes now (not leader, or the previous lease may still be held).
   */
  propose(row: number, bytes: number): { index: number; id: number } | undefined {
    if (!canWrite(this)) return undefined;
    return propose(this, row, bytes);
  }

  /** Leader that may take writes: the previous leader's lease has surely expired, and no transfer is under way. */
  canWrite(): boolean {
    return canWrite(this);
  }

  /** Leaseholder read allowed now: leader, lease valid on its own clock, previous lease expired. */
  holdsLease(): boolean {
    return holdsLease(this);
  }

  /** The lease's expiry on this leader's clock (−∞ without a lease). */
  get leaseExpiry(): number {
    return this.leaseExpiryLocal;
  }

  /** The leader has committed an entry of its own term (read-index may use its commit index). */
  committedInTerm(): boolean {
    return committedInTerm(this);
  }

  /** Follower reads: a timestamp at or below which this replica has applied every write (a leader, which applies as it commits, knows its own). */
  closedTsNow(): number {
    return closedTsNow(this);
  }

  /**
   * Read-index: confirms leadership with a quorum round trip, then calls
   * `cb` with the commit index a read must see (−1 when leadership is lost).
   */
  readIndex(cb: (index: number) => void): void {
    readIndex(this, cb);
  }

  /** Highest index this replica's disk holds (entries written in order; a crash keeps exactly this prefix). */
  get durableIndex(): number {
    return this.disk.durableIndex;
  }

  set durableIndex(index: number) {
    this.disk.durableIndex = index;
  }

  /** Role for the timeline. */
  get state(): Role {
    return this.role;
  }

  // --- message handling -------------------------------------------------------------

  private step(m: Msg): void {
    if (m.term > this.term) {
      if (m.t === 'vote') {
        if (inLease(this, m.transfer)) {
          this.host.sendDatagram(this, m.from, { t: 'voteResp', term: this.term, from: this.id, granted: false, pre: m.pre, leaseExpiry: this.knownLeaseExpiry });
          return;
        }
        if (!m.pre) this.becomeFollower(m.term, -1);
      } else if (m.t === 'voteResp' && m.pre && m.granted) {
        // A granted pre-vote carries the proposed term: no term change.
      } else {
        const leader = m.t === 'app' || m.t === 'hb' || m.t === 'timeoutNow' ? m.from : -1;
        this.becomeFollower(m.term, leader);
      }
    } else if (m.term < this.term) {
      // A stale sender learns of the newer term from the answer.
      if (m.t === 'app') this.host.sendDatagram(this, m.from, { t: 'appResp', term: this.term, from: this.id, ok: false, match: 0, rejectIndex: m.prevIndex, hint: 0, leaseStart: -Infinity });
      else if (m.t === 'hb') this.host.sendDatagram(this, m.from, { t: 'hbResp', term: this.term, from: this.id, leaseStart: -Infinity, ctx: 0, lastIndex: this.log.lastIndex });
      else if (m.t === 'vote') this.host.sendDatagram(this, m.from, { t: 'voteResp', term: this.term, from: this.id, granted: false, pre: m.pre, leaseExpiry: this.knownLeaseExpiry });
      return;
    }
    switch (m.t) {
      case 'app': return onAppend(this, m);
      case 'hb': return onHeartbeat(this, m);
      case 'appResp': return onAppendResp(this, m);
      case 'hbResp': return onHeartbeatResp(this, m);
      case 'vote': return onVote(this, m);
      case 'voteResp': return onVoteResp(this, m);
      case 'timeoutNow': return onTimeoutNow(this, m);
    }
  }
}
