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
import type { Scheduler } from '../../core/scheduler.ts';
import type { Rng } from '../../core/rng.ts';
import type { Network } from '../../world/network.ts';
import type { WallClock } from '../../world/clock.ts';
import { Hlc } from '../../world/hlc.ts';
import type { Op } from '../../db/op.ts';
import type { DbNode } from '../../db/node.ts';
import type { RunEvents } from '../../measure/events.ts';
import { requirement, satisfied, type ConsistencyLevel, type Requirement } from '../../scenario/consistency-levels.ts';
import { compareVersion, ReplicaStore } from './store.ts';
import { WriteFacts } from './writes.ts';
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

/** The union of replicas' set-row snapshots: flat [replica, length, replica, length, ...]. */
class Snapshots implements Membership {
  constructor(private readonly stores: readonly ReplicaStore[], private readonly snaps: readonly number[]) {}
  has(id: number): boolean {
    const s = this.snaps;
    for (let k = 0; k < s.length; k += 2) if ((this.stores[s[k] as number] as ReplicaStore).hadAt(id, s[k + 1] as number)) return true;
    return false;
  }
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
  clientTimeoutUs: number;
  warmupUs: number;
  readRepairRng: Rng;
  config: LeaderlessConfig;
  sink: LeaderlessSink;
}

interface WriteState {
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

interface ReadState {
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

interface Hint {
  target: number;
  id: number;
  createdUs: number;
  /** When the last replay was sent (−∞: never). */
  sentUs: number;
  done: boolean;
}

/** A message to a replica: write (also hint replay, repair) or read. */
interface ToReplica extends LegMessage {
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

interface ToCoordinator extends LegMessage {
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

export class Leaderless {
  readonly facts = new WriteFacts();
  /** Replica index → region. */
  readonly replicaRegion: number[] = [];
  readonly stores: ReplicaStore[] = [];
  readonly n: number;
  private readonly regions: number;
  private readonly writeReq: Requirement[];
  private readonly readReq: Requirement[];
  private readonly hlcs: Hlc[];
  /** Hints kept by each region's nodes. */
  readonly hints: Hint[][];
  /** Replicas of each coordinator region, nearest first. */
  private readonly nearest: number[][];
  /** Per-region counts, reused within one call. */
  private readonly scratch: Int32Array;

  // --- counters -------------------------------------------------------------
  hintsStored = 0;
  hintsReplayed = 0;
  hintsExpired = 0;
  readRepairs = 0;
  unavailable = 0;

  private readonly toReplicaBound = (m: ToReplica) => {
    if (this.o.legs.arrived(m)) this.atReplica(m);
  };
  private readonly toCoordinatorBound = (m: ToCoordinator) => {
    if (this.o.legs.arrived(m)) this.atCoordinator(m);
  };
  private readonly timeoutBound = (s: WriteState | ReadState) => this.timedOut(s);
  private readonly dueBound = () => this.dueFired();
  private readonly replayBound = () => this.replayHints();
  private readonly antiEntropyBound = () => this.antiEntropy();

  constructor(private readonly o: LeaderlessOptions) {
    const cfg = o.config;
    this.regions = o.clocks.length;
    cfg.replicas.forEach((count, r) => {
      for (let k = 0; k < count; k++) {
        this.replicaRegion.push(r);
        this.stores.push(new ReplicaStore(o.rowCount));
      }
    });
    this.n = this.replicaRegion.length;
    if (this.n === 0) throw new Error('invariant: a leaderless topology needs at least one replica');
    const per = Array.from({ length: this.regions }, (_, r) => cfg.replicas[r] ?? 0);
    this.writeReq = per.map((_, c) => requirement(cfg.write, per, c));
    this.readReq = per.map((_, c) => requirement(cfg.read, per, c));
    this.hlcs = o.clocks.map((c) => new Hlc(c));
    this.scratch = new Int32Array(this.regions);
    this.hints = Array.from({ length: this.regions }, () => []);
    this.nearest = Array.from({ length: this.regions }, (_, c) =>
      this.replicaRegion.map((_, i) => i).sort((a, b) => o.net.rttUs(c, this.replicaRegion[a] as number) - o.net.rttUs(c, this.replicaRegion[b] as number) || a - b),
    );
  }

  /** Starts the periodic hint replay and anti-entropy. */
  start(): void {
    const cfg = this.o.config;
    if (cfg.hintedHandoff) this.o.sched.at(this.o.sched.now + cfg.hintedHandoff.replayIntervalUs, this.replayBound, undefined);
    if (cfg.antiEntropyIntervalUs > 0) this.o.sched.at(this.o.sched.now + cfg.antiEntropyIntervalUs, this.antiEntropyBound, undefined);
  }

  // --- helpers ----------------------------------------------------------------

  /** The hybrid logical clock of region r (tests). */
  hlcOf(r: number): Hlc {
    return this.hlcs[r] as Hlc;
  }

  private isDown(r: number): boolean {
    const st = (this.o.nodes[r] as DbNode).status;
    return st === 'crashed' || st === 'off';
  }

  private isPaused(r: number): boolean {
    return (this.o.nodes[r] as DbNode).status === 'paused';
  }

  /** What the coordinator's failure detector says: replica i is up and reachable both ways from region c. */
  private reachable(c: number, i: number): boolean {
    const r = this.replicaRegion[i] as number;
    return !this.isDown(r) && this.o.net.isUp(c, r) && this.o.net.isUp(r, c);
  }

  /** Runs `f` in region r now, or when it resumes from a pause; drops it when r is down. */
  private inRegion(r: number, f: () => void): void {
    (this.o.nodes[r] as DbNode).whenRunning(f);
  }

  private stamp(c: number): { hi: number; lo: number } {
    const now = this.o.sched.now;
    if (this.o.config.timestamps === 'wallclock') return { hi: (this.o.clocks[c] as WallClock).readUs(now), lo: 0 };
    const h = this.hlcs[c] as Hlc;
    h.tick(now);
    return { hi: h.l, lo: h.c };
  }

  private heard(r: number, l: number, c: number): void {
    if (this.o.config.timestamps === 'hlc' && l > -Infinity) (this.hlcs[r] as Hlc).receive(this.o.sched.now, l, c);
  }

  /** Per-region answer counts for a request, when its level needs them. */
  private perRegionCounts(req: Requirement): number[] | undefined {
    return req.perRegion ? new Array<number>(this.regions).fill(0) : undefined;
  }

  private halfIntraUs(r: number): number {
    return this.o.net.rttUs(r, r) / 2;
  }

  // --- writes -----------------------------------------------------------------

  write(op: Op): void {
    const c = op.region;
    if (this.isDown(c)) return this.o.sink.writeFailed(op);
    if (this.isPaused(c)) this.inRegion(c, () => this.coordinateWrite(op, c));
    else this.coordinateWrite(op, c);
  }

  private coordinateWrite(op: Op, c: number): void {
    const { sched, config: cfg } = this.o;
    const req = this.writeReq[c] as Requirement;
    if (!cfg.sloppyQuorum && !this.canMeet(c, req)) {
      this.unavailable++;
      return this.o.sink.writeFailed(op);
    }
    const ts = this.stamp(c);
    const isSet = this.o.isSet(op.row);
    const id = this.facts.add(op.row, ts.hi, ts.lo, op.invokeUs);
    const s: WriteState = { isWrite: true, op, id, coord: c, acks: 0, byRegion: this.perRegionCounts(this.writeReq[c] as Requirement), mark: new Array<number>(this.n).fill(0), marked: 0, done: false };
    const h = this.hlcs[c] as Hlc;
    for (let i = 0; i < this.n; i++) {
      const r = this.replicaRegion[i] as number;
      const msg: ToReplica = { replica: i, from: c, id, l: h.l, c: h.c, write: s, hint: undefined, read: undefined, original: true, standIn: -1, mergeFrom: -1, mergeLength: 0, row: 0, legFrom: 0, legTo: 0, legEpoch: 0 };
      if (this.reachable(c, i)) {
        this.o.legs.send('write', c, r, this.toReplicaBound, msg);
      } else if (cfg.sloppyQuorum) {
        // A spare node in the coordinator's region stands in and keeps the hint.
        msg.standIn = i;
        msg.original = false;
        this.storeHint(c, i, id);
        s.mark[i] = 2;
        s.marked++;
        this.o.legs.send('write', c, c, this.toReplicaBound, msg);
      } else if (cfg.hintedHandoff) {
        this.storeHint(c, i, id);
        s.mark[i] = 2;
        s.marked++;
      }
    }
    this.watchTimeout(s);
  }

  /** Whether enough replicas are reachable from c to meet `req`. */
  private canMeet(c: number, req: Requirement): boolean {
    const by = this.scratch;
    by.fill(0);
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      if (!this.reachable(c, i)) continue;
      total++;
      by[this.replicaRegion[i] as number]!++;
    }
    return satisfied(req, total, by);
  }

  private atReplica(m: ToReplica): void {
    const r = m.standIn >= 0 ? m.from : (this.replicaRegion[m.replica] as number);
    if (this.isDown(r)) return;
    if (this.isPaused(r)) this.inRegion(r, () => this.serveAtReplica(m, r));
    else this.serveAtReplica(m, r);
  }

  private serveAtReplica(m: ToReplica, r: number): void {
    this.heard(r, m.l, m.c);
    const h = this.hlcs[r] as Hlc;
    const i = m.replica;
    const store = this.stores[i] as ReplicaStore;
    const f = this.facts;
    if (m.read) {
      // An answer the coordinator no longer needs (it answered, no read repair, nothing for its clock to learn) is not sent.
      if (m.read.done && m.read.heard === undefined && this.o.config.timestamps === 'wallclock') return this.o.legs.discard('response', r, m.read.coord);
      const row = m.read.op.row;
      const isSet = this.o.isSet(row);
      const reply: ToCoordinator = {
        replica: i, l: h.l, c: h.c, write: undefined, hint: undefined, read: m.read,
        hi: store.hi[row] as number, lo: store.lo[row] as number, id: store.id[row] as number,
        setLength: isSet ? store.setLength(row) : 0, legFrom: 0, legTo: 0, legEpoch: 0,
      };
      this.o.legs.send('response', r, m.read.coord, this.toCoordinatorBound, reply);
      return;
    }
    if (m.mergeFrom >= 0) {
      store.mergeSet(this.stores[m.mergeFrom] as ReplicaStore, m.mergeFrom, m.row, f, m.mergeLength);
      return;
    }
    if (m.standIn < 0) {
      const row = f.row[m.id] as number;
      const heldId = store.id[row] as number;
      const isSet = this.o.isSet(row);
      if (m.original && heldId > 0 && heldId !== m.id) this.o.events?.replicaApplied(r, m.id, heldId, this.o.sched.now);
      store.apply(row, f.hi[m.id] as number, f.lo[m.id] as number, m.id, isSet);
    }
    if (m.write || m.hint) {
      const reply: ToCoordinator = {
        replica: i, l: h.l, c: h.c, write: m.write, hint: m.hint, read: undefined, hi: 0, lo: 0, id: m.id, setLength: 0, legFrom: 0, legTo: 0, legEpoch: 0,
      };
      this.o.legs.send('ack', r, m.from, this.toCoordinatorBound, reply);
    }
  }

  private atCoordinator(m: ToCoordinator): void {
    const c = m.read ? m.read.coord : m.write ? m.write.coord : -1;
    if (m.hint) {
      // The holder of a replayed hint learns it was delivered.
      m.hint.done = true;
      this.hintsReplayed++;
      return;
    }
    if (this.isDown(c)) return;
    if (this.isPaused(c)) {
      this.inRegion(c, () => this.atCoordinator(m));
      return;
    }
    this.heard(c, m.l, m.c);
    if (m.write) this.writeAckArrived(m.write, m.replica);
    else if (m.read) this.readAnswerArrived(m.read, m);
  }

  private writeAckArrived(s: WriteState, i: number): void {
    if (s.mark[i] === 1) return;
    if (s.mark[i] === 0) s.marked++;
    s.mark[i] = 1;
    s.acks++;
    if (s.byRegion) s.byRegion[this.replicaRegion[i] as number]!++;
    if (s.done || !satisfied(this.writeReq[s.coord] as Requirement, s.acks, s.byRegion ?? this.scratch)) return;
    s.done = true;
    // The client has the ack after the coordinator → client half of the intra-region round trip.
    this.clientAck(s, this.o.sched.now + this.halfIntraUs(s.coord));
  }

  /** The client has the ack at `atUs` (now, or half an intra-region round trip from now). */
  private clientAck(s: WriteState, atUs: number): void {
    const { op, id } = s;
    if (atUs - op.invokeUs > this.o.clientTimeoutUs) return this.o.sink.writeFailed(op); // too late: the client gave up
    this.facts.ackUs[id] = atUs;
    this.o.sink.writeAcked(op, id, atUs);
  }

  private writeTimedOut(s: WriteState): void {
    if (this.o.config.hintedHandoff) {
      // Replicas that never acknowledged get a hint (the write may have been lost on the way).
      for (let i = 0; i < this.n; i++) if (s.mark[i] === 0) {
        s.mark[i] = 2;
        s.marked++;
        this.storeHint(s.coord, i, s.id);
      }
    }
    if (!s.done) {
      s.done = true;
      this.o.sink.writeFailed(s.op);
    }
  }

  // --- hints ------------------------------------------------------------------

  private storeHint(holder: number, target: number, id: number): void {
    (this.hints[holder] as Hint[]).push({ target, id, createdUs: this.o.sched.now, sentUs: -Infinity, done: false });
    this.hintsStored++;
  }

  /** Periodic: every hint whose replica is reachable again is replayed; expired ones are dropped. */
  private replayHints(): void {
    const cfg = this.o.config.hintedHandoff;
    if (!cfg) return;
    const now = this.o.sched.now;
    for (let holder = 0; holder < this.regions; holder++) {
      const list = this.hints[holder] as Hint[];
      if (list.length === 0 || this.isDown(holder) || this.isPaused(holder)) continue;
      let k = 0;
      for (const hint of list) {
        if (hint.done) continue;
        if (now - hint.createdUs > cfg.maxHintWindowUs) {
          this.hintsExpired++;
          continue;
        }
        list[k++] = hint;
        if (now - hint.sentUs < this.o.clientTimeoutUs || !this.reachable(holder, hint.target)) continue;
        hint.sentUs = now;
        const h = this.hlcs[holder] as Hlc;
        this.o.legs.send('write', holder, this.replicaRegion[hint.target] as number, this.toReplicaBound, {
          replica: hint.target, from: holder, id: hint.id, l: h.l, c: h.c, write: undefined, hint, read: undefined, original: true, standIn: -1, mergeFrom: -1, mergeLength: 0, row: 0, legFrom: 0, legTo: 0, legEpoch: 0,
        } satisfies ToReplica);
      }
      list.length = k;
    }
    this.o.sched.at(now + cfg.replayIntervalUs, this.replayBound, undefined);
  }

  /** Hints not yet delivered (for RPO: a write they hold is not lost). */
  pendingHintIds(): Set<number> {
    const ids = new Set<number>();
    for (const list of this.hints) for (const h of list) if (!h.done) ids.add(h.id);
    return ids;
  }

  // --- reads ------------------------------------------------------------------

  read(op: Op): void {
    const c = op.region;
    if (this.isDown(c)) return this.o.sink.readFailed(op);
    if (this.isPaused(c)) this.inRegion(c, () => this.coordinateRead(op, c));
    else this.coordinateRead(op, c);
  }

  private coordinateRead(op: Op, c: number): void {
    const { sched, config: cfg } = this.o;
    const req = this.readReq[c] as Requirement;
    const targets = cfg.readFanout === 'all' ? this.reachableFrom(c) : this.nearestFor(c, req);
    const by = this.scratch;
    by.fill(0);
    for (const i of targets) by[this.replicaRegion[i] as number]!++;
    if (!satisfied(req, targets.length, by)) {
      this.unavailable++;
      return this.o.sink.readFailed(op);
    }
    const repair = cfg.readRepair > 0 && this.o.readRepairRng.next() < cfg.readRepair;
    const s: ReadState = {
      isWrite: false, op, coord: c, answers: 0, byRegion: this.perRegionCounts(req),
      best: { hi: -Infinity, lo: 0, id: 0 }, snaps: this.o.isSet(op.row) ? [] : undefined, done: false, answer: undefined,
      heard: repair ? [] : undefined, mergedHeard: 0,
    };
    const h = this.hlcs[c] as Hlc;
    for (const i of targets) {
      this.o.legs.send('read', c, this.replicaRegion[i] as number, this.toReplicaBound, {
        replica: i, from: c, id: 0, l: h.l, c: h.c, write: undefined, hint: undefined, read: s, original: false, standIn: -1, mergeFrom: -1, mergeLength: 0, row: 0, legFrom: 0, legTo: 0, legEpoch: 0,
      } satisfies ToReplica);
    }
    this.watchTimeout(s);
  }

  /** Replicas reachable from region c, nearest first (shared array when all are). */
  private reachableFrom(c: number): number[] {
    const all = this.nearest[c] as number[];
    for (const i of all) if (!this.reachable(c, i)) return all.filter((j) => this.reachable(c, j));
    return all;
  }

  /** `nearest` fanout: the replicas a level needs, nearest first (per-region minimums first), among the reachable ones. */
  private nearestFor(c: number, req: Requirement): number[] {
    const chosen: number[] = [];
    const taken = new Uint8Array(this.n);
    const order = (this.nearest[c] as number[]).filter((i) => this.reachable(c, i));
    if (req.perRegion) {
      const need = Int32Array.from(req.perRegion);
      for (const i of order) {
        const r = this.replicaRegion[i] as number;
        if ((need[r] as number) > 0) {
          need[r]!--;
          chosen.push(i);
          taken[i] = 1;
        }
      }
    }
    for (const i of order) {
      if (chosen.length >= req.total) break;
      if (!taken[i]) chosen.push(i);
    }
    return chosen;
  }

  private readAnswerArrived(s: ReadState, m: ToCoordinator): void {
    const b = s.best;
    if (compareVersion(m.hi, m.lo, m.id, b.hi, b.lo, b.id) > 0) {
      b.hi = m.hi;
      b.lo = m.lo;
      b.id = m.id;
    }
    if (s.snaps) s.snaps.push(m.replica, m.setLength);
    if (s.heard) s.heard.push({ replica: m.replica, hi: m.hi, lo: m.lo, id: m.id, setLength: m.setLength });
    s.answers++;
    if (s.byRegion) s.byRegion[this.replicaRegion[m.replica] as number]!++;
    if (!s.done && satisfied(this.readReq[s.coord] as Requirement, s.answers, s.byRegion ?? this.scratch)) {
      s.done = true;
      s.answer = { id: s.best.id, hi: s.best.hi, lo: s.best.lo, members: s.snaps ? new Snapshots(this.stores, s.snaps.slice()) : undefined };
      this.o.sink.readServed(s.op, s.answer, this.o.sched.now + this.halfIntraUs(s.coord));
    }
    if (s.done && s.heard) this.repairStale(s);
  }

  /**
   * Read repair: sends the newest version to the replicas that answered with
   * an older one; for a set row, each pair of answering replicas merges the
   * other's snapshot (sent once per pair).
   */
  private repairStale(s: ReadState): void {
    const heard = s.heard as NonNullable<ReadState['heard']>;
    const h = this.hlcs[s.coord] as Hlc;
    const row = s.op.row;
    const send = (replica: number, id: number, mergeFrom: number, mergeLength: number) => {
      this.readRepairs++;
      this.o.legs.send('write', s.coord, this.replicaRegion[replica] as number, this.toReplicaBound, {
        replica, from: s.coord, id, l: h.l, c: h.c, write: undefined, hint: undefined, read: undefined, original: false, standIn: -1,
        mergeFrom, mergeLength, row, legFrom: 0, legTo: 0, legEpoch: 0,
      } satisfies ToReplica);
    };
    if (s.snaps) {
      for (let j = s.mergedHeard; j < heard.length; j++) {
        const b = heard[j] as NonNullable<ReadState['heard']>[number];
        for (let i = 0; i < j; i++) {
          const a = heard[i] as NonNullable<ReadState['heard']>[number];
          if (b.setLength > 0) send(a.replica, 0, b.replica, b.setLength);
          if (a.setLength > 0) send(b.replica, 0, a.replica, a.setLength);
        }
      }
      s.mergedHeard = heard.length;
      return;
    }
    for (const a of heard) {
      if (s.best.id > 0 && compareVersion(a.hi, a.lo, a.id, s.best.hi, s.best.lo, s.best.id) < 0) send(a.replica, s.best.id, -1, 0);
      a.hi = s.best.hi;
      a.lo = s.best.lo;
      a.id = s.best.id;
    }
  }

  private readTimedOut(s: ReadState): void {
    if (s.done) return;
    s.done = true;
    this.o.sink.readFailed(s.op);
  }

  // --- client timeouts ----------------------------------------------------------
  //
  // Every request's client timeout falls due at invoke + clientTimeout, so
  // requests queue in deadline order and one timer at a time serves them:
  // it fires at the deadline of the first request whose timeout still has
  // work to do (a read not answered, a write not answered or with replicas
  // neither acked nor hinted), and requests whose timeout would change
  // nothing are passed over without an event of their own. A request whose
  // deadline would break the order (its coordinator resumed from a pause)
  // gets its own event.

  private due: Array<WriteState | ReadState> = [];
  private dueHead = 0;
  private dueArmed = false;

  private deadlineOf(s: WriteState | ReadState): number {
    return s.op.invokeUs + this.o.clientTimeoutUs;
  }

  /** Nothing left for the timeout to do (a write's hints are decided, the client has its answer). */
  private settled(s: WriteState | ReadState): boolean {
    return s.done && (!s.isWrite || s.marked === this.n || this.o.config.hintedHandoff === undefined);
  }

  private watchTimeout(s: WriteState | ReadState): void {
    const d = this.deadlineOf(s);
    const q = this.due;
    if (d < this.o.sched.now || (this.dueHead < q.length && d < this.deadlineOf(q[q.length - 1] as WriteState | ReadState))) {
      this.o.sched.at(d, this.timeoutBound, s);
      return;
    }
    q.push(s);
    if (!this.dueArmed) {
      this.dueArmed = true;
      this.o.sched.at(d, this.dueBound, undefined);
    }
  }

  private dueFired(): void {
    this.dueArmed = false;
    const now = this.o.sched.now;
    const q = this.due;
    let h = this.dueHead;
    while (h < q.length) {
      const s = q[h] as WriteState | ReadState;
      if (this.settled(s)) {
        h++;
        continue;
      }
      const d = this.deadlineOf(s);
      if (d > now) {
        this.dueArmed = true;
        this.o.sched.at(d, this.dueBound, undefined);
        break;
      }
      h++;
      this.timedOut(s);
    }
    if (h === q.length) {
      q.length = 0;
      h = 0;
    } else if (h > 4096 && h * 2 > q.length) {
      this.due = q.slice(h);
      h = 0;
    }
    this.dueHead = h;
  }

  private timedOut(s: WriteState | ReadState): void {
    if (s.isWrite) this.writeTimedOut(s);
    else this.readTimedOut(s);
  }

  // --- anti-entropy -----------------------------------------------------------

  /** Every ordered pair of up, connected replicas: the receiver merges what the sender has (arriving after one link delay). */
  private antiEntropy(): void {
    const { sched, net } = this.o;
    for (let i = 0; i < this.n; i++) {
      const ri = this.replicaRegion[i] as number;
      if (this.isDown(ri)) continue;
      for (let j = 0; j < this.n; j++) {
        const rj = this.replicaRegion[j] as number;
        if (i === j || this.isDown(rj) || !net.isUp(ri, rj)) continue;
        sched.at(sched.now + Math.round(net.sampleDelayUs(ri, rj)), this.mergeBound, { from: i, to: j });
      }
    }
    sched.at(sched.now + this.o.config.antiEntropyIntervalUs, this.antiEntropyBound, undefined);
  }

  private readonly mergeBound = (p: { from: number; to: number }) => this.inRegion(this.replicaRegion[p.to] as number, () => this.merge(p.from, p.to));

  private merge(from: number, to: number): void {
    const a = this.stores[from] as ReplicaStore;
    const b = this.stores[to] as ReplicaStore;
    for (let row = 0; row < this.o.rowCount; row++) {
      const id = a.id[row] as number;
      if (id > 0 && !this.o.isSet(row)) b.apply(row, a.hi[row] as number, a.lo[row] as number, id, false);
    }
    for (const row of a.setRows()) b.mergeSet(a, from, row, this.facts);
  }

  // --- end of run ---------------------------------------------------------------

  /** Whether some replica reflects write `id` (holds it, or a version that beats it, or — set row — has added it). */
  held(id: number): boolean {
    const f = this.facts;
    const row = f.row[id] as number;
    const isSet = this.o.isSet(row);
    for (const s of this.stores) if (s.reflects(row, f.hi[id] as number, f.lo[id] as number, id, isSet)) return true;
    return false;
  }

  /** Whether every replica reflects write `id`. */
  everywhere(id: number): boolean {
    const f = this.facts;
    const row = f.row[id] as number;
    const isSet = this.o.isSet(row);
    for (const s of this.stores) if (!s.reflects(row, f.hi[id] as number, f.lo[id] as number, id, isSet)) return false;
    return true;
  }

  /**
   * RPO: acknowledged writes (acked at or after `fromUs`) that no replica
   * holds and no pending hint will deliver — lost for good.
   */
  lostAcked(fromUs: number): { count: number; firstAckUs: number; lastAckUs: number; ids: number[] } {
    const hinted = this.pendingHintIds();
    const f = this.facts;
    const ids: number[] = [];
    let first = Infinity;
    let last = -Infinity;
    for (let id = 1; id <= f.count; id++) {
      const ack = f.ackUs[id] as number;
      if (!(ack >= fromUs) || hinted.has(id) || this.held(id)) continue;
      ids.push(id);
      if (ack < first) first = ack;
      if (ack > last) last = ack;
    }
    return { count: ids.length, firstAckUs: first, lastAckUs: last, ids };
  }
}
