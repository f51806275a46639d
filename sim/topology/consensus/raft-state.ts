// The vocabulary of one Raft replica, shared by the files it is written in:
// protocol settings, messages, the host a node reports to, the leader's
// per-follower progress, and `RaftCore` — the node's state and the few
// operations one of its files calls in another, as those files see it.
// raft.ts's RaftNode is the one implementation; the topic files
// (raft-election.ts, raft-replicate.ts, raft-follow.ts, raft-lease.ts,
// raft-transfer.ts) are plain functions of a RaftCore, so the hot path pays
// no dispatch beyond a call, and their imports all point down to this file.
import type { Rng } from '../../core/rng.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { Scheduler } from '../../core/scheduler.ts';
import type { WallClock } from '../../world/clock.ts';
import type { EntryTable, ReplicaLog } from './log.ts';
import type { ReplicaDisk } from './raft-disk.ts';

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
  /** The leader sends a raised commit index to its followers at once (etcd's raft does, for answerFrom: local); otherwise it rides the next append or heartbeat. */
  commitNotify?: boolean | undefined;
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

/** What a node tells the group it lives in; `N` is the node as the group knows it (raft.ts: RaftHost). */
export interface RaftHostOf<N> {
  readonly sched: Scheduler;
  readonly entries: EntryTable;
  readonly cfg: RaftConfig;
  /** Node ids of the voters. */
  readonly voters: readonly number[];
  /** Node count (voters and non-voters); node ids are 0..count-1. */
  readonly nodeCount: number;
  /** Quorum size: a majority of the voters. */
  readonly quorum: number;
  sendDatagram(from: N, to: number, m: Msg): void;
  sendStream(from: N, to: number, m: AppMsg, bytes: number): void;
  /** Region hosting the preferred leader (-1: none), and whether a node there may take over. */
  preferredTarget(leader: N): number;
  roleChanged(n: N): void;
  electionStarted(n: N, pre: boolean): void;
  becameLeader(n: N, campaignStartUs: number, transfer: boolean): void;
  leaderCommitted(n: N, fromIndex: number, toIndex: number): void;
  applied(n: N, index: number, id: number): void;
  truncating(n: N, index: number): void;
  /** The leader may now serve (lease wait over, lease valid, or transfer aborted). */
  servable(n: N): void;
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

export interface Progress {
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

export interface ReadRound {
  index: number;
  acks: Set<number>;
  cb: (index: number) => void;
}

export type Status = 'up' | 'paused' | 'crashed';

/** A follower's acknowledgement of an append, sent once the appended entries are durable. */
export interface PendingAck {
  to: number;
  term: number;
  last: number;
  lastId: number;
  incarnation: number;
  leaseStart: number;
}

/**
 * The replica as its own files see it: every field is the node's, read and
 * written by the file whose topic it is (the comments say which). Outside
 * the replica, code uses RaftNode's methods and the fields it documents.
 */
export interface RaftCore {
  readonly id: number;
  readonly region: number;
  readonly voter: boolean;
  readonly clock: WallClock;
  readonly log: ReplicaLog;
  /** The state machine: the entry id last applied per row (0: never written). */
  readonly rowVersion: Int32Array;
  readonly host: RaftHostOf<this>;
  readonly electionRng: Rng;
  /** The replica's disk: its write queue, durable prefix and incarnation (raft-disk.ts). */
  readonly disk: ReplicaDisk;
  /** Scratch for quorum values, one per voter (sized for every node: the group adds its voters as it builds them). */
  readonly quorumScratch: Float64Array;
  /** Handlers bound once (no closure per entry or per message on the hot path). */
  readonly diskWakeBound: () => void;
  readonly ackBound: (a: PendingAck) => void;

  status: Status;
  role: Role;
  term: number;
  votedFor: number;
  /** The leader this node believes in for its term (-1: none known). */
  leader: number;
  commitIndex: number;
  appliedIndex: number;
  /** Highest lease expiry (leader-clock µs) this node has promised to respect; survives crashes. */
  knownLeaseExpiry: number;
  /** Follower reads: every entry with a timestamp ≤ this (leader clock) is applied here. */
  closedTs: number;

  // Elections (raft-election.ts).
  lastHeardLeaderUs: number;
  timeoutUs: number;
  electionDeadlineUs: number;
  timerAtUs: number;
  timerGen: number;
  campaignStartUs: number;
  granted: Set<number>;
  rejected: number;
  voteLeaseExpiry: number;
  transferLeaseEnd: number | undefined;

  // Leader state (raft-replicate.ts, raft-lease.ts, raft-transfer.ts).
  progress: Progress[];
  becameLeaderUs: number;
  /** Index of the no-op that opened this leader's term. */
  termStartIndex: number;
  /** The leader may not serve before its clock reads this (the previous lease surely expired). */
  leaseWaitUntilLocal: number;
  leaseStartSent: number;
  leaseExpiryLocal: number;
  readCtx: number;
  readonly rounds: Map<number, ReadRound>;
  transferTarget: number;
  transferDeadlineUs: number;
  transferSent: boolean;
  yieldedAtLocal: number;
  hbGen: number;
  checkAtUs: number;

  /** Simulated time now, µs. */
  readonly now: number;
  /** This replica's clock now, µs. */
  local(): number;
  /** Runs `fn` now if the node is up, queues it while paused, drops it when crashed. False when dropped. */
  whenUp(fn: () => void): boolean;

  // Calls from one file of the replica into a file above it (raft.ts, raft-transfer.ts).
  becomeFollower(term: number, leader: number): void;
  becomeLeader(campaignStartUs: number, transfer: boolean): void;
  maybeTransfer(): void;
  continueTransfer(): void;
}

/** The quorum-th highest of the values in the scratch (one per voter): what a quorum of voters has reached. */
export function quorumOf(n: RaftCore): number {
  const a = n.quorumScratch;
  const len = n.host.voters.length;
  // Insertion sort, highest first (a handful of voters).
  for (let i = 1; i < len; i++) {
    const x = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) < x) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = x;
  }
  return a[n.host.quorum - 1] as number;
}
