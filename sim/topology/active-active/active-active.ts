// Active-active topology: every region's node takes writes locally (commit
// at once, async ack) and replicates them to every other region.
//
// A region is modelled as one origin node (its own commits, in its WAL at
// increasing per-origin LSNs) and one inbound node per other region, the
// target of the channel origin[s] → inbound[r][s]; each inbound node applies
// its source's writes through its own FIFO apply stage in that source's LSN
// order (per-source appliers, as in multi-source replication). The region's
// row state (winner per row, vector clock, HLC) is kept here and updated by
// the inbound nodes' apply hooks, which drain the region's other sources up
// to the same instant first, so a region sees remote writes in apply-time
// order. Resolution: last-writer-wins on HLC or skewed wall clock, or set
// union for `merge` tables (sim/db/conflict.ts). Reads are local.
//
// Over CDC channels (`channel: cdc`) each source's row changes come through
// a partitioned log broker (sim/db/broker.ts), as for a single primary:
// changes to one row stay in order, changes to different rows may not. A
// change is resolved into the region's rows when it becomes visible
// (`becameVisible`); the per-origin applied sequence (`applied`) still moves
// only along the source's LSN order (`prefixApplied`), and a set-row write
// visible ahead of it is remembered in `visibleAhead` until it catches up.
//
// Owns: commit, acks, channels and their shipping ticker, apply-time
// resolution, reads. Does not own the write table's clean-up
// (write-retirement.ts; it only lists the ids it still refers to), faults
// (assembly) or metrics (sim/measure: it reports through run events, and the
// checkers list the write ids they hold to the write table themselves).
import type { Scheduler } from '../../core/scheduler.ts';
import type { RngRoot } from '../../core/rng.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { Network } from '../../world/network.ts';
import type { WallClock } from '../../world/clock.ts';
import { Hlc } from '../../world/hlc.ts';
import { DbNode } from '../../db/node.ts';
import type { Wal, WalRecord } from '../../db/wal.ts';
import { Broker } from '../../db/broker.ts';
import { Channel } from '../../db/channel.ts';
import type { WriteTable } from '../../db/write-table.ts';
import type { ConflictPolicy } from '../../db/conflict.ts';
import { WriteRetirement } from './write-retirement.ts';
import type { Op, Topology, Workload } from '../../workload/workload.ts';
import type { CommitRef, RunEvents } from '../../measure/events.ts';
import { answerBytes, requestBytes } from '../../db/op.ts';
import { CLIENT } from '../../world/traffic.ts';

export interface ActiveActiveOptions {
  sched: Scheduler;
  rng: RngRoot;
  net: Network;
  regionIds: readonly string[];
  clocks: readonly WallClock[];
  rowCount: number;
  /** Table index of a row. */
  tableOf: (row: number) => number;
  /** Per table: merged as a set CRDT (gset/orset) instead of LWW. */
  mergeTables: readonly boolean[];
  /** Tables (by index) not replicated. */
  filtered: ReadonlySet<number>;
  policy: ConflictPolicy;
  shipIntervalUs: number;
  clientTimeoutUs: number;
  applyTime: Sampler;
  /** CDC through a partitioned log broker (per source → target channel), or undefined for WAL channels. */
  cdc: { delay: Sampler; partitions: number; throughputPerS: number } | undefined;
  walRetentionBytes: number;
  workload: Workload;
  events: RunEvents;
  writes: WriteTable;
}

interface Ack extends CommitRef {
  op: Op;
}

export class ActiveActive implements Topology {
  readonly origins: DbNode[];
  /** inbound[r][s]: region r's applier of source s (undefined for s = r). */
  readonly inbound: Array<Array<DbNode | undefined>>;
  readonly channels: Channel[] = [];
  /** Per region: the version held per row (LWW winner; last applied write for set rows; 0 = none). */
  readonly rows: Float64Array[];
  /** Per region: vector clock (per origin, highest sequence seen, transitively). */
  readonly vc: Float64Array[];
  /** Per region: per origin, highest sequence applied with every earlier one (a prefix of the source's LSN order). */
  readonly applied: Float64Array[];
  /** Per region: set-row remote writes visible before their source's applied prefix reached them (CDC only). */
  private readonly visibleAhead: Array<Set<number>>;
  readonly hlc: Hlc[];
  private readonly n: number;
  private readonly originSeq: number[];
  private writeSeq = 0;
  private readonly draining: boolean[];
  /** Acknowledgements scheduled, not yet run (their write ids stay referenced). */
  private readonly inFlight = new Set<Ack>();
  /** Retires writes every region has applied from the write table. */
  private readonly retirement: WriteRetirement;
  private readonly visitLiveBound = (mark: (id: number) => void) => this.visitLive(mark);
  private readonly appliedBound = (node: DbNode, wal: Wal, i: number, doneUs: number) => this.remoteApplied(node, wal, i, doneUs);
  private readonly prefixBound = (node: DbNode, wal: Wal, i: number) => this.prefixApplied(node.region, wal.get(i, 'writeId'));
  private readonly visibleBound = (node: DbNode, rec: WalRecord, doneUs: number) => this.becameVisible(node, rec.writeId, rec.rowId, rec.origin, rec.commitUs, doneUs, false);
  private readonly ackBound = (a: Ack) => this.ackArrived(a);
  private readonly writeArrivedBound = (op: Op) => this.writeArrived(op);
  private readonly readArrivedBound = (op: Op) => this.readArrived(op);
  private readonly tickBound = () => this.shipTick();

  constructor(private readonly o: ActiveActiveOptions) {
    const n = (this.n = o.regionIds.length);
    const cdc = o.cdc !== undefined;
    const mk = (region: number, stream: string) =>
      new DbNode({
        region, rowCount: 0, applyTime: o.applyTime, applyRng: o.rng.stream(stream),
        onApplied: cdc ? this.prefixBound : this.appliedBound,
        onVisible: cdc ? this.visibleBound : undefined,
      });
    this.origins = o.regionIds.map((id, r) => mk(r, `apply/${id}`));
    this.inbound = o.regionIds.map((id, r) => o.regionIds.map((src, s) => (s === r ? undefined : mk(r, `apply/${id}/from/${src}`))));
    for (const x of [...this.origins, ...this.inbound.flat()]) if (x) x.role = 'primary';
    this.rows = o.regionIds.map(() => new Float64Array(o.rowCount));
    this.vc = o.regionIds.map(() => new Float64Array(n));
    this.applied = o.regionIds.map(() => new Float64Array(n));
    this.visibleAhead = o.regionIds.map(() => new Set<number>());
    this.hlc = o.clocks.map((c) => new Hlc(c));
    this.originSeq = o.regionIds.map(() => 0);
    this.draining = o.regionIds.map(() => false);
    this.retirement = new WriteRetirement(o.writes, this.applied);
    for (let s = 0; s < n; s++)
      for (let r = 0; r < n; r++) {
        const target = this.inbound[r]?.[s];
        if (!target) continue;
        this.channels.push(
          new Channel({
            sched: o.sched, net: o.net, source: this.origins[s] as DbNode, target, filtered: o.filtered,
            broker: o.cdc
              ? new Broker({ partitions: o.cdc.partitions, throughputPerS: o.cdc.throughputPerS, delay: o.cdc.delay, rngOf: (i) => o.rng.stream(`cdc/${s}->${r}/p${i}`) })
              : undefined,
            onAck: () => {}, onReceived: () => {}, reportApplied: false,
          }),
        );
      }
  }

  /** Every node of region `r` (its origin and its inbound appliers), for faults. */
  nodesOf(r: number): DbNode[] {
    const out = [this.origins[r] as DbNode];
    for (const x of this.inbound[r] ?? []) if (x) out.push(x);
    return out;
  }

  start(): void {
    if (this.o.shipIntervalUs > 0) this.o.sched.after(this.o.shipIntervalUs, this.tickBound, undefined);
  }

  private shipTick(): void {
    for (const ch of this.channels) ch.ship();
    this.trimWals();
    this.retirement.retire(this.writeSeq, this.visitLiveBound);
    this.o.sched.after(this.o.shipIntervalUs, this.tickBound, undefined);
  }

  /** Every id the topology still refers to: rows' held versions, acknowledgements in flight (see write-retirement.ts). */
  private visitLive(mark: (id: number) => void): void {
    for (const rows of this.rows) for (let i = 0; i < rows.length; i++) mark(rows[i] as number);
    for (const a of this.inFlight) mark(a.version);
  }

  private trimWals(): void {
    for (let r = 0; r < this.n; r++) {
      for (const x of this.inbound[r] ?? []) if (x && x.appliedIndex > x.wal.firstIndex) x.wal.trimBeforeIndex(x.appliedIndex);
      const src = this.origins[r] as DbNode;
      let keepFrom = src.wal.endLsn;
      for (const ch of this.channels) if (ch.source === src && ch.ackedLsn < keepFrom) keepFrom = ch.ackedLsn;
      const limit = Math.max(keepFrom, src.wal.endLsn - this.o.walRetentionBytes);
      if (limit > src.wal.startLsn) src.wal.trimThrough(limit);
    }
  }

  /** Applies at region `r` every remote write whose apply completed by `nowUs`. */
  catchUp(r: number, nowUs: number): void {
    for (const x of this.inbound[r] ?? []) x?.advance(nowUs);
  }

  /** Lets every region apply what it has received (end of run, tests). */
  catchUpAll(nowUs: number): void {
    for (let r = 0; r < this.n; r++) this.catchUp(r, nowUs);
  }

  // --- writes -----------------------------------------------------------------

  // A client's request travels to its region's node, and the answer back (Network.sampleDelayUs inside the region).
  write(op: Op): void {
    this.o.net.datagram(op.region, op.region, CLIENT, requestBytes(op), this.writeArrivedBound, op);
  }

  private writeArrived(op: Op): void {
    const node = this.origins[op.region] as DbNode;
    if (node.isUp) this.commit(op);
    // Parked until the node runs again.
    else if (!node.whenRunning(() => this.commit(op))) this.o.workload.writeFailed(op);
  }

  private commit(op: Op): void {
    const { sched, writes } = this.o;
    const now = sched.now;
    const r = op.region;
    this.catchUp(r, now);
    const h = this.hlc[r] as Hlc;
    h.tick(now);
    const hlcMode = this.o.policy === 'lww-hlc';
    const tsHi = hlcMode ? h.l : (this.o.clocks[r] as WallClock).readUs(now);
    const tsLo = hlcMode ? h.c : 0;
    const id = ++this.writeSeq;
    // Filtered (unreplicated) writes take no sequence number: sequences count what replicas will apply.
    const seq = this.o.filtered.has(op.table) ? (this.originSeq[r] as number) : ++(this.originSeq[r] as number);
    const vc = this.vc[r] as Float64Array;
    vc[r] = seq;
    (this.applied[r] as Float64Array)[r] = seq;
    writes.add(id, tsHi, tsLo, r, seq, vc);
    const node = this.origins[r] as DbNode;
    const lsn = node.wal.endLsn + Math.max(1, op.bytes);
    node.commitLocal({ lsnEnd: lsn, writeId: id, rowId: op.row, table: op.table, bytes: op.bytes, commitUs: now, origin: r, epoch: 0 });
    this.resolve(r, op.row, id);
    if (this.o.shipIntervalUs === 0) for (const ch of this.channels) if (ch.source === node) ch.ship();
    const ack: Ack = { op, node, version: id, lsn, epoch: 0, commitUs: now };
    this.inFlight.add(ack);
    this.o.sched.at(this.o.net.answerAtUs(r, answerBytes(op, true)), this.ackBound, ack);
  }

  private ackArrived(a: Ack): void {
    this.inFlight.delete(a);
    if (a.op.done) return;
    this.o.workload.writeAcked(a.op, this.o.sched.now, a);
  }

  /** Region `r` takes write `id` of `row` into its state. */
  private resolve(r: number, row: number, id: number): void {
    const rows = this.rows[r] as Float64Array;
    if (this.o.mergeTables[this.o.tableOf(row)] || this.o.writes.beats(id, rows[row] as number)) rows[row] = id;
  }

  /** Apply hook of inbound nodes over WAL channels: a remote write becomes visible at its region, in its source's order. */
  private remoteApplied(node: DbNode, wal: Wal, i: number, doneUs: number): void {
    const id = wal.get(i, 'writeId');
    this.becameVisible(node, id, wal.get(i, 'rowId'), wal.get(i, 'origin'), wal.get(i, 'commitUs'), doneUs, true);
    this.prefixApplied(node.region, id);
  }

  /**
   * Remote write `id` becomes visible at `node`'s region at `doneUs`: the
   * region resolves it into its rows. `inOrder`: every earlier write of its
   * source is visible already (WAL channels); otherwise (CDC) a set-row
   * write is remembered as visible ahead of its source's applied prefix.
   */
  private becameVisible(node: DbNode, id: number, row: number, origin: number, commitUs: number, doneUs: number, inOrder: boolean): void {
    const r = node.region;
    if (!this.draining[r]) {
      // Apply the region's other sources up to this instant first (apply-time order).
      this.draining[r] = true;
      for (const x of this.inbound[r] ?? []) if (x && x !== node) x.advance(doneUs - 1);
      this.draining[r] = false;
    }
    const { writes } = this.o;
    this.o.events.applied(origin, r, commitUs, doneUs);
    const ws = writes.slot(id);
    (this.hlc[r] as Hlc).receive(doneUs, writes.tsHi[ws] as number, writes.tsLo[ws] as number);
    // What the write's origin had seen of the others; its own component moves with the applied prefix.
    const vc = this.vc[r] as Float64Array;
    const wvc = writes.vc;
    const base = ws * this.n;
    for (let k = 0; k < this.n; k++) {
      if (k === origin) continue;
      const x = wvc[base + k] as number;
      if (x > (vc[k] as number)) vc[k] = x;
    }
    if (!inOrder && this.o.mergeTables[this.o.tableOf(row)] && (writes.seq[ws] as number) > ((this.applied[r] as Float64Array)[origin] as number)) {
      (this.visibleAhead[r] as Set<number>).add(id);
    }
    this.o.events.replicaApplied(r, id, (this.rows[r] as Float64Array)[row] as number, doneUs);
    this.resolve(r, row, id);
  }

  /** Set-row writes visible at region `r` ahead of their source's applied prefix (CDC; for tests). */
  visibleAheadCount(r: number): number {
    return (this.visibleAhead[r] as Set<number>).size;
  }

  /** Remote write `id` and every earlier write of its source are applied at region `r`. */
  private prefixApplied(r: number, id: number): void {
    const { writes } = this.o;
    const ws = writes.slot(id);
    const origin = writes.origin[ws] as number;
    const seq = writes.seq[ws] as number;
    const ap = this.applied[r] as Float64Array;
    if (seq > (ap[origin] as number)) ap[origin] = seq;
    const vc = this.vc[r] as Float64Array;
    if (seq > (vc[origin] as number)) vc[origin] = seq;
    const ahead = this.visibleAhead[r] as Set<number>;
    if (ahead.size > 0) ahead.delete(id);
  }

  /** The staleness oracle: whether write `w` of `row` is reflected at region `r` (see sim/measure/replica-staleness.ts). */
  reflects(r: number, row: number, w: number): boolean {
    const { writes } = this.o;
    // A write the table dropped was applied in every region before it was retired (see
    // write-retirement.ts), and applied writes stay reflected: versions only move up the LWW order.
    if (!writes.known(w)) return true;
    if (this.o.mergeTables[this.o.tableOf(row)]) {
      const ws = writes.slot(w);
      return ((this.applied[r] as Float64Array)[writes.origin[ws] as number] as number) >= (writes.seq[ws] as number) || (this.visibleAhead[r] as Set<number>).has(w);
    }
    const h = (this.rows[r] as Float64Array)[row] as number;
    return h === w || writes.beats(h, w);
  }

  // --- reads ------------------------------------------------------------------

  read(op: Op): void {
    this.o.net.datagram(op.region, op.region, CLIENT, requestBytes(op), this.readArrivedBound, op);
  }

  private readArrived(op: Op): void {
    const node = this.origins[op.region] as DbNode;
    if (node.isUp) this.serveRead(op);
    else if (!node.whenRunning(() => this.serveRead(op))) this.o.workload.readFailed(op);
  }

  private serveRead(op: Op): void {
    const r = op.region;
    this.catchUp(r, this.o.sched.now);
    const version = (this.rows[r] as Float64Array)[op.row] as number;
    this.o.workload.readServed(op, version, this.o.net.answerAtUs(r, answerBytes(op, true)));
  }

  // --- final state (tests) ------------------------------------------------------

  /** Region `r`'s final state: LWW winners per row (set rows as −1) and, for set rows, the applied vector that determines them. */
  finalState(r: number): { rows: number[]; applied: number[] } {
    const rows = Array.from(this.rows[r] as Float64Array, (v, row) => {
      const t = this.o.tableOf(row);
      return this.o.mergeTables[t] || this.o.filtered.has(t) ? -1 : v;
    });
    return { rows, applied: Array.from(this.applied[r] as Float64Array) };
  }
}
