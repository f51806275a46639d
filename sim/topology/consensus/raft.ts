// One replica of a Raft group: terms, the log, elections (pre-vote,
// RequestVote with the up-to-date rule, randomised timeouts), replication
// with per-follower progress (probe / replicate), majority commit with
// durability, in-order apply, check-quorum, leader leases with a clock
// offset bound, read-index rounds and leadership transfer.
//
// Time comes from the scheduler; messages leave through the host (which
// puts them on the network's links), and everything an observer or checker
// needs is reported to the host. The node owns no client routing, no
// metrics and no invariant checks (group.ts), and knows no regions beyond
// its own clock.
//
// Durability: an entry a replica receives (or a leader proposes) is durable
// after the replica's disk has written it: entries are written in order,
// each taking a sample of the durability time. A follower acknowledges an
// append once it is durable; the leader counts itself once its own copy is.
// The leader's own writes complete without an event each: they queue in
// completion order and are taken as durable whenever the durable index is
// read at or after their time; an event wakes the leader only when its own
// disk is what holds the commit back (a slow disk, or a lone voter).
// A crash keeps exactly the durable prefix (and what was applied), the term,
// the vote and the lease promise; it loses the rest.
import type { Scheduler } from '../../core/scheduler.ts';
import type { Rng } from '../../core/rng.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { WallClock } from '../../world/clock.ts';
import { NO_ROW, ReplicaLog, type EntryTable } from './log.ts';

/** Protocol settings, in µs. */
export interface RaftConfig {
  heartbeatIntervalUs: number;
  /** Base election timeout; each node draws its timeout uniformly in [1×, 2×) of it at every term change. */
  electionTimeoutUs: number;
  preVote: boolean;
  checkQuorum: boolean;
  /** 0: no leases. */
  leaseDurationUs: number;
  maxClockOffsetUs: number;
}

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

export interface AppMsg {
  t: 'app';
  term: number;
  from: number;
  prevIndex: number;
  prevTerm: number;
  ids: number[];
  commit: number;
  leaseStart: number;
  closedIdx: number;
  closedTs: number;
}
export type Msg =
  | AppMsg
  | { t: 'appResp'; term: number; from: number; ok: boolean; match: number; rejectIndex: number; hint: number; leaseStart: number }
  | { t: 'hb'; term: number; from: number; commit: number; leaseStart: number; closedIdx: number; closedTs: number; ctx: number }
  | { t: 'hbResp'; term: number; from: number; leaseStart: number; ctx: number; lastIndex: number }
  | { t: 'vote'; term: number; from: number; lastIndex: number; lastTerm: number; pre: boolean; transfer: boolean }
  | { t: 'voteResp'; term: number; from: number; granted: boolean; pre: boolean; leaseExpiry: number }
  | { t: 'timeoutNow'; term: number; from: number; leaseEnd: number };

/** What a node tells the group it lives in. */
export interface RaftHost {
  readonly sched: Scheduler;
  readonly entries: EntryTable;
  readonly cfg: RaftConfig;
  /** Node ids of the voters. */
  readonly voters: readonly number[];
  /** Node count (voters and non-voters); node ids are 0..count-1. */
  readonly nodeCount: number;
  /** Quorum size: a majority of the voters. */
  readonly quorum: number;
  sendDatagram(from: RaftNode, to: number, m: Msg): void;
  sendStream(from: RaftNode, to: number, m: AppMsg, bytes: number): void;
  /** Region hosting the preferred leader (-1: none), and whether a node there may take over. */
  preferredTarget(leader: RaftNode): number;
  roleChanged(n: RaftNode): void;
  electionStarted(n: RaftNode, pre: boolean): void;
  becameLeader(n: RaftNode, campaignStartUs: number, transfer: boolean): void;
  leaderCommitted(n: RaftNode, fromIndex: number, toIndex: number): void;
  applied(n: RaftNode, index: number, id: number): void;
  truncating(n: RaftNode, index: number): void;
  /** The leader may now serve (lease wait over, lease valid, or transfer aborted). */
  servable(n: RaftNode): void;
  violation(message: string): void;
}

export interface RaftNodeOptions {
  id: number;
  region: number;
  voter: boolean;
  clock: WallClock;
  electionRng: Rng;
  diskRng: Rng;
  /** Time to make one entry durable, µs. */
  durability: Sampler;
  rowCount: number;
}

interface Progress {
  match: number;
  next: number;
  probe: boolean;
  probeSentUs: number;
  lastHeardUs: number;
  /** Last answer from this replica in this term (−∞: none yet). */
  lastAnswerUs: number;
  lastMatchUs: number;
  leaseAck: number;
}

interface ReadRound {
  index: number;
  acks: Set<number>;
  cb: (index: number) => void;
}

type Status = 'up' | 'paused' | 'crashed';

/** A follower's acknowledgement of an append, sent once the appended entries are durable. */
interface PendingAck {
  to: number;
  term: number;
  last: number;
  lastId: number;
  incarnation: number;
  leaseStart: number;
}

export class RaftNode {
  readonly id: number;
  readonly region: number;
  readonly voter: boolean;
  readonly clock: WallClock;
  readonly log: ReplicaLog;
  /** The state machine: the entry id last applied per row (0: never written). */
  readonly rowVersion: Int32Array;

  status: Status = 'up';
  role: Role = 'follower';
  term = 0;
  votedFor = -1;
  /** The leader this node believes in for its term (-1: none known). */
  leader = -1;
  commitIndex = 0;
  appliedIndex = 0;
  /** Highest durable index as of the last settling of the leader's own disk queue (read durableIndex). */
  private durableUpTo = 0;
  /** Highest lease expiry (leader-clock µs) this node has promised to respect; survives crashes. */
  knownLeaseExpiry = -Infinity;
  /** Follower reads: every entry with a timestamp ≤ this (leader clock) is applied here. */
  closedTs = -Infinity;

  private diskBusyUntilUs = 0;
  private diskFactor = 1;
  private lastHeardLeaderUs = -Infinity;
  private timeoutUs = 0;
  private electionDeadlineUs = Infinity;
  private timerAtUs = Infinity;
  private timerGen = 0;
  private campaignStartUs = 0;
  private granted = new Set<number>();
  private rejected = 0;
  private voteLeaseExpiry = -Infinity;
  private transferLeaseEnd: number | undefined;
  private inbox: Array<() => void> = [];
  /** Bumped at every crash: disk writes started before it never complete. */
  private incarnation = 0;
  /** Handlers bound once (no closure per entry or per message on the hot path). */
  /** The leader's own disk writes not yet taken as durable, in completion order: flat [doneUs, index, id, incarnation, ...]. */
  private disk: number[] = [];
  private diskHead = 0;
  private diskWakeArmed = false;
  private readonly diskWakeBound = () => this.diskWake();
  private readonly ackBound = (a: PendingAck) => {
    if (this.status === 'up') this.ackAppend(a);
    else this.whenUp(() => this.ackAppend(a));
  };
  /** Scratch for quorum values, one per voter (sized for every node: the group adds its voters as it builds them). */
  private readonly quorumScratch: Float64Array;

  // --- leader state ----------------------------------------------------------
  private progress: Progress[] = [];
  becameLeaderUs = 0;
  /** Index of the no-op that opened this leader's term. */
  termStartIndex = 0;
  /** The leader may not serve before its clock reads this (the previous lease surely expired). */
  leaseWaitUntilLocal = -Infinity;
  private leaseStartSent = -Infinity;
  private leaseExpiryLocal = -Infinity;
  private readCtx = 0;
  private readonly rounds = new Map<number, ReadRound>();
  private transferTarget = -1;
  private transferDeadlineUs = 0;
  private transferSent = false;
  private yieldedAtLocal = Infinity;
  private hbGen = 0;
  private checkAtUs = Infinity;

  constructor(private readonly host: RaftHost, private readonly o: RaftNodeOptions) {
    this.id = o.id;
    this.region = o.region;
    this.voter = o.voter;
    this.clock = o.clock;
    this.log = new ReplicaLog(host.entries);
    this.rowVersion = new Int32Array(o.rowCount);
    this.quorumScratch = new Float64Array(host.nodeCount);
  }

  private get now(): number {
    return this.host.sched.now;
  }

  private local(): number {
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
    this.settleDisk();
    this.status = 'crashed';
    this.incarnation++;
    this.inbox = [];
    this.log.truncateAfter(Math.max(this.durableIndex, this.appliedIndex));
    this.durableIndex = Math.min(this.durableIndex, this.log.lastIndex);
    this.commitIndex = this.appliedIndex;
    this.diskBusyUntilUs = this.now;
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
    this.diskFactor = factor;
  }

  // --- roles -------------------------------------------------------------------

  private drawTimeout(): void {
    const et = this.host.cfg.electionTimeoutUs;
    this.timeoutUs = Math.round(et + et * this.o.electionRng.next());
  }

  private resetElectionTimer(): void {
    if (!this.voter) return;
    this.electionDeadlineUs = this.now + this.timeoutUs;
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timerAtUs <= this.electionDeadlineUs && this.timerAtUs >= this.now) return;
    this.timerAtUs = this.electionDeadlineUs;
    const gen = ++this.timerGen;
    this.host.sched.at(this.electionDeadlineUs, () => this.whenUp(() => this.electionTimer(gen)), undefined);
  }

  private electionTimer(gen: number): void {
    if (gen !== this.timerGen) return;
    this.timerAtUs = Infinity;
    if (this.role === 'leader' || !this.voter) return;
    if (this.now < this.electionDeadlineUs) return this.armTimer();
    this.campaign(this.host.cfg.preVote ? 'pre' : 'real', false);
  }

  private becomeFollower(term: number, leader: number): void {
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
    this.drawTimeout();
    this.resetElectionTimer();
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

  private campaign(kind: 'pre' | 'real', transfer: boolean): void {
    if (!this.voter || this.status !== 'up') return;
    this.campaignStartUs = kind === 'pre' || transfer || this.role !== 'precandidate' ? this.now : this.campaignStartUs;
    this.granted = new Set([this.id]);
    this.rejected = 0;
    this.voteLeaseExpiry = this.knownLeaseExpiry;
    this.leader = -1;
    if (kind === 'pre') {
      this.role = 'precandidate';
    } else {
      this.role = 'candidate';
      this.term++;
      this.votedFor = this.id;
    }
    this.drawTimeout();
    this.resetElectionTimer();
    this.host.roleChanged(this);
    this.host.electionStarted(this, kind === 'pre');
    const term = kind === 'pre' ? this.term + 1 : this.term;
    for (const v of this.host.voters) {
      if (v === this.id) continue;
      this.host.sendDatagram(this, v, { t: 'vote', term, from: this.id, lastIndex: this.log.lastIndex, lastTerm: this.log.lastTerm, pre: kind === 'pre', transfer });
    }
    this.tallyVotes(kind === 'pre');
  }

  private tallyVotes(pre: boolean): void {
    const q = this.host.quorum;
    if (this.granted.size >= q) {
      if (pre) this.campaign('real', false);
      else this.becomeLeader(this.campaignStartUs, this.transferLeaseEnd !== undefined);
    } else if (this.rejected >= this.host.voters.length - q + 1) {
      this.becomeFollower(this.term, -1);
    }
  }

  private becomeLeader(campaignStartUs: number, transfer: boolean): void {
    const cfg = this.host.cfg;
    this.role = 'leader';
    this.leader = this.id;
    this.becameLeaderUs = this.now;
    this.lastHeardLeaderUs = this.now;
    this.progress = [];
    for (let i = 0; i < this.host.nodeCount; i++) {
      this.progress.push({ match: 0, next: this.log.lastIndex + 1, probe: true, probeSentUs: -Infinity, lastHeardUs: this.now, lastAnswerUs: -Infinity, lastMatchUs: this.now, leaseAck: -Infinity });
    }
    const waitBase = this.transferLeaseEnd ?? Math.max(this.voteLeaseExpiry, this.knownLeaseExpiry);
    this.leaseWaitUntilLocal = cfg.leaseDurationUs > 0 && waitBase > -Infinity ? waitBase + cfg.maxClockOffsetUs : -Infinity;
    this.transferLeaseEnd = undefined;
    this.leaseStartSent = -Infinity;
    this.leaseExpiryLocal = -Infinity;
    this.timerGen++;
    this.timerAtUs = Infinity;
    // The no-op that opens the term (commits earlier terms' entries, enables read-index).
    this.termStartIndex = this.appendLocal(this.host.entries.add(this.term, NO_ROW, 0, this.local(), this.now, this.region));
    this.host.roleChanged(this);
    this.host.becameLeader(this, campaignStartUs, transfer);
    if (this.leaseWaitUntilLocal > this.local()) {
      const gen = this.hbGen;
      this.host.sched.after(this.leaseWaitUntilLocal - this.local() + 1, () => this.whenUp(() => { if (gen === this.hbGen) this.host.servable(this); }), undefined);
    }
    const gen = this.hbGen;
    this.heartbeat(gen);
    for (let i = 0; i < this.host.nodeCount; i++) if (i !== this.id) this.sendAppend(i);
  }

  // --- leader: proposals, replication, commit -------------------------------------

  /** Appends an entry to this node's log and schedules its durable write. Returns the index. */
  private appendLocal(id: number): number {
    const index = this.log.append(id);
    const doneUs = Math.max(this.now, this.diskBusyUntilUs) + this.o.durability(this.o.diskRng) * this.diskFactor;
    this.diskBusyUntilUs = doneUs;
    this.disk.push(doneUs, index, id, this.incarnation);
    this.wakeForDisk();
    return index;
  }

  /** Highest index this replica's disk holds (entries written in order; a crash keeps exactly this prefix). */
  get durableIndex(): number {
    this.settleDisk();
    return this.durableUpTo;
  }

  set durableIndex(index: number) {
    this.durableUpTo = index;
  }

  /** Takes the leader's own writes completed by now as durable (unless a crash or a truncation came first). */
  private settleDisk(): void {
    const q = this.disk;
    let h = this.diskHead;
    const now = this.now;
    while (h < q.length && (q[h] as number) <= now) {
      const index = q[h + 1] as number;
      if (q[h + 3] === this.incarnation && this.log.idAt(index) === q[h + 2] && index > this.durableUpTo) this.durableUpTo = index;
      h += 4;
    }
    if (h === q.length) {
      q.length = 0;
      h = 0;
    } else if (h > 4096 && h * 2 > q.length) {
      this.disk = q.slice(h);
      h = 0;
    }
    this.diskHead = h;
  }

  /** Arms a wake-up at the next own write's completion if the leader's own durability could advance the commit index. */
  private wakeForDisk(): void {
    if (this.diskWakeArmed || this.role !== 'leader' || this.diskHead >= this.disk.length) return;
    const voters = this.host.voters;
    const sc = this.quorumScratch;
    for (let k = 0; k < voters.length; k++) {
      const v = voters[k] as number;
      sc[k] = v === this.id ? this.log.lastIndex : (this.progress[v] as Progress).match;
    }
    if (this.quorumOfScratch() <= this.commitIndex) return;
    this.diskWakeArmed = true;
    this.host.sched.at(this.disk[this.diskHead] as number, this.diskWakeBound, undefined);
  }

  private diskWake(): void {
    this.diskWakeArmed = false;
    if (this.status === 'up') {
      if (this.role === 'leader') this.maybeCommit();
    } else this.whenUp(() => { if (this.role === 'leader') this.maybeCommit(); });
  }

  /**
   * Proposes a client write: appends it and ships it to followers at once.
   * Returns the entry's index and id, or undefined when this node may not
   * take writes now (not leader, or the previous lease may still be held).
   */
  propose(row: number, bytes: number): { index: number; id: number } | undefined {
    if (!this.canWrite()) return undefined;
    const id = this.host.entries.add(this.term, row, bytes, this.local(), this.now, this.region);
    const index = this.appendLocal(id);
    for (let i = 0; i < this.host.nodeCount; i++) if (i !== this.id && !(this.progress[i] as Progress).probe) this.sendAppend(i);
    return { index, id };
  }

  /** Leader that may take writes: the previous leader's lease has surely expired, and no transfer is under way. */
  canWrite(): boolean {
    return this.role === 'leader' && this.status === 'up' && this.transferTarget < 0 && this.local() >= this.leaseWaitUntilLocal;
  }

  /** Leaseholder read allowed now: leader, lease valid on its own clock, previous lease expired. */
  holdsLease(): boolean {
    if (!this.canWrite() || !this.committedInTerm()) return false;
    const c = this.local();
    return c < this.leaseExpiryLocal && c < this.yieldedAtLocal;
  }

  /** The lease's expiry on this leader's clock (−∞ without a lease). */
  get leaseExpiry(): number {
    return this.leaseExpiryLocal;
  }

  /** The leader has committed an entry of its own term (read-index may use its commit index). */
  committedInTerm(): boolean {
    return this.role === 'leader' && this.commitIndex >= this.termStartIndex;
  }

  private sendAppend(to: number): void {
    const pr = this.progress[to];
    if (!pr || this.role !== 'leader') return;
    if (pr.probe) {
      if (this.now - pr.probeSentUs < this.host.cfg.heartbeatIntervalUs) return;
      pr.probeSentUs = this.now;
    }
    const prev = pr.next - 1;
    const ids = this.log.slice(pr.next, this.log.lastIndex);
    let bytes = 0;
    for (const id of ids) bytes += this.host.entries.bytes(id);
    const leaseStart = this.renewLeaseStart();
    const closed = this.closedTimestamp();
    this.host.sendStream(this, to, {
      t: 'app', term: this.term, from: this.id, prevIndex: prev, prevTerm: this.log.termAt(prev), ids,
      commit: this.commitIndex, leaseStart, closedIdx: this.commitIndex, closedTs: closed,
    }, bytes);
    if (!pr.probe) pr.next = this.log.lastIndex + 1;
  }

  /** The leader's clock now, recorded as the start of a lease extension it asks for. */
  private renewLeaseStart(): number {
    const c = this.local();
    if (this.host.cfg.leaseDurationUs > 0 && c < this.yieldedAtLocal) {
      this.leaseStartSent = c;
      const e = c + this.host.cfg.leaseDurationUs;
      if (e > this.knownLeaseExpiry) this.knownLeaseExpiry = e;
    }
    return c;
  }

  /** Follower reads: a timestamp at or below which this replica has applied every write (a leader, which applies as it commits, knows its own). */
  closedTsNow(): number {
    return this.role === 'leader' && this.status === 'up' ? this.closedTimestamp() : this.closedTs;
  }

  /** Every entry with a timestamp at or below this is committed at or below the commit index. */
  private closedTimestamp(): number {
    const next = this.commitIndex + 1;
    return next <= this.log.lastIndex ? this.host.entries.tsUs(this.log.idAt(next)) - 1 : this.local();
  }

  /** The quorum-th highest of the values in the scratch (one per voter): what a quorum of voters has reached. */
  private quorumOfScratch(): number {
    const a = this.quorumScratch;
    const n = this.host.voters.length;
    // Insertion sort, highest first (a handful of voters).
    for (let i = 1; i < n; i++) {
      const x = a[i] as number;
      let j = i - 1;
      while (j >= 0 && (a[j] as number) < x) {
        a[j + 1] = a[j] as number;
        j--;
      }
      a[j + 1] = x;
    }
    return a[this.host.quorum - 1] as number;
  }

  private maybeCommit(): void {
    const voters = this.host.voters;
    const sc = this.quorumScratch;
    for (let k = 0; k < voters.length; k++) {
      const v = voters[k] as number;
      sc[k] = v === this.id ? this.durableIndex : (this.progress[v] as Progress).match;
    }
    const q = this.quorumOfScratch();
    if (q > this.commitIndex && this.log.termAt(q) === this.term) {
      const from = this.commitIndex + 1;
      this.advanceCommit(q);
      this.host.leaderCommitted(this, from, q);
      // The term's no-op is committed: its state machine holds every committed entry; reads may start.
      if (from <= this.termStartIndex && q >= this.termStartIndex) this.host.servable(this);
    }
    this.wakeForDisk();
  }

  private advanceCommit(c: number): void {
    if (c <= this.commitIndex) return;
    this.commitIndex = c;
    const e = this.host.entries;
    while (this.appliedIndex < this.commitIndex) {
      const i = ++this.appliedIndex;
      this.log.appliedIndex = i;
      const id = this.log.idAt(i);
      if (id === 0) this.host.violation(`invariant: replica ${this.id} applies index ${i}, which it does not hold`);
      const row = e.row(id);
      if (row !== NO_ROW) this.rowVersion[row] = id;
      this.host.applied(this, i, id);
    }
  }

  private recomputeLease(): void {
    const cfg = this.host.cfg;
    if (cfg.leaseDurationUs <= 0 || this.role !== 'leader') return;
    const voters = this.host.voters;
    const sc = this.quorumScratch;
    for (let k = 0; k < voters.length; k++) {
      const v = voters[k] as number;
      sc[k] = v === this.id ? this.leaseStartSent : (this.progress[v] as Progress).leaseAck;
    }
    const start = this.quorumOfScratch();
    const was = this.holdsLease();
    if (start + cfg.leaseDurationUs > this.leaseExpiryLocal) this.leaseExpiryLocal = start + cfg.leaseDurationUs;
    if (!was && this.holdsLease()) this.host.servable(this);
  }

  private heartbeat(gen: number): void {
    if (gen !== this.hbGen || this.role !== 'leader') return;
    const cfg = this.host.cfg;
    this.lastHeardLeaderUs = this.now;
    this.sendHeartbeats(0);
    this.checkQuorum();
    if (this.role !== 'leader') return;
    this.maybeTransfer();
    this.host.sched.after(cfg.heartbeatIntervalUs, () => this.whenUp(() => this.heartbeat(gen)), undefined);
  }

  private sendHeartbeats(ctx: number): void {
    const leaseStart = this.renewLeaseStart();
    const closed = this.closedTimestamp();
    for (let i = 0; i < this.host.nodeCount; i++) {
      if (i === this.id) continue;
      if (ctx !== 0 && !this.host.voters.includes(i)) continue;
      const pr = this.progress[i] as Progress;
      this.host.sendDatagram(this, i, {
        t: 'hb', term: this.term, from: this.id, commit: Math.min(pr.match, this.commitIndex), leaseStart,
        closedIdx: this.commitIndex, closedTs: closed, ctx,
      });
    }
  }

  /** Check-quorum: a leader that has not heard from a quorum of voters for an election timeout steps down. */
  private checkQuorum(): void {
    const cfg = this.host.cfg;
    if (!cfg.checkQuorum || this.role !== 'leader') return;
    const voters = this.host.voters;
    const sc = this.quorumScratch;
    for (let k = 0; k < voters.length; k++) {
      const v = voters[k] as number;
      sc[k] = v === this.id ? this.now : (this.progress[v] as Progress).lastHeardUs;
    }
    const deadline = this.quorumOfScratch() + cfg.electionTimeoutUs;
    if (deadline <= this.now) {
      this.becomeFollower(this.term, -1);
      return;
    }
    if (deadline < this.checkAtUs) {
      this.checkAtUs = deadline;
      const gen = this.hbGen;
      this.host.sched.at(deadline, () => this.whenUp(() => {
        if (gen !== this.hbGen) return;
        this.checkAtUs = Infinity;
        this.checkQuorum();
      }), undefined);
    }
  }

  /**
   * Returns leadership to the preferred region when a voter there is up and
   * heard from: the leader stops taking writes and serving under its lease,
   * brings the target up to date, then tells it to campaign at once
   * (TimeoutNow), handing over the moment its lease ended. An unfinished
   * transfer is abandoned after an election timeout.
   */
  private maybeTransfer(): void {
    const cfg = this.host.cfg;
    if (this.transferTarget >= 0) {
      if (this.now >= this.transferDeadlineUs) {
        this.transferTarget = -1;
        this.yieldedAtLocal = Infinity;
        this.host.servable(this);
      }
      return;
    }
    if (this.now - this.becameLeaderUs < cfg.electionTimeoutUs) return;
    const t = this.host.preferredTarget(this);
    if (t < 0) return;
    const pr = this.progress[t] as Progress;
    if (this.now - pr.lastAnswerUs > cfg.heartbeatIntervalUs * 2) return;
    this.transferTarget = t;
    this.transferSent = false;
    this.transferDeadlineUs = this.now + cfg.electionTimeoutUs;
    this.yieldedAtLocal = this.local();
    this.continueTransfer();
  }

  private continueTransfer(): void {
    const t = this.transferTarget;
    if (t < 0 || this.transferSent) return;
    const pr = this.progress[t] as Progress;
    if (pr.match < this.log.lastIndex) return this.sendAppend(t);
    this.transferSent = true;
    this.host.sendDatagram(this, t, { t: 'timeoutNow', term: this.term, from: this.id, leaseEnd: this.yieldedAtLocal });
  }

  /**
   * Read-index: confirms leadership with a quorum round trip, then calls
   * `cb` with the commit index a read must see (−1 when leadership is lost).
   */
  readIndex(cb: (index: number) => void): void {
    if (!this.committedInTerm()) return cb(-1);
    const index = this.commitIndex;
    if (this.host.quorum <= 1) return cb(index);
    const ctx = ++this.readCtx;
    this.rounds.set(ctx, { index, acks: new Set([this.id]), cb });
    this.sendHeartbeats(ctx);
  }

  // --- message handling -------------------------------------------------------------

  private inLease(transfer: boolean): boolean {
    return this.host.cfg.checkQuorum && !transfer && this.leader !== -1 && this.now - this.lastHeardLeaderUs < this.host.cfg.electionTimeoutUs;
  }

  private step(m: Msg): void {
    if (m.term > this.term) {
      if (m.t === 'vote') {
        if (this.inLease(m.transfer)) {
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
      case 'app': return this.onAppend(m);
      case 'hb': return this.onHeartbeat(m);
      case 'appResp': return this.onAppendResp(m);
      case 'hbResp': return this.onHeartbeatResp(m);
      case 'vote': return this.onVote(m);
      case 'voteResp': return this.onVoteResp(m);
      case 'timeoutNow': return this.onTimeoutNow(m);
    }
  }

  private heardLeader(from: number, leaseStart: number): void {
    if (this.role !== 'follower' || this.leader !== from) this.becomeFollower(this.term, from);
    this.lastHeardLeaderUs = this.now;
    this.resetElectionTimer();
    const cfg = this.host.cfg;
    if (cfg.leaseDurationUs > 0 && leaseStart + cfg.leaseDurationUs > this.knownLeaseExpiry) this.knownLeaseExpiry = leaseStart + cfg.leaseDurationUs;
  }

  private adoptClosed(closedIdx: number, closedTs: number): void {
    if (this.appliedIndex >= closedIdx && closedTs > this.closedTs) this.closedTs = closedTs;
  }

  private onAppend(m: AppMsg): void {
    if (this.role === 'leader') {
      this.host.violation(`invariant: two leaders in term ${m.term} (replicas ${this.id} and ${m.from})`);
      return;
    }
    this.heardLeader(m.from, m.leaseStart);
    const log = this.log;
    if (m.prevIndex > log.lastIndex || log.termAt(m.prevIndex) !== m.prevTerm) {
      const hint = m.prevIndex > log.lastIndex ? log.lastIndex : Math.min(this.commitIndex, m.prevIndex - 1);
      this.host.sendDatagram(this, m.from, { t: 'appResp', term: this.term, from: this.id, ok: false, match: 0, rejectIndex: m.prevIndex, hint, leaseStart: m.leaseStart });
      return;
    }
    let idx = m.prevIndex;
    let fresh = 0;
    let doneUs = Math.max(this.now, this.diskBusyUntilUs);
    for (const id of m.ids) {
      idx++;
      if (idx <= log.lastIndex) {
        if (log.idAt(idx) === id) continue;
        if (idx <= this.commitIndex) this.host.violation(`invariant: replica ${this.id} asked to overwrite committed index ${idx}`);
        this.host.truncating(this, idx);
        log.truncateAfter(idx - 1);
        if (this.durableIndex > idx - 1) this.durableIndex = idx - 1;
      }
      log.append(id);
      doneUs += this.o.durability(this.o.diskRng) * this.diskFactor;
      fresh++;
    }
    if (fresh > 0) this.diskBusyUntilUs = doneUs;
    const last = m.prevIndex + m.ids.length;
    const a: PendingAck = { to: m.from, term: this.term, last, lastId: log.idAt(last), incarnation: this.incarnation, leaseStart: m.leaseStart };
    if (doneUs <= this.now) this.ackAppend(a);
    else this.host.sched.at(doneUs, this.ackBound, a);
    this.advanceCommit(Math.min(m.commit, last));
    this.adoptClosed(m.closedIdx, m.closedTs);
  }

  /** The appended entries are durable: acknowledges them (unless a crash, a truncation or a new term came first). */
  private ackAppend(a: PendingAck): void {
    if (a.incarnation !== this.incarnation || this.log.idAt(a.last) !== a.lastId) return;
    if (a.last > this.durableIndex) this.durableIndex = a.last;
    if (this.term !== a.term) return;
    this.host.sendDatagram(this, a.to, { t: 'appResp', term: a.term, from: this.id, ok: true, match: a.last, rejectIndex: 0, hint: 0, leaseStart: a.leaseStart });
  }

  private onHeartbeat(m: Extract<Msg, { t: 'hb' }>): void {
    if (this.role === 'leader') {
      this.host.violation(`invariant: two leaders in term ${m.term} (replicas ${this.id} and ${m.from})`);
      return;
    }
    this.heardLeader(m.from, m.leaseStart);
    this.advanceCommit(Math.min(m.commit, this.log.lastIndex));
    this.adoptClosed(m.closedIdx, m.closedTs);
    this.host.sendDatagram(this, m.from, { t: 'hbResp', term: this.term, from: this.id, leaseStart: m.leaseStart, ctx: m.ctx, lastIndex: this.log.lastIndex });
  }

  /** A follower answered an append or heartbeat sent under lease start `leaseStart`: its progress, with the lease it acknowledged. */
  private answered(from: number, leaseStart: number): Progress {
    const pr = this.progress[from] as Progress;
    pr.lastHeardUs = this.now;
    pr.lastAnswerUs = this.now;
    if (leaseStart > pr.leaseAck) {
      pr.leaseAck = leaseStart;
      this.recomputeLease();
    }
    return pr;
  }

  private onAppendResp(m: Extract<Msg, { t: 'appResp' }>): void {
    if (this.role !== 'leader') return;
    const pr = this.answered(m.from, m.leaseStart);
    if (m.ok) {
      if (m.match > pr.match) {
        pr.match = m.match;
        pr.lastMatchUs = this.now;
      }
      if (pr.next <= pr.match) pr.next = pr.match + 1;
      pr.probe = false;
      this.maybeCommit();
      if (this.role !== 'leader') return;
      if (m.from === this.transferTarget) this.continueTransfer();
      if (pr.next <= this.log.lastIndex) this.sendAppend(m.from);
    } else if (!pr.probe || m.rejectIndex === pr.next - 1) {
      pr.probe = true;
      pr.next = Math.max(pr.match + 1, Math.min(pr.next - 1, m.hint + 1));
      pr.probeSentUs = -Infinity;
      this.sendAppend(m.from);
    }
  }

  private onHeartbeatResp(m: Extract<Msg, { t: 'hbResp' }>): void {
    if (this.role !== 'leader') return;
    const pr = this.answered(m.from, m.leaseStart);
    if (m.ctx !== 0) {
      const r = this.rounds.get(m.ctx);
      if (r) {
        r.acks.add(m.from);
        if (r.acks.size >= this.host.quorum) {
          this.rounds.delete(m.ctx);
          r.cb(r.index);
        }
      }
    }
    // A follower that stopped making progress (messages lost to a cut) is probed again.
    if (pr.match < this.log.lastIndex && this.now - pr.lastMatchUs > this.host.cfg.heartbeatIntervalUs) {
      if (!pr.probe) {
        pr.probe = true;
        pr.next = Math.max(pr.match + 1, Math.min(pr.next, m.lastIndex + 1));
        pr.probeSentUs = -Infinity;
      }
      this.sendAppend(m.from);
    }
  }

  private onVote(m: Extract<Msg, { t: 'vote' }>): void {
    // Terms are equal here (a real vote with a higher term made this node a follower of that term).
    // etcd's rule: a node votes for the candidate it already chose, or for anyone when it has neither voted nor knows a leader this term; a pre-vote for a later term is always open.
    const canVote = this.votedFor === m.from || (this.votedFor === -1 && this.leader === -1) || (m.pre && m.term > this.term);
    const grant = this.voter && canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm);
    if (grant && !m.pre) {
      this.votedFor = m.from;
      this.resetElectionTimer();
    }
    this.host.sendDatagram(this, m.from, { t: 'voteResp', term: grant && m.pre ? m.term : this.term, from: this.id, granted: grant, pre: m.pre, leaseExpiry: this.knownLeaseExpiry });
  }

  private onVoteResp(m: Extract<Msg, { t: 'voteResp' }>): void {
    const pre = this.role === 'precandidate';
    if (!(pre || this.role === 'candidate') || m.pre !== pre) return;
    if (pre && m.granted && m.term !== this.term + 1) return;
    if (m.granted) {
      this.granted.add(m.from);
      if (m.leaseExpiry > this.voteLeaseExpiry) this.voteLeaseExpiry = m.leaseExpiry;
    } else this.rejected++;
    this.tallyVotes(pre);
  }

  private onTimeoutNow(m: Extract<Msg, { t: 'timeoutNow' }>): void {
    if (this.role !== 'follower' || this.leader !== m.from) return;
    this.transferLeaseEnd = m.leaseEnd;
    this.campaign('real', true);
  }

  /** Role for the timeline. */
  get state(): Role {
    return this.role;
  }
}
