// The consensus topology's client side: each region's gateway routes its
// clients' operations to the group. Writes go to the leader the gateway
// believes in (paying the RTT when it is remote) and are acknowledged once
// committed. Reads follow the region's strategy:
//
// - leaseholder: the leader answers while it holds a valid lease on its own
//   clock (without leases, as read-index);
// - read-index: the leader confirms its leadership with a quorum round trip
//   per read, then answers;
// - follower: the nearest replica answers as of (gateway clock −
//   followerReadLag) once its closed timestamp has reached that time,
//   otherwise the read goes to the leaseholder;
// - local-unsafe: the nearest replica answers from what it has applied (a
//   deposed leader too) — the stale read Jepsen found in etcd 0.4.1.
//
// A replica that is not the leader answers with the leader it knows; the
// gateway follows that hint at once (at most MAX_HOPS times in a row), or
// else waits a backoff and tries the next voter, nearest first, until the
// client's timeout. A
// crashed replica refuses at once; a dropped request counts as a refusal
// (the connection broke). A leader that may not serve yet (lease wait, lease
// lapsed, transfer) holds requests until it may, or redirects them when it
// steps down; writes it had proposed then get no answer (the client times
// out: the outcome is ambiguous to it).
//
// answerFrom local (etcd): a write goes to the client's nearest voter; a
// follower forwards it to the leader it knows (refusing when it knows none)
// and answers once it applied the entry itself, which is when the commit
// index the leader sends after committing has reached it.
//
// Cost: a request to a replica in the gateway's own region is served the
// moment it is issued, and a successful answer reaches the client half an
// intra-region round trip later (as for the other topologies); client
// timeouts are found by one sweep per gateway (timeout-sweep.ts).
import type { Scheduler } from '../../core/scheduler.ts';
import { TimeoutSweep } from './timeout-sweep.ts';
import type { Network } from '../../world/network.ts';
import type { WallClock } from '../../world/clock.ts';
import { CLIENT } from '../../world/traffic.ts';
import { answerBytes, requestBytes, type Op, type Topology } from '../../db/op.ts';
import type { Workload } from '../../workload/workload.ts';
import type { RaftGroup, GroupListener } from './group.ts';
import type { RaftNode } from './raft.ts';
import { CommittedHistory } from './history.ts';

export type ReadStrategy = 'leaseholder' | 'read-index' | 'follower' | 'local-unsafe';

/** How long a gateway first waits before trying the next replica when none named a leader, µs; doubled per attempt up to RETRY_BACKOFF_MAX_US. */
export const RETRY_BACKOFF_US = 50_000;
export const RETRY_BACKOFF_MAX_US = 1_000_000;
/** Redirects a request follows at once before the gateway backs off (two replicas naming each other). */
export const MAX_HOPS = 3;
export { TIMEOUT_SWEEP_US } from './timeout-sweep.ts';

export interface ConsensusOptions {
  sched: Scheduler;
  net: Network;
  group: RaftGroup;
  workload: Workload;
  clocks: readonly WallClock[];
  /** Read strategy per region (index = region). */
  reads: readonly ReadStrategy[];
  followerReadLagUs: number;
  clientTimeoutUs: number;
  /** Index of the group among the run's Raft groups (acks name it, so each group's terms are its own epochs). */
  groupIndex?: number | undefined;
  /** The client received the ack of entry `id` at log index `index`. */
  onAcked?: ((id: number, index: number, term: number, region: number, ackUs: number) => void) | undefined;
  /** leader (default): the leader's reply acknowledges a write; local: the voter the client sent it to answers once it applied it. */
  answerFrom?: 'leader' | 'local' | undefined;
  /** A successful answer to `op` reached its client within the client timeout at `atUs` (for the local / remote latency split). */
  onServed?: ((op: Op, atUs: number) => void) | undefined;
}

type Mode = ReadStrategy | 'write';

interface Req {
  op: Op;
  target: number;
  mode: Mode;
  /** follower reads: the timestamp to read at (gateway clock). */
  readTs: number;
  /** Retries after backoff so far. */
  attempts: number;
  /** Redirects followed at once since the last backoff. */
  hops: number;
  /** answerFrom local: the follower that forwarded the write and answers it (−1: none). */
  via: number;
}

type ReplyKind = 'ok' | 'redirect' | 'refused' | 'fallback';

interface Reply {
  req: Req;
  kind: ReplyKind;
  version: number;
  index: number;
  /** Writes: when the leader committed it, µs. */
  commitUs: number;
  term: number;
  region: number;
  hint: number;
}

export class ConsensusTopology implements Topology, GroupListener {
  /** Per gateway region: the replica it sends leader traffic to. */
  readonly leaderCache: number[];
  /** Per region: voters nearest first. */
  private readonly votersByDistance: number[][];
  /** Per region: all replicas nearest first. */
  private readonly replicasByDistance: number[][];
  /** Committed writes by timestamp, kept only when some region reads `follower` (nothing else asks it). */
  private readonly history: CommittedHistory | undefined;
  private readonly pending = new Map<number, { req: Req; node: number }>();
  /** answerFrom local: forwarded writes by entry id, answered when their follower applies them. */
  private readonly awaitApply = new Map<number, { req: Req; node: number }>();
  private readonly local: boolean;
  private readonly timeouts: TimeoutSweep;
  private readonly waiting: Req[][];
  private readonly leaseOn: boolean;
  private readonly arriveBound = (r: Req) => this.arrive(r);
  private readonly droppedBound = (r: Req) => this.retry(r, -1);
  private readonly sendBound = (r: Req) => this.send(r);
  private readonly replyBound = (r: Reply) => this.replyArrived(r);

  constructor(private readonly o: ConsensusOptions) {
    const g = o.group;
    const regions = o.clocks.length;
    const byDistance = (from: number, ids: number[]) =>
      ids.slice().sort((a, b) => o.net.rttUs(from, (g.nodes[a] as RaftNode).region) - o.net.rttUs(from, (g.nodes[b] as RaftNode).region) || a - b);
    const all = g.nodes.map((n) => n.id);
    this.votersByDistance = [];
    this.replicasByDistance = [];
    for (let r = 0; r < regions; r++) {
      this.votersByDistance.push(byDistance(r, g.voters.slice()));
      this.replicasByDistance.push(byDistance(r, all));
    }
    this.leaderCache = new Array<number>(regions).fill(g.leader()?.id ?? (g.voters[0] as number));
    this.waiting = g.nodes.map(() => []);
    this.leaseOn = g.cfg.leaseDurationUs > 0;
    this.history = o.reads.includes('follower') ? new CommittedHistory(o.followerReadLagUs + 2 * g.cfg.maxClockOffsetUs + 1_000_000) : undefined;
    g.listener = this;
    this.timeouts = new TimeoutSweep(o.sched, o.workload, o.clientTimeoutUs);
    this.local = o.answerFrom === 'local';
    if (this.local) g.appliedListener = (n, index, id) => this.appliedAt(n, index, id);
  }

  /** Points every gateway at the current leader (after bootstrap). */
  start(): void {
    const l = this.o.group.leader();
    if (l) this.leaderCache.fill(l.id);
  }

  // --- Topology ------------------------------------------------------------------

  write(op: Op): void {
    this.timeouts.watch(op);
    const target = this.local ? ((this.votersByDistance[op.region] as number[])[0] as number) : (this.leaderCache[op.region] as number);
    this.send({ op, target, mode: 'write', readTs: 0, attempts: 0, hops: 0, via: -1 });
  }

  read(op: Op): void {
    const mode = this.o.reads[op.region] ?? 'leaseholder';
    this.timeouts.watch(op);
    if (mode === 'follower' || mode === 'local-unsafe') {
      const readTs = mode === 'follower' ? (this.o.clocks[op.region] as WallClock).readUs(this.o.sched.now) - this.o.followerReadLagUs : 0;
      this.send({ op, target: (this.replicasByDistance[op.region] as number[])[0] as number, mode, readTs, attempts: 0, hops: 0, via: -1 });
    } else {
      this.send({ op, target: this.leaderCache[op.region] as number, mode, readTs: 0, attempts: 0, hops: 0, via: -1 });
    }
  }

  // --- gateway ---------------------------------------------------------------------

  private send(req: Req): void {
    if (req.op.done) return;
    const t = this.o.group.nodes[req.target] as RaftNode;
    this.o.net.datagram(req.op.region, t.region, CLIENT, requestBytes(req.op), this.arriveBound, req, this.droppedBound);
  }

  private retry(req: Req, hint: number): void {
    const op = req.op;
    if (op.done || this.o.sched.now - op.invokeUs >= this.o.clientTimeoutUs) return;
    const g = op.region;
    if (req.mode === 'follower') return this.fallback(req);
    if (this.local && req.mode === 'write') {
      // The client stays with its member (or, when that member refused, tries the next voter).
      req.target = req.via >= 0 ? req.via : hint >= 0 ? req.target : next(this.votersByDistance[g] as number[], req.target);
      req.via = -1;
      this.backoff(req);
      return;
    }
    if (req.mode === 'local-unsafe') {
      req.target = next(this.replicasByDistance[g] as number[], req.target);
      this.backoff(req);
      return;
    }
    if (hint >= 0 && hint !== req.target && req.hops < MAX_HOPS) {
      this.leaderCache[g] = hint;
      req.target = hint;
      req.hops++;
      this.send(req);
      return;
    }
    if (hint >= 0 && hint !== req.target) {
      this.leaderCache[g] = hint;
      req.target = hint;
      this.backoff(req);
      return;
    }
    const n = next(this.votersByDistance[g] as number[], req.target);
    if (this.leaderCache[g] === req.target) this.leaderCache[g] = n;
    req.target = n;
    this.backoff(req);
  }

  private backoff(req: Req): void {
    req.hops = 0;
    const wait = Math.min(RETRY_BACKOFF_MAX_US, RETRY_BACKOFF_US * 2 ** req.attempts++);
    this.o.sched.after(wait, this.sendBound, req);
  }

  private fallback(req: Req): void {
    req.mode = this.leaseOn ? 'leaseholder' : 'read-index';
    req.target = this.leaderCache[req.op.region] as number;
    this.send(req);
  }

  private replyArrived(r: Reply, atUs = this.o.sched.now): void {
    const { req } = r;
    const op = req.op;
    if (op.done) return;
    const now = atUs;
    switch (r.kind) {
      case 'ok':
        if (req.mode === 'write') {
          const inTime = now - op.invokeUs <= this.o.clientTimeoutUs;
          this.o.workload.writeAcked(op, now, { node: { region: r.region }, version: r.version, lsn: r.index, epoch: r.term, commitUs: r.commitUs, group: this.o.groupIndex ?? 0 });
          if (inTime) {
            this.o.onAcked?.(r.version, r.index, r.term, r.region, now);
            this.o.onServed?.(op, now);
          }
        } else {
          if (now - op.invokeUs <= this.o.clientTimeoutUs) this.o.onServed?.(op, now);
          this.o.workload.readServed(op, r.version, now);
        }
        return;
      case 'fallback':
        return this.fallback(req);
      case 'redirect':
        return this.retry(req, r.hint);
      case 'refused':
        return this.retry(req, -1);
    }
  }

  // --- replicas ----------------------------------------------------------------------

  private arrive(req: Req): void {
    if (req.op.done) return;
    const n = this.o.group.nodes[req.target] as RaftNode;
    if (n.status === 'up') return this.serve(req, n);
    if (!n.whenUp(() => this.serve(req, n))) this.reply(req, n, 'refused', 0, 0);
  }

  private serve(req: Req, n: RaftNode): void {
    if (req.op.done) return;
    const op = req.op;
    switch (req.mode) {
      case 'write': {
        if (n.role !== 'leader') {
          if (this.local && req.via < 0 && n.leader >= 0) return this.forward(req, n);
          return this.reply(req, n, this.local && n.leader < 0 ? 'refused' : 'redirect', 0, 0);
        }
        if (!n.canWrite()) return void (this.waiting[n.id] as Req[]).push(req);
        const p = n.propose(op.row, op.bytes);
        if (p) {
          if (req.via >= 0) this.awaitApply.set(p.id, { req, node: req.via });
          else this.pending.set(p.id, { req, node: n.id });
        }
        return;
      }
      case 'leaseholder':
        if (this.leaseOn) {
          if (n.role !== 'leader') return this.reply(req, n, 'redirect', 0, 0);
          if (!n.holdsLease()) return void (this.waiting[n.id] as Req[]).push(req);
          this.o.group.invariants.leaseRead(n, this.o.sched.now, this.o.group.clocksWithinBound());
          return this.reply(req, n, 'ok', n.rowVersion[op.row] as number, 0);
        }
        return this.readIndex(req, n);
      case 'read-index':
        return this.readIndex(req, n);
      case 'follower':
        if (n.closedTsNow() >= req.readTs) return this.reply(req, n, 'ok', (this.history as CommittedHistory).asOf(op.row, req.readTs), 0);
        return this.reply(req, n, 'fallback', 0, 0);
      case 'local-unsafe':
        return this.reply(req, n, 'ok', n.rowVersion[op.row] as number, 0);
    }
  }

  /** answerFrom local: follower `n` forwards the write to the leader it knows. */
  private forward(req: Req, n: RaftNode): void {
    req.via = n.id;
    req.target = n.leader;
    const l = this.o.group.nodes[n.leader] as RaftNode;
    this.o.net.datagram(n.region, l.region, CLIENT, requestBytes(req.op), this.arriveBound, req, this.droppedBound);
  }

  /** answerFrom local: replica `n` applied entry `id` at `index`; a forwarded write waiting for it there is answered. */
  private appliedAt(n: RaftNode, index: number, id: number): void {
    const p = this.awaitApply.get(id);
    if (!p || p.node !== n.id) return;
    this.awaitApply.delete(id);
    this.o.group.invariants.acknowledging(index, id);
    this.reply(p.req, n, 'ok', id, index);
  }

  private readIndex(req: Req, n: RaftNode): void {
    if (n.role !== 'leader') return this.reply(req, n, 'redirect', 0, 0);
    if (!n.canWrite() || !n.committedInTerm()) return void (this.waiting[n.id] as Req[]).push(req);
    n.readIndex((index) => {
      if (index < 0) return this.reply(req, n, 'redirect', 0, 0);
      this.reply(req, n, 'ok', n.rowVersion[req.op.row] as number, 0);
    });
  }

  private reply(req: Req, n: RaftNode, kind: ReplyKind, version: number, index: number): void {
    const r: Reply = { req, kind, version, index, commitUs: this.o.sched.now, term: n.term, region: n.region, hint: kind === 'redirect' ? n.leader : -1 };
    // An answer inside the client's region is booked (Network.answerAtUs); a redirect or refusal there still travels, as the client acts on it.
    if (kind === 'ok' && n.region === req.op.region) return this.replyArrived(r, this.o.net.answerAtUs(n.region, answerBytes(req.op, true)));
    this.o.net.datagram(n.region, req.op.region, CLIENT, answerBytes(r.req.op, r.kind === 'ok'), this.replyBound, r);
  }

  // --- GroupListener ---------------------------------------------------------------

  leaderCommitted(n: RaftNode, fromIndex: number, toIndex: number): void {
    const e = this.o.group.entries;
    const history = this.history;
    const nowTs = history ? n.clock.readUs(this.o.sched.now) : 0;
    for (let i = fromIndex; i <= toIndex; i++) {
      const id = n.log.idAt(i);
      if (history) {
        const row = e.row(id);
        if (row >= 0) history.record(row, e.tsUs(id), id, nowTs);
      }
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      if (p.node !== n.id) continue;
      this.o.group.invariants.acknowledging(i, id);
      this.reply(p.req, n, 'ok', id, i);
    }
  }

  servable(n: RaftNode): void {
    const q = this.waiting[n.id] as Req[];
    if (q.length === 0) return;
    this.waiting[n.id] = [];
    for (const req of q) this.serve(req, n);
  }

  roleChanged(n: RaftNode): void {
    if (n.role === 'leader') return;
    const q = this.waiting[n.id] as Req[];
    if (q.length > 0) {
      this.waiting[n.id] = [];
      for (const req of q) if (!req.op.done) this.reply(req, n, n.status === 'crashed' ? 'refused' : 'redirect', 0, 0);
    }
    if (this.pending.size > 0) {
      for (const [id, p] of this.pending) if (p.node === n.id) this.pending.delete(id);
    }
    // A crashed follower answers none of the writes it forwarded (the client's connection broke).
    if (n.status === 'crashed' && this.awaitApply.size > 0) {
      for (const [id, p] of this.awaitApply) if (p.node === n.id) this.awaitApply.delete(id);
    }
  }
}

/** The element after `cur` in `list`, cyclically. */
function next(list: readonly number[], cur: number): number {
  const k = list.indexOf(cur);
  return list[(k + 1) % list.length] as number;
}
