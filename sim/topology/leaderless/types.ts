// The leaderless store's types: its configuration, options and sink (the
// public ones, re-exported by leaderless.ts), and the records its parts pass
// among themselves — a write's and a read's coordinator state, a hint, and
// the messages to a replica and back to a coordinator. The bottom of the
// store's files: of the others it imports only legs.ts (the message legs).
import type { Scheduler } from '../../core/scheduler.ts';
import type { Rng } from '../../core/rng.ts';
import type { Network } from '../../world/network.ts';
import type { WallClock } from '../../world/clock.ts';
import type { Op } from '../../db/op.ts';
import type { DbNode } from '../../db/node.ts';
import type { RunEvents } from '../../measure/events.ts';
import type { ConsistencyLevel } from '../../scenario/consistency-levels.ts';
import type { LegMessage, Legs } from './legs.ts';

export interface LeaderlessConfig {
  /** Replicas per region (index = region). */
  replicas: readonly number[];
  write: ConsistencyLevel;
  read: ConsistencyLevel;
  readFanout: 'all' | 'nearest';
  timestamps: 'wallclock' | 'hlc';
  /** Probability that a read repairs the stale replicas it heard from. */
  readRepair: number;
  hintedHandoff: { maxHintWindowUs: number; replayIntervalUs: number } | undefined;
  /** 0: off. */
  antiEntropyIntervalUs: number;
  sloppyQuorum: boolean;
}

/** Membership in a set row's answer. */
export interface Membership {
  has(id: number): boolean;
}

/** What a read returned: the newest version among the answers (and, for a set row, their union). */
export interface ReadAnswer {
  id: number;
  hi: number;
  lo: number;
  members: Membership | undefined;
}

/**
 * Where outcomes go (the workload adapter, or a test). Each op gets exactly
 * one outcome. An answer is reported when the coordinator has it, with the
 * time the client receives it (`atUs`: half an intra-region round trip
 * later), without an event of its own.
 */
export interface LeaderlessSink {
  writeAcked(op: Op, id: number, atUs: number): void;
  writeFailed(op: Op): void;
  readServed(op: Op, answer: ReadAnswer, atUs: number): void;
  readFailed(op: Op): void;
}

export interface LeaderlessOptions {
  sched: Scheduler;
  net: Network;
  legs: Legs;
  /** Each region's process status (crash, pause and resume act on it). */
  nodes: readonly DbNode[];
  /** Where replica applies are reported (conflicts); optional for tests. */
  events?: Pick<RunEvents, 'replicaApplied'> | undefined;
  clocks: readonly WallClock[];
  rowCount: number;
  isSet: (row: number) => boolean;
  /** Bytes of one row of `row`'s table (a write's or a read answer's payload). */
  rowBytes: (row: number) => number;
  clientTimeoutUs: number;
  warmupUs: number;
  readRepairRng: Rng;
  config: LeaderlessConfig;
  sink: LeaderlessSink;
}

export interface WriteState {
  isWrite: true;
  op: Op;
  id: number;
  coord: number;
  acks: number;
  /** Answers per region (only when the level has per-region minimums). */
  byRegion: number[] | undefined;
  /** Per replica: 1 acked, 2 hinted. */
  mark: number[];
  /** Replicas marked (acked or hinted): once all are and the write is done, its timeout has nothing left to do. */
  marked: number;
  done: boolean;
}

export interface ReadState {
  isWrite: false;
  op: Op;
  coord: number;
  answers: number;
  /** Answers per region (only when the level has per-region minimums). */
  byRegion: number[] | undefined;
  best: { hi: number; lo: number; id: number };
  /** Set rows: the answers' snapshots, flat [replica, length, ...]. */
  snaps: number[] | undefined;
  done: boolean;
  /** Frozen when the level is met (later answers only feed read repair). */
  answer: ReadAnswer | undefined;
  /** Read repair: who answered with what. */
  heard: Array<{ replica: number; hi: number; lo: number; id: number; setLength: number }> | undefined;
  /** Read repair: heard entries whose set-row merges were sent. */
  mergedHeard: number;
}

export interface Hint {
  target: number;
  id: number;
  createdUs: number;
  /** When the last replay was sent (−∞: never). */
  sentUs: number;
  done: boolean;
}

/** A message to a replica: write (also hint replay, repair) or read. */
export interface ToReplica extends LegMessage {
  replica: number;
  from: number;
  id: number;
  /** HLC of the sender's region at send. */
  l: number;
  c: number;
  write: WriteState | undefined;
  hint: Hint | undefined;
  read: ReadState | undefined;
  /** Counts as an arrival for conflicts (first delivery of a client write or its hint). */
  original: boolean;
  /** Sloppy stand-in: the ack counts for this replica, nothing is applied. */
  standIn: number;
  /** Set-row read repair: merge `row` from replica `mergeFrom` up to `mergeLength` adds (−1: not a merge). */
  mergeFrom: number;
  mergeLength: number;
  row: number;
}

export interface ToCoordinator extends LegMessage {
  replica: number;
  l: number;
  c: number;
  write: WriteState | undefined;
  hint: Hint | undefined;
  read: ReadState | undefined;
  hi: number;
  lo: number;
  id: number;
  /** Set rows: the replica's add count when it answered (its snapshot). */
  setLength: number;
}

/** A client request a coordinator is serving (its timeout is queued on the due queue). */
export type RequestState = WriteState | ReadState;
