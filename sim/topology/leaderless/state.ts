// What a leaderless store's parts share: its options, replicas (placement,
// stores, clocks), hints, the due queue, the counters, and the small rules
// every part asks (is a region down or paused, is a replica reachable, a
// timestamp now). The parts (write-path, read-path, delivery, hints,
// anti-entropy, end-of-run) are functions of this state; leaderless.ts
// builds it and hands it the message and timeout handlers, so the parts
// import this file and never one another in a circle.
import { Hlc } from '../../world/hlc.ts';
import type { WallClock } from '../../world/clock.ts';
import type { DbNode } from '../../db/node.ts';
import { requirement, type Requirement } from '../../scenario/consistency-levels.ts';
import { ReplicaStore } from './store.ts';
import { WriteFacts } from './writes.ts';
import { DueQueue } from './due.ts';
import type { Hint, LeaderlessOptions, RequestState, ToCoordinator, ToReplica } from './types.ts';

/** Where the store's messages and timeouts are delivered (leaderless.ts wires them to the parts). */
export interface Handlers {
  /** A message arrives at a replica (after its leg's delivery check). */
  toReplica: (m: ToReplica) => void;
  /** A reply arrives at its coordinator (after its leg's delivery check). */
  toCoordinator: (m: ToCoordinator) => void;
  /** A request's client timeout. */
  timedOut: (s: RequestState) => void;
}

export class LeaderlessState {
  readonly facts = new WriteFacts();
  /** Replica index → region. */
  readonly replicaRegion: number[] = [];
  readonly stores: ReplicaStore[] = [];
  readonly n: number;
  readonly regions: number;
  readonly writeReq: Requirement[];
  readonly readReq: Requirement[];
  readonly hlcs: Hlc[];
  /** Hints kept by each region's nodes. */
  readonly hints: Hint[][];
  /** Replicas of each coordinator region, nearest first. */
  readonly nearest: number[][];
  /** Per-region counts, reused within one call. */
  readonly scratch: Int32Array;
  readonly due: DueQueue;
  readonly toReplica: (m: ToReplica) => void;
  readonly toCoordinator: (m: ToCoordinator) => void;

  // --- counters -------------------------------------------------------------
  hintsStored = 0;
  hintsReplayed = 0;
  hintsExpired = 0;
  readRepairs = 0;
  unavailable = 0;

  constructor(readonly o: LeaderlessOptions, handlers: Handlers) {
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
    this.toReplica = handlers.toReplica;
    this.toCoordinator = handlers.toCoordinator;
    this.due = new DueQueue(o.sched, o.clientTimeoutUs, this.n, cfg.hintedHandoff !== undefined, handlers.timedOut);
  }

  isDown(r: number): boolean {
    const st = (this.o.nodes[r] as DbNode).status;
    return st === 'crashed' || st === 'off';
  }

  isPaused(r: number): boolean {
    return (this.o.nodes[r] as DbNode).status === 'paused';
  }

  /** What the coordinator's failure detector says: replica i is up and reachable both ways from region c. */
  reachable(c: number, i: number): boolean {
    const r = this.replicaRegion[i] as number;
    return !this.isDown(r) && this.o.net.isUp(c, r) && this.o.net.isUp(r, c);
  }

  /** Runs `f` in region r now, or when it resumes from a pause; drops it when r is down. */
  inRegion(r: number, f: () => void): void {
    (this.o.nodes[r] as DbNode).whenRunning(f);
  }

  stamp(c: number): { hi: number; lo: number } {
    const now = this.o.sched.now;
    if (this.o.config.timestamps === 'wallclock') return { hi: (this.o.clocks[c] as WallClock).readUs(now), lo: 0 };
    const h = this.hlcs[c] as Hlc;
    h.tick(now);
    return { hi: h.l, lo: h.c };
  }

  /** Region r's nodes receive a message stamped with the sender's HLC (l, c). */
  heard(r: number, l: number, c: number): void {
    if (this.o.config.timestamps === 'hlc' && l > -Infinity) (this.hlcs[r] as Hlc).receive(this.o.sched.now, l, c);
  }

  /** Per-region answer counts for a request, when its level needs them. */
  perRegionCounts(req: Requirement): number[] | undefined {
    return req.perRegion ? new Array<number>(this.regions).fill(0) : undefined;
  }


}
