// Single-primary topology: one primary region takes all writes; the other
// regions hold read replicas fed by replication channels.
//
// Owns: the commit path (WAL append, async / semi-sync / sync acks), the
// channels from the primary to each replica and their shipping ticker,
// client routing (each region's router caches the primary's address for
// dnsTtl; reads go local or to the primary, with read-your-writes
// strategies), and the verbs failover uses (sim/control/verbs.ts): promote,
// demote, repoint DNS, open / close / attach channels. Epoch, roles, fencing,
// DNS and channels are private to it. Does not own failure detection
// (sim/control) or metrics (sim/measure: it reports through run events).
import type { Scheduler } from '../core/scheduler.ts';
import type { RngRoot } from '../core/rng.ts';
import type { Network } from '../world/network.ts';
import { DbNode } from '../db/node.ts';
import { Channel } from '../db/channel.ts';
import { Broker } from '../db/broker.ts';
import type { Op, Topology, Workload } from '../workload/workload.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Sampler } from '../core/distributions.ts';
import type { RunEvents } from '../measure/events.ts';
import type { PrimaryControl } from '../control/verbs.ts';
import { PrimaryDns } from './dns.ts';

type Mode = Scenario['topology']['replication']['mode'];

interface WriteReply {
  op: Op;
  node: DbNode;
  ok: boolean;
  version: number;
  lsn: number;
  epoch: number;
  commitUs: number;
}

interface ReadReply {
  op: Op;
  node: DbNode;
  version: number;
}

interface Waiter {
  op: Op;
  node: DbNode;
  lsn: number;
  version: number;
  epoch: number;
  commitUs: number;
}

export interface SinglePrimaryOptions {
  sched: Scheduler;
  rng: RngRoot;
  net: Network;
  scenario: Scenario;
  nodes: DbNode[];
  workload: Workload;
  events: RunEvents;
  /** Tables (by index) not replicated. */
  filtered: ReadonlySet<number>;
  /** Initial primary region index. */
  primary: number;
  /** CDC broker delay, µs. */
  cdcDelay: Sampler;
  /** Whether a node's lease (lease fencing) lets it take writes now; always true without lease fencing. */
  leaseValid: (node: DbNode) => boolean;
  /** WAL bytes each node retains (older WAL is trimmed; a replica that needs it must rebuild). */
  walRetentionBytes: number;
}

export class SinglePrimary implements Topology, PrimaryControl {
  readonly nodes: DbNode[];
  /** Channels out of each node that currently acts as primary, by source region. */
  private readonly channels = new Map<number, Channel[]>();
  /** DNS for the primary's address and each region's cached view of it. */
  private readonly dns: PrimaryDns;
  /** Current epoch (bumped on each promotion). */
  private currentEpoch = 1;
  /** Node regions that are fenced (writes refused until they rejoin). */
  private readonly fenced: boolean[];
  private readonly waiters: Waiter[] = [];
  private waiterHead = 0;
  private writeSeq = 0;
  private readonly mode: Mode;
  private readonly syncReplicas: number;
  private readonly shipIntervalUs: number;
  private readonly semiSyncTimeoutUs: number | undefined;
  /** semi-sync fell back to async after a timeout (MySQL behaviour), per node. */
  private readonly semiSyncDegraded: boolean[];
  private readonly rywStrategy: Scenario['topology']['reads']['readYourWrites']['strategy'];
  private readonly rywTtlUs: number;
  private readonly rywTimeoutUs: number;
  private readonly routing: 'local' | 'primary';

  private readonly writeReplyBound = (r: WriteReply) => this.writeReplyArrived(r);
  private readonly writeRequestBound = (r: { op: Op; node: DbNode }) => this.writeArrived(r.op, r.node);
  private readonly readRequestBound = (r: { op: Op; node: DbNode }) => this.readArrived(r.op, r.node);
  private readonly readReplyBound = (r: ReadReply) => this.o.workload.readServed(r.op, r.version, this.o.sched.now);
  private readonly timeoutBound = (t: { op: Op; node: DbNode }) => this.timedOut(t.op, t.node);
  /** A request or its answer was lost in the network: the client will time out. */
  private readonly lostBound = (t: { op: Op; node: DbNode }) => this.armTimeout(t.op, t.node);
  private readonly tickBound = () => this.shipTick();
  private readonly sessionLsnBound = (r: { op: Op; deadlineUs: number }) => this.sessionLsnRead(r.op, r.deadlineUs);
  private readonly semiSyncTimeoutBound = (w: Waiter) => this.semiSyncTimedOut(w);
  /** Channels opened so far per "source->target/epoch" (a rejoin may reopen one; RNG stream names stay unique). */
  private readonly opened = new Map<string, number>();

  constructor(private readonly o: SinglePrimaryOptions) {
    const sc = o.scenario;
    this.nodes = o.nodes;
    this.mode = sc.topology.replication.mode;
    this.syncReplicas = sc.topology.replication.syncReplicas;
    this.shipIntervalUs = sc.topology.replication.shipInterval;
    this.semiSyncTimeoutUs = sc.topology.replication.semiSyncTimeout;
    this.rywStrategy = sc.topology.reads.readYourWrites.strategy;
    this.rywTtlUs = sc.topology.reads.readYourWrites.ttl;
    this.rywTimeoutUs = sc.topology.reads.readYourWrites.timeout;
    this.routing = sc.topology.reads.routing;
    this.fenced = o.nodes.map(() => false);
    this.semiSyncDegraded = o.nodes.map(() => false);
    this.dns = new PrimaryDns(o.nodes.length, o.primary, sc.failover.dnsTtl);
    for (const n of o.nodes) n.epoch = this.currentEpoch;
    const p = this.node(o.primary);
    p.role = 'primary';
    this.openChannels(p);
  }

  node(region: number): DbNode {
    const n = this.nodes[region];
    if (!n) throw new Error(`invariant: no node in region ${region}`);
    return n;
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  get primaryRegion(): number {
    return this.dns.primary;
  }

  // --- control verbs (sim/control/verbs.ts) -------------------------------------

  promote(cand: DbNode): number {
    const epoch = ++this.currentEpoch;
    cand.role = 'primary';
    cand.epoch = epoch;
    this.fenced[cand.region] = false;
    return epoch;
  }

  demote(n: DbNode): void {
    if (n.role === 'primary') this.closeChannels(n.region);
    n.role = 'replica';
    n.epoch = this.currentEpoch;
  }

  repoint(region: number): void {
    this.dns.primary = region;
  }

  attach(n: DbNode, primary: DbNode): Channel | undefined {
    const existing = this.channels.get(primary.region) ?? [];
    const kept = existing.filter((c) => {
      if (c.target === n) c.close();
      return c.target !== n;
    });
    const fresh = this.openChannels(primary).filter((c) => {
      if (c.target !== n) c.close();
      return c.target === n;
    });
    this.channels.set(primary.region, [...kept, ...fresh]);
    return fresh[0];
  }

  /** Starts the shipping ticker. */
  start(): void {
    if (this.shipIntervalUs > 0) this.o.sched.after(this.shipIntervalUs, this.tickBound, undefined);
  }

  // --- channels ---------------------------------------------------------------

  /** Opens channels from `source` (now primary) to every other node. */
  openChannels(source: DbNode): Channel[] {
    const { sched, net, rng, scenario } = this.o;
    const repl = scenario.topology.replication;
    const cdc = repl.channel === 'cdc';
    const list: Channel[] = [];
    for (const t of this.nodes) {
      if (t === source) continue;
      let broker: Broker | undefined;
      if (cdc) {
        const key = `${source.region}->${t.region}`;
        const n = this.opened.get(`${key}/e${source.epoch}`) ?? 0;
        this.opened.set(`${key}/e${source.epoch}`, n + 1);
        const suffix = n === 0 ? '' : `/o${n}`;
        broker = new Broker({
          partitions: repl.cdcPartitions, throughputPerS: repl.cdcThroughput, delay: this.o.cdcDelay,
          rngOf: (i) => rng.stream(`cdc/${key}/p${i}/e${source.epoch}${suffix}`),
        });
      }
      list.push(
        new Channel({
          sched, net, source, target: t, filtered: this.o.filtered, broker,
          onAck: (ch) => this.channelAcked(ch),
          onReceived: () => {},
          reportApplied: this.mode === 'sync',
        }),
      );
    }
    this.channels.set(source.region, list);
    return list;
  }

  /** Closes every channel out of `source`. */
  closeChannels(source: number): void {
    for (const ch of this.channels.get(source) ?? []) ch.close();
    this.channels.delete(source);
  }

  /** Channels of the node DNS names as primary. */
  currentChannels(): Channel[] {
    return this.channels.get(this.dns.primary) ?? [];
  }

  private shipTick(): void {
    for (const list of this.channels.values()) for (const ch of list) ch.ship();
    this.trimWals();
    this.o.sched.after(this.shipIntervalUs, this.tickBound, undefined);
  }

  /** Keeps each node's WAL within the retention budget. */
  private trimWals(): void {
    const keep = this.o.walRetentionBytes;
    for (const n of this.nodes) {
      const over = n.wal.endLsn - n.wal.startLsn - keep;
      if (over > 0) {
        // Never trim what is not yet applied locally.
        const limit = Math.min(n.wal.startLsn + over, n.appliedLsn);
        n.wal.trimThrough(limit);
      }
    }
  }

  private shipNow(node: DbNode): void {
    for (const ch of this.channels.get(node.region) ?? []) ch.ship();
  }

  // --- routing ------------------------------------------------------------------

  /** The primary as region `r`'s router sees it now (cached DNS). */
  resolve(r: number): number {
    return this.dns.resolve(r, this.o.sched.now);
  }

  /** A request to the cached primary failed: re-resolve now. */
  invalidate(r: number, failed: number): void {
    this.dns.invalidate(r, failed, this.o.sched.now);
  }

  // --- writes -------------------------------------------------------------------

  write(op: Op): void {
    const target = this.node(this.resolve(op.region));
    if (target.region === op.region) this.writeArrived(op, target);
    else this.o.net.datagram(op.region, target.region, this.writeRequestBound, { op, node: target }, this.lostBound);
  }

  /**
   * The client gives up at invoke + clientTimeout if no answer comes by then,
   * and re-resolves the primary. Armed only when an answer is in doubt
   * (request or reply lost, node paused or powered off, sync wait), so the
   * normal path costs no timer event.
   */
  private armTimeout(op: Op, node: DbNode): void {
    this.o.sched.at(op.invokeUs + this.o.scenario.workload.clientTimeout, this.timeoutBound, { op, node });
  }

  private timedOut(op: Op, node: DbNode): void {
    if (op.done) return;
    this.invalidate(op.region, node.region);
    if (op.write) this.o.workload.writeFailed(op);
    else this.o.workload.readFailed(op);
  }

  private writeArrived(op: Op, node: DbNode): void {
    if (node.status === 'up') return this.commit(op, node);
    // A crashed host's OS refuses the connection at once; a powered-off one is silent.
    if (node.status === 'crashed') return this.replyWrite(op, node, false, 0, 0);
    this.armTimeout(op, node);
    node.whenRunning(() => this.commit(op, node));
  }

  /** Whether `node` accepts a client write now. */
  acceptsWrites(node: DbNode): boolean {
    return node.isUp && node.role === 'primary' && !this.fenced[node.region] && this.o.leaseValid(node);
  }

  private commit(op: Op, node: DbNode): void {
    if (!this.acceptsWrites(node)) {
      this.replyWrite(op, node, false, 0, 0);
      return;
    }
    const now = this.o.sched.now;
    const version = ++this.writeSeq;
    const lsn = Math.max(node.wal.endLsn, node.receivedLsn) + Math.max(1, op.bytes);
    node.commitLocal({ lsnEnd: lsn, writeId: version, rowId: op.row, table: op.table, bytes: op.bytes, commitUs: now, origin: node.region, epoch: node.epoch });
    const needsWait = this.mode === 'sync' || (this.mode === 'semi-sync' && !this.semiSyncDegraded[node.region]);
    if (needsWait && (this.channels.get(node.region)?.length ?? 0) > 0) {
      const w: Waiter = { op, node, lsn, version, epoch: node.epoch, commitUs: now };
      this.waiters.push(w);
      this.armTimeout(op, node);
      if (this.semiSyncTimeoutUs !== undefined && this.mode === 'semi-sync' && this.waiters.length - this.waiterHead === 1) {
        this.o.sched.after(this.semiSyncTimeoutUs, this.semiSyncTimeoutBound, w);
      }
      this.shipNow(node);
      return;
    }
    if (this.shipIntervalUs === 0) this.shipNow(node);
    this.replyWrite(op, node, true, version, lsn);
  }

  private replyWrite(op: Op, node: DbNode, ok: boolean, version: number, lsn: number, commitUs?: number): void {
    const r: WriteReply = { op, node, ok, version, lsn, epoch: node.epoch, commitUs: commitUs ?? this.o.sched.now };
    if (node.region === op.region) {
      this.writeReplyArrivedAt(r, this.localAnswerUs(op));
    } else {
      this.o.net.datagram(node.region, op.region, this.writeReplyBound, r, this.lostBound);
    }
  }

  /**
   * When a same-region answer reaches the client: the request's half of the
   * intra-region round trip is folded into the serve time (served at invoke),
   * so the client sees at least the full intra-region RTT.
   */
  private localAnswerUs(op: Op): number {
    const half = this.o.net.rttUs(op.region, op.region) / 2;
    const now = this.o.sched.now;
    return Math.max(now, op.invokeUs + half) + half;
  }

  private writeReplyArrived(r: WriteReply): void {
    this.writeReplyArrivedAt(r, this.o.sched.now);
  }

  private writeReplyArrivedAt(r: WriteReply, atUs: number): void {
    const { op, node } = r;
    if (!r.ok) {
      this.invalidate(op.region, node.region);
      this.o.workload.writeFailed(op);
      return;
    }
    this.o.workload.writeAcked(op, atUs, r);
  }

  // --- sync / semi-sync waiters -----------------------------------------------

  private channelAcked(ch: Channel): void {
    this.releaseWaiters();
    if (this.semiSyncDegraded[ch.source.region] && ch.ackedLsn >= ch.source.wal.endLsn) {
      // A replica caught up: semi-sync is back on.
      this.semiSyncDegraded[ch.source.region] = false;
    }
  }

  private satisfied(w: Waiter): boolean {
    const list = this.channels.get(w.node.region);
    if (!list || w.node.epoch !== w.epoch) return false;
    if (this.mode === 'sync') {
      for (const ch of list) if (ch.appliedLsn < w.lsn) return false;
      return true;
    }
    let n = 0;
    for (const ch of list) if (ch.ackedLsn >= w.lsn) n++;
    return n >= Math.min(this.syncReplicas, list.length);
  }

  private releaseWaiters(): void {
    while (this.waiterHead < this.waiters.length) {
      const w = this.waiters[this.waiterHead] as Waiter;
      const degraded = this.mode === 'semi-sync' && this.semiSyncDegraded[w.node.region];
      if (w.op.done || !this.channels.has(w.node.region) || w.node.epoch !== w.epoch) {
        // Timed out, or its node lost the primary role: never acknowledged.
        this.waiterHead++;
        continue;
      }
      if (!degraded && !this.satisfied(w)) break;
      this.waiterHead++;
      this.replyWrite(w.op, w.node, true, w.version, w.lsn, w.commitUs);
      if (this.semiSyncTimeoutUs !== undefined && this.mode === 'semi-sync' && this.waiterHead < this.waiters.length) {
        const next = this.waiters[this.waiterHead] as Waiter;
        this.o.sched.at(Math.max(this.o.sched.now, next.commitUs + this.semiSyncTimeoutUs), this.semiSyncTimeoutBound, next);
      }
    }
    if (this.waiterHead > 1024 && this.waiterHead * 2 > this.waiters.length) {
      this.waiters.splice(0, this.waiterHead);
      this.waiterHead = 0;
    }
  }

  private semiSyncTimedOut(w: Waiter): void {
    const head = this.waiters[this.waiterHead];
    if (head !== w) return;
    // MySQL: after rpl_semi_sync_source_timeout the source falls back to async.
    this.semiSyncDegraded[w.node.region] = true;
    this.o.events.trace({ tUs: this.o.sched.now, event: 'semi-sync-fallback', region: w.node.region });
    this.releaseWaiters();
  }

  // --- reads --------------------------------------------------------------------

  read(op: Op): void {
    const local = this.node(op.region);
    const strategy = this.rywStrategy;
    let toPrimary = this.routing === 'primary' || strategy === 'primary' || this.o.filtered.has(op.table) || !(local.isUp || local.isPaused);
    if (!toPrimary && strategy === 'wrote-recently') {
      toPrimary = op.invokeUs - (this.o.workload.sessions.lastWriteUs[op.session] as number) < this.rywTtlUs;
    }
    if (!toPrimary && strategy === 'session-lsn' && local.role !== 'primary') {
      this.sessionLsnRead(op, op.invokeUs + this.rywTimeoutUs);
      return;
    }
    this.readAt(op, toPrimary ? this.node(this.resolve(op.region)) : local);
  }

  /** session-lsn: serve locally once the replica has applied the session's last write, else fall back to the primary. */
  private sessionLsnRead(op: Op, deadlineUs: number): void {
    const local = this.node(op.region);
    const s = this.o.workload.sessions;
    const needLsn = s.lastWriteLsn[op.session] as number;
    const needEpoch = s.lastWriteEpoch[op.session] as number;
    const now = this.o.sched.now;
    if (needEpoch < 0) return this.readAt(op, local);
    if (local.isUp && local.epoch === needEpoch) {
      local.advance(now);
      if (local.appliedLsn >= needLsn) return this.readAt(op, local);
      if (local.receivedLsn >= needLsn) {
        const idx = local.wal.indexAfterLsn(needLsn - 1);
        const done = idx < local.wal.endIndex ? local.appliedByUs(idx) : now;
        if (done <= deadlineUs) {
          this.o.sched.at(done, this.sessionLsnBound, { op, deadlineUs });
          return;
        }
      } else if (now < deadlineUs) {
        this.o.sched.at(Math.min(deadlineUs, now + Math.max(1000, this.shipIntervalUs)), this.sessionLsnBound, { op, deadlineUs });
        return;
      }
    }
    this.readAt(op, this.node(this.resolve(op.region)));
  }

  private readAt(op: Op, node: DbNode): void {
    if (node.region === op.region) {
      if (node.status === 'up') return this.serveRead(op, node);
      if (node.status !== 'paused') return this.o.workload.readFailed(op);
      this.armTimeout(op, node);
      node.whenRunning(() => this.serveRead(op, node));
    } else {
      this.o.net.datagram(op.region, node.region, this.readRequestBound, { op, node }, this.lostBound);
    }
  }

  private readArrived(op: Op, node: DbNode): void {
    if (node.status === 'up') return this.serveRead(op, node);
    if (node.status === 'crashed') {
      // Refused at once (the client learns it without waiting for its timeout).
      this.invalidate(op.region, node.region);
      return this.o.workload.readFailed(op);
    }
    this.armTimeout(op, node);
    node.whenRunning(() => this.serveRead(op, node)); // paused: held; off: silence
  }

  private serveRead(op: Op, node: DbNode): void {
    const now = this.o.sched.now;
    node.advance(now);
    const version = node.rowVersion[op.row] as number;
    if (node.region === op.region) {
      this.o.workload.readServed(op, version, this.localAnswerUs(op));
    } else {
      this.o.net.datagram(node.region, op.region, this.readReplyBound, { op, node, version }, this.lostBound);
    }
  }
}
