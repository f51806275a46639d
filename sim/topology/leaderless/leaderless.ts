// Leaderless quorum replication (Dynamo, Cassandra, Riak): N replicas of
// every key, placed per region (NetworkTopologyStrategy-style counts); a
// coordinator in the client's region sends each write to every replica and
// acknowledges it once the write consistency level is met; a read asks the
// replicas as `readFanout` says and answers, once the read level is met,
// with the newest version among the answers (last-writer-wins by timestamp),
// or the union of the answers for a set (CRDT) row.
//
//   client ─► coordinator ─W─► replica ─A─► coordinator ─► client   (write)
//   client ─► coordinator ─R─► replica ─S─► coordinator ─► client   (read)
//
// Timestamps come from the coordinator region's skewed wall clock (Cassandra:
// clock skew loses updates) or its hybrid logical clock (every message a
// region's nodes receive carries the sender's HLC). Repair: read repair (per
// read, with a probability: the stale replicas the read heard from get the
// newest version), hinted handoff (a hint per replica that was unreachable at
// send, or did not ack within the client timeout; replayed every
// `replayInterval` once the replica is reachable; dropped after
// `maxHintWindow`), periodic anti-entropy (every pair of reachable replicas
// exchanges what the other lacks), and sloppy quorum (a replica unreachable at
// send is stood in for by a spare node in the coordinator's region, which
// acknowledges for it and keeps a hint; fallback copies are not read).
//
// Simplifications: the coordinator's failure detector is exact (it knows at
// once which replicas are down or cut off) and fails a request at once
// (unavailable) when too few replicas are reachable to meet its level; a
// region's nodes (coordinator and replicas) share one process status — the
// region's `DbNode`, which the fault verbs crash, pause and resume — so a
// crash or outage takes them down together and a pause holds what arrives
// until the region resumes; replicas are durable (a crash loses nothing
// acknowledged); anti-entropy reads the sender's rows when the exchange
// arrives.
//
// Owns coordinators, replicas, hints and repair. Reports replica applies
// (for conflicts) through the run's events; does not judge reads (the
// sink's judge does) and does not own faults.
//
// This file is the store's face: it builds the shared state (state.ts) and
// wires the message and timeout handlers to the parts, bottom to top —
// types.ts; due.ts (client timeouts); state.ts; hints.ts, anti-entropy.ts,
// end-of-run.ts, write-path.ts, read-path.ts; delivery.ts (messages at
// replicas and back at coordinators) — each a set of functions of the state.
import type { Hlc } from '../../world/hlc.ts';
import { requestBytes, type Op } from '../../db/op.ts';
import { CLIENT } from '../../world/traffic.ts';
import type { ReplicaStore } from './store.ts';
import type { WriteFacts } from './writes.ts';
import type { Hint, LeaderlessOptions, RequestState } from './types.ts';
import { LeaderlessState } from './state.ts';
import { pendingHintIds, startHintReplay } from './hints.ts';
import { startAntiEntropy } from './anti-entropy.ts';
import { everywhere, held, lostAcked } from './end-of-run.ts';
import { write, writeTimedOut } from './write-path.ts';
import { read, readTimedOut } from './read-path.ts';
import { atCoordinator, atReplica } from './delivery.ts';

export type { LeaderlessConfig, LeaderlessOptions, LeaderlessSink, Membership, ReadAnswer } from './types.ts';

export class Leaderless {
  private readonly st: LeaderlessState;
  readonly facts: WriteFacts;
  /** Replica index → region. */
  readonly replicaRegion: readonly number[];
  readonly stores: readonly ReplicaStore[];
  readonly n: number;
  /** Hints kept by each region's nodes. */
  readonly hints: readonly Hint[][];

  private readonly writeBound = (op: Op) => write(this.st, op);
  private readonly readBound = (op: Op) => read(this.st, op);

  constructor(o: LeaderlessOptions) {
    const legs = o.legs;
    const st: LeaderlessState = new LeaderlessState(o, {
      toReplica: (m) => {
        if (legs.arrived(m)) atReplica(st, m);
      },
      toCoordinator: (m) => {
        if (legs.arrived(m)) atCoordinator(st, m);
      },
      timedOut: (s: RequestState) => {
        if (s.isWrite) writeTimedOut(st, s);
        else readTimedOut(st, s);
      },
    });
    this.st = st;
    this.facts = st.facts;
    this.replicaRegion = st.replicaRegion;
    this.stores = st.stores;
    this.n = st.n;
    this.hints = st.hints;
  }

  /** Starts the periodic hint replay and anti-entropy. */
  start(): void {
    startHintReplay(this.st);
    startAntiEntropy(this.st);
  }

  // A client's request travels to the coordinator in its region first (the network's same-region rule).
  write(op: Op): void {
    this.st.o.net.datagram(op.region, op.region, CLIENT, requestBytes(op), this.writeBound, op);
  }

  read(op: Op): void {
    this.st.o.net.datagram(op.region, op.region, CLIENT, requestBytes(op), this.readBound, op);
  }

  // --- counters -------------------------------------------------------------
  get hintsStored(): number {
    return this.st.hintsStored;
  }
  get hintsReplayed(): number {
    return this.st.hintsReplayed;
  }
  get hintsExpired(): number {
    return this.st.hintsExpired;
  }
  get readRepairs(): number {
    return this.st.readRepairs;
  }
  get unavailable(): number {
    return this.st.unavailable;
  }

  /** The hybrid logical clock of region r (tests). */
  hlcOf(r: number): Hlc {
    return this.st.hlcs[r] as Hlc;
  }

  /** Hints not yet delivered (for RPO: a write they hold is not lost). */
  pendingHintIds(): Set<number> {
    return pendingHintIds(this.st);
  }

  /** Whether some replica reflects write `id` (holds it, or a version that beats it, or — set row — has added it). */
  held(id: number): boolean {
    return held(this.st, id);
  }

  /** Whether every replica reflects write `id`. */
  everywhere(id: number): boolean {
    return everywhere(this.st, id);
  }

  /**
   * RPO: acknowledged writes (acked at or after `fromUs`) that no replica
   * holds and no pending hint will deliver — lost for good.
   */
  lostAcked(fromUs: number): { count: number; firstAckUs: number; lastAckUs: number; ids: number[] } {
    return lostAcked(this.st, fromUs);
  }
}
