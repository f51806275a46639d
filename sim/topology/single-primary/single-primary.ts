// Single-primary topology: one primary region takes all writes; the other
// regions hold read replicas fed by replication channels.
//
// Owns: the commit path (WAL append, async / semi-sync / sync acks and their
// waiters), the channels from the primary to each replica, their shipping
// ticker and WAL trimming, and the verbs failover uses (sim/control/verbs.ts): promote,
// demote, repoint DNS, open / close / attach channels. Epoch, roles, fencing,
// DNS and channels are private to it. Does not own failure detection
// (sim/control), client routing and reads (routing.ts), or metrics
// (sim/measure: it reports through run events).
import { Fifo } from '../../core/fifo.ts';
import type { Scheduler } from '../../core/scheduler.ts';
import type { RngRoot } from '../../core/rng.ts';
import type { Network } from '../../world/network.ts';
import { DbNode } from '../../db/node.ts';
import { Channel } from '../../db/channel.ts';
import { Broker } from '../../db/broker.ts';
import type { Op, Topology, Workload } from '../../workload/workload.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { RunEvents } from '../../measure/events.ts';
import type { PrimaryControl } from '../../control/verbs.ts';
import { PrimaryDns } from './dns.ts';
import { Routing } from './routing.ts';
import { CLIENT } from '../../world/traffic.ts';
import { answerBytes, requestBytes } from '../../db/op.ts';

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
  /** Writes waiting for their sync / semi-sync acknowledgements, in commit order. */
  private readonly waiters = new Fifo<Waiter>();
  private writeSeq = 0;
  private readonly mode: Mode;
  private readonly syncReplicas: number;
  private readonly shipIntervalUs: number;
  private readonly semiSyncTimeoutUs: number | undefined;
  /** semi-sync fell back to async after a timeout (MySQL behaviour), per node. */
  private readonly semiSyncDegraded: boolean[];

  private readonly writeReplyBound = (r: WriteReply) => this.writeReplyArrived(r);
  private readonly writeRequestBound = (r: { op: Op; node: DbNode }) => this.writeArrived(r.op, r.node);
  /** A write to its own region's node: no record (the node is the region's, and nothing inside a region is lost). */
  private readonly localWriteBound = (op: Op) => this.writeArrived(op, this.node(op.region));
  /** A request or its answer was lost in the network: the client will time out. */
  private readonly lostBound = (t: { op: Op; node: DbNode }) => this.routing.armTimeout(t.op, t.node);
  /** Client routing: DNS caches, timeouts, reads. */
  readonly routing: Routing;
  private readonly tickBound = () => this.shipTick();
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
    this.fenced = o.nodes.map(() => false);
    this.semiSyncDegraded = o.nodes.map(() => false);
    this.dns = new PrimaryDns(o.nodes.length, o.primary, sc.failover.dnsTtl);
    this.routing = new Routing({ sched: o.sched, net: o.net, scenario: sc, nodes: o.nodes, workload: o.workload, filtered: o.filtered, dns: this.dns });
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

  // --- writes -------------------------------------------------------------------

  read(op: Op): void {
    this.routing.read(op);
  }

  write(op: Op): void {
    const target = this.node(this.routing.resolve(op.region));
    if (target.region === op.region) this.o.net.datagram(op.region, op.region, CLIENT, requestBytes(op), this.localWriteBound, op);
    else this.o.net.datagram(op.region, target.region, CLIENT, requestBytes(op), this.writeRequestBound, { op, node: target }, this.lostBound);
  }

  private writeArrived(op: Op, node: DbNode): void {
    if (node.status === 'up') return this.commit(op, node);
    // A crashed host's OS refuses the connection at once; a powered-off one is silent.
    if (node.status === 'crashed') return this.replyWrite(op, node, false, 0, 0);
    this.routing.armTimeout(op, node);
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
      this.routing.armTimeout(op, node);
      if (this.semiSyncTimeoutUs !== undefined && this.mode === 'semi-sync' && this.waiters.length === 1) {
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
    if (node.region === op.region) this.writeReplyArrivedAt(r, this.o.net.answerAtUs(op.region, answerBytes(op, ok)));
    else this.o.net.datagram(node.region, op.region, CLIENT, answerBytes(op, ok), this.writeReplyBound, r, this.lostBound);
  }

  private writeReplyArrived(r: WriteReply): void {
    this.writeReplyArrivedAt(r, this.o.sched.now);
  }

  private writeReplyArrivedAt(r: WriteReply, atUs: number): void {
    const { op, node } = r;
    if (!r.ok) {
      this.routing.invalidate(op.region, node.region);
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
    for (let w = this.waiters.peek(); w; w = this.waiters.peek()) {
      const degraded = this.mode === 'semi-sync' && this.semiSyncDegraded[w.node.region];
      if (w.op.done || !this.channels.has(w.node.region) || w.node.epoch !== w.epoch) {
        // Timed out, or its node lost the primary role: never acknowledged.
        this.waiters.drop(1);
        continue;
      }
      if (!degraded && !this.satisfied(w)) break;
      this.waiters.drop(1);
      this.replyWrite(w.op, w.node, true, w.version, w.lsn, w.commitUs);
      const next = this.waiters.peek();
      if (this.semiSyncTimeoutUs !== undefined && this.mode === 'semi-sync' && next) {
        this.o.sched.at(Math.max(this.o.sched.now, next.commitUs + this.semiSyncTimeoutUs), this.semiSyncTimeoutBound, next);
      }
    }
  }

  private semiSyncTimedOut(w: Waiter): void {
    if (this.waiters.peek() !== w) return;
    // MySQL: after rpl_semi_sync_source_timeout the source falls back to async.
    this.semiSyncDegraded[w.node.region] = true;
    this.o.events.trace({ tUs: this.o.sched.now, event: 'semi-sync-fallback', region: w.node.region });
    this.releaseWaiters();
  }
}
