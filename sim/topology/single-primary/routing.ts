// Client routing for the single-primary topology: each region's router
// caches the primary's address for dnsTtl (PrimaryDns) and re-resolves when
// a request fails; clients give up after clientTimeout; reads go to the local
// replica or to the primary, with the read-your-writes strategies
// (wrote-recently, session-lsn, primary). Writes go to the primary through
// `resolve` (single-primary.ts owns the commit path).
import type { Scheduler } from '../../core/scheduler.ts';
import type { Network } from '../../world/network.ts';
import type { DbNode } from '../../db/node.ts';
import type { Op, Workload } from '../../workload/workload.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { PrimaryDns } from './dns.ts';
import { CLIENT } from '../../world/traffic.ts';
import { answerBytes, requestBytes } from '../../db/op.ts';

export interface RoutingOptions {
  sched: Scheduler;
  net: Network;
  scenario: Scenario;
  nodes: readonly DbNode[];
  workload: Workload;
  /** Tables (by index) not replicated: read from the primary. */
  filtered: ReadonlySet<number>;
  dns: PrimaryDns;
}

interface ReadReply {
  op: Op;
  node: DbNode;
  version: number;
}

export class Routing {
  private readonly rywStrategy: Scenario['topology']['reads']['readYourWrites']['strategy'];
  private readonly rywTtlUs: number;
  private readonly rywTimeoutUs: number;
  private readonly routing: 'local' | 'primary';
  private readonly shipIntervalUs: number;
  private readonly clientTimeoutUs: number;
  /** Whether any table is filtered (most scenarios: none, and the read path skips the set lookup). */
  private readonly anyFiltered: boolean;
  private readonly readRequestBound = (r: { op: Op; node: DbNode }) => this.readArrived(r.op, r.node);
  /** A read to its own region's node: no record (the node is the region's, and nothing inside a region is lost). */
  private readonly localReadBound = (op: Op) => this.readArrived(op, this.node(op.region));
  private readonly readReplyBound = (r: ReadReply) => this.o.workload.readServed(r.op, r.version, this.o.sched.now);
  private readonly timeoutBound = (t: { op: Op; node: DbNode }) => this.timedOut(t.op, t.node);
  /** A request or its answer was lost in the network: the client will time out. */
  private readonly lostBound = (t: { op: Op; node: DbNode }) => this.armTimeout(t.op, t.node);
  private readonly sessionLsnBound = (r: { op: Op; deadlineUs: number }) => this.sessionLsnRead(r.op, r.deadlineUs);

  constructor(private readonly o: RoutingOptions) {
    const sc = o.scenario;
    this.rywStrategy = sc.topology.reads.readYourWrites.strategy;
    this.rywTtlUs = sc.topology.reads.readYourWrites.ttl;
    this.rywTimeoutUs = sc.topology.reads.readYourWrites.timeout;
    this.routing = sc.topology.reads.routing;
    this.shipIntervalUs = sc.topology.replication.shipInterval;
    this.clientTimeoutUs = sc.workload.clientTimeout;
    this.anyFiltered = o.filtered.size > 0;
  }

  private node(region: number): DbNode {
    const n = this.o.nodes[region];
    if (!n) throw new Error(`invariant: no node in region ${region}`);
    return n;
  }

  /** The primary as region `r`'s router sees it now (cached DNS). */
  resolve(r: number): number {
    return this.o.dns.resolve(r, this.o.sched.now);
  }

  /** A request to the cached primary failed: re-resolve now. */
  invalidate(r: number, failed: number): void {
    this.o.dns.invalidate(r, failed, this.o.sched.now);
  }

  /**
   * The client gives up at invoke + clientTimeout if no answer comes by then,
   * and re-resolves the primary. Armed only when an answer is in doubt
   * (request or reply lost, node paused or powered off, sync wait), so the
   * normal path costs no timer event.
   */
  armTimeout(op: Op, node: DbNode): void {
    this.o.sched.at(op.invokeUs + this.clientTimeoutUs, this.timeoutBound, { op, node });
  }

  private timedOut(op: Op, node: DbNode): void {
    if (op.done) return;
    this.invalidate(op.region, node.region);
    if (op.write) this.o.workload.writeFailed(op);
    else this.o.workload.readFailed(op);
  }

  // --- reads --------------------------------------------------------------------

  read(op: Op): void {
    const local = this.node(op.region);
    const strategy = this.rywStrategy;
    let toPrimary = this.routing === 'primary' || strategy === 'primary' || (this.anyFiltered && this.o.filtered.has(op.table)) || !(local.isUp || local.isPaused);
    if (!toPrimary && strategy === 'wrote-recently') {
      toPrimary = op.invokeUs - (this.o.workload.sessions.lastWriteUs(op.session)) < this.rywTtlUs;
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
    const needLsn = s.lastWriteLsn(op.session);
    const needEpoch = s.lastWriteEpoch(op.session);
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
    if (node.region === op.region) this.o.net.datagram(op.region, op.region, CLIENT, requestBytes(op), this.localReadBound, op);
    else this.o.net.datagram(op.region, node.region, CLIENT, requestBytes(op), this.readRequestBound, { op, node }, this.lostBound);
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
    if (node.region === op.region) this.o.workload.readServed(op, version, this.o.net.answerAtUs(op.region, answerBytes(op, true)));
    else this.o.net.datagram(node.region, op.region, CLIENT, answerBytes(op, true), this.readReplyBound, { op, node, version }, this.lostBound);
  }
}
