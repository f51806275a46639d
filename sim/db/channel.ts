// A replication channel: one source node shipping its WAL to one target.
//
// The source ships WAL batches over a FIFO network stream (every
// `shipInterval`, or at each commit when that is 0), skipping filtered
// tables. The target appends what it receives to its own WAL, schedules the
// applies, and answers with its received LSN on a feedback stream. If the link was
// cut since the last batch, shipping resumes from the target's last
// acknowledged LSN, provided the source still holds that WAL; otherwise the
// channel needs a rebuild.
//
// CDC (`broker` set): the batch crosses the same network stream and the
// target's CDC receiver registers its changes; each row change is then
// published to the log broker and delivered to the target on its own, at the
// time the broker gives, so changes to one row stay in order but changes to
// different rows may not. The channel acknowledges the receiver's low
// watermark (every change at or below it has arrived) and asks for a resend
// when the receiver reports a lost batch.
//
// Owns shipping, the link epoch, resends and acknowledgements. Does not own:
// partition order and delivery times (sim/db/broker.ts); resequencing,
// the low watermark and out-of-order apply (sim/db/cdc-receiver.ts); the
// target's WAL and apply stage (sim/db/node.ts). Knows nothing of failover
// or clients. Both streams count as replication traffic: a batch is its
// records' bytes plus a 64-byte header, an acknowledgement 32 bytes
// (PostgreSQL's standby status update is 34 bytes of payload).
import type { Scheduler } from '../core/scheduler.ts';
import type { Network, Stream } from '../world/network.ts';
import { REPLICATION } from '../world/traffic.ts';
import type { DbNode } from './node.ts';
import type { CdcSlot } from './cdc-receiver.ts';
import type { Broker } from './broker.ts';
import type { WalRecord } from './wal.ts';

export type ChannelStatus = 'active' | 'lagging' | 'failed' | 'rebuilding';

interface Batch {
  channel: Channel;
  epoch: number;
  records: WalRecord[];
  /** LSN the batch continues from (what was sent before it). */
  startLsn: number;
  endLsn: number;
}

interface CdcDelivery {
  slot: CdcSlot;
  epoch: number;
}

interface Ack {
  channel: Channel;
  epoch: number;
  receivedLsn: number;
  /** Applied LSN (sync feedback), or -1 for a receive ack. */
  appliedLsn: number;
}

export interface ChannelOptions {
  sched: Scheduler;
  net: Network;
  source: DbNode;
  target: DbNode;
  /** Tables (by index) not shipped. */
  filtered: ReadonlySet<number>;
  /** CDC through a partitioned log broker (row changes, per-row order only), or undefined. */
  broker?: Broker | undefined;
  /** Called on the source side when the target acknowledges a new received LSN. */
  onAck: (ch: Channel) => void;
  /** Called on the target side after a batch was received (monitoring). */
  onReceived: (ch: Channel) => void;
  /** sync mode: the target also reports its applied LSN. */
  reportApplied: boolean;
}

export class Channel {
  readonly source: DbNode;
  readonly target: DbNode;
  /** LSN up to which the source has sent on the current link epoch. */
  sentLsn: number;
  /** Highest received LSN the target has acknowledged. */
  ackedLsn: number;
  /** Highest applied LSN the target has reported (sync mode only). */
  appliedLsn: number;
  status: ChannelStatus = 'active';
  /** True once the channel was closed (failover re-wired the topology). */
  closed = false;
  /** Set when the source no longer holds WAL the target needs. */
  needsRebuild = false;
  private linkEpoch: number;
  private readonly stream: Stream;
  /** The target's feedback stream (received LSN), FIFO like the WAL stream. */
  private readonly feedback: Stream;
  private readonly deliverBound = (b: Batch) => this.deliverBatch(b);
  private readonly ackBound = (a: Ack) => this.receiveAck(a);
  private readonly appliedBound = (epoch: number) => this.reportApplied(epoch);
  private readonly cdcArriveBound = (d: CdcDelivery) => this.target.whenConsuming(() => this.cdcArrived(d));
  /** CDC: the target found a batch missing and asked for a resend from this LSN. */
  private resendFromLsn = -1;
  /** CDC: the last watermark acknowledged. */
  private lastAckSentLsn = -1;

  constructor(private readonly o: ChannelOptions) {
    this.source = o.source;
    this.target = o.target;
    this.sentLsn = o.target.receivedLsn;
    this.ackedLsn = o.target.receivedLsn;
    this.appliedLsn = o.target.appliedLsn;
    this.stream = o.net.openStream(o.source.region, o.target.region, REPLICATION);
    this.feedback = o.net.openStream(o.target.region, o.source.region, REPLICATION);
    this.linkEpoch = o.net.epochOf(o.source.region, o.target.region);
  }

  /** True when the channel ships writes of `table` (replication filters leave some tables out). */
  ships(table: number): boolean {
    return !this.o.filtered.has(table);
  }

  /** "source->target" region indices, for keys. */
  get label(): string {
    return `${this.source.region}->${this.target.region}`;
  }

  /** Ships everything the source has committed beyond what was sent. */
  ship(): void {
    if (this.closed || this.needsRebuild) return;
    const src = this.source;
    if (!src.isUp) return;
    const { net, sched } = this.o;
    const from = src.region;
    const to = this.target.region;
    if (!net.isUp(from, to)) return;
    const epochNow = net.epochOf(from, to);
    if (epochNow !== this.linkEpoch) {
      // The link was cut since the last batch: what was in flight is gone.
      this.linkEpoch = epochNow;
      this.sentLsn = this.ackedLsn;
    }
    if (this.resendFromLsn >= 0) {
      if (this.resendFromLsn < this.sentLsn) this.sentLsn = this.resendFromLsn;
      this.resendFromLsn = -1;
    }
    const wal = src.wal;
    if (wal.endLsn <= this.sentLsn) return;
    if (!wal.holdsFrom(this.sentLsn)) {
      this.needsRebuild = true;
      this.status = 'failed';
      return;
    }
    const first = wal.indexAfterLsn(this.sentLsn);
    const end = wal.endIndex;
    const records: WalRecord[] = [];
    let bytes = 0;
    const filtered = this.o.filtered;
    const anyFiltered = filtered.size > 0;
    for (let i = first; i < end; i++) {
      if (anyFiltered && filtered.has(wal.table[wal.slotOf(i)] as number)) continue;
      const r = wal.record(i);
      bytes += r.bytes;
      records.push(r);
    }
    const endLsn = wal.endLsn;
    const batch: Batch = { channel: this, epoch: src.epoch, records, startLsn: this.sentLsn, endLsn };
    this.sentLsn = endLsn;
    net.send(this.stream, bytes + 64, this.deliverBound, batch);
  }

  private deliverBatch(b: Batch): void {
    const t = this.target;
    if (this.o.broker) {
      t.whenRunning(() => this.deliverCdcBatch(b));
      return;
    }
    t.whenRunning(() => {
      // A batch from a source the target no longer follows (an old primary) is ignored.
      if (this.closed || b.epoch !== t.epoch) return;
      const now = this.o.sched.now;
      t.advance(now);
      for (const r of b.records) if (r.lsnEnd > t.receivedLsn) t.receive(r, now);
      if (b.endLsn > t.receivedLsn) t.receivedLsn = b.endLsn;
      this.o.onReceived(this);
      this.o.net.send(this.feedback, 32, this.ackBound, { channel: this, epoch: b.epoch, receivedLsn: t.receivedLsn, appliedLsn: -1 });
      if (this.o.reportApplied && t.wal.endIndex > t.appliedIndex) {
        // sync: report the applied LSN when the last received record is applied.
        this.o.sched.at(t.doneUsOf(t.wal.endIndex - 1), this.appliedBound, b.epoch);
      }
    });
  }

  /** CDC: the batch reached the target's region; its row changes go through the broker. */
  private deliverCdcBatch(b: Batch): void {
    const t = this.target;
    if (this.closed || b.epoch !== t.epoch) return;
    const { sched } = this.o;
    const broker = this.o.broker as Broker;
    const now = sched.now;
    t.advance(now);
    const slots = t.cdc.expect(b.records, b.startLsn, b.endLsn);
    if (slots === null) {
      // An earlier batch was lost (the target was down when it came): resend from what is registered.
      this.resendFromLsn = t.cdc.registeredLsn;
      return;
    }
    for (const slot of slots) sched.at(broker.publish(slot.rec.rowId, now), this.cdcArriveBound, { slot, epoch: b.epoch });
    // Answer every batch, like the WAL path: a resend after a cut must refresh the sender's acked LSN.
    this.acknowledge(b.epoch, true);
  }

  /** CDC: one row change delivered by the broker. */
  private cdcArrived(d: CdcDelivery): void {
    const t = this.target;
    if (this.closed || d.epoch !== t.epoch) return;
    const now = this.o.sched.now;
    t.advance(now);
    if (t.cdc.arrive(d.slot, now)) this.acknowledge(d.epoch);
  }

  /** CDC: the target's watermark moved: acknowledge it (and, in sync mode, report when applied). */
  private acknowledge(epoch: number, always = false): void {
    const t = this.target;
    if (!always && t.receivedLsn <= this.lastAckSentLsn) return;
    this.lastAckSentLsn = t.receivedLsn;
    this.o.onReceived(this);
    this.o.net.send(this.feedback, 32, this.ackBound, { channel: this, epoch, receivedLsn: t.receivedLsn, appliedLsn: -1 });
    if (this.o.reportApplied && t.wal.endIndex > t.appliedIndex) {
      this.o.sched.at(t.appliedByUs(t.wal.endIndex - 1), this.appliedBound, epoch);
    }
  }

  private reportApplied(epoch: number): void {
    const t = this.target;
    t.whenRunning(() => {
      if (this.closed || epoch !== t.epoch) return;
      const now = this.o.sched.now;
      t.advance(now);
      if (t.appliedIndex < t.wal.endIndex) {
        // Apply was slowed or paused meanwhile: report when it really finishes.
        this.o.sched.at(t.appliedByUs(t.wal.endIndex - 1), this.appliedBound, epoch);
        return;
      }
      this.o.net.send(this.feedback, 32, this.ackBound, { channel: this, epoch, receivedLsn: t.receivedLsn, appliedLsn: t.appliedLsn });
    });
  }

  private receiveAck(a: Ack): void {
    this.source.whenRunning(() => {
      if (this.closed) return;
      let changed = false;
      if (a.receivedLsn > this.ackedLsn) {
        this.ackedLsn = a.receivedLsn;
        changed = true;
      }
      if (a.appliedLsn > this.appliedLsn) {
        this.appliedLsn = a.appliedLsn;
        changed = true;
      }
      if (changed) this.o.onAck(this);
    });
  }

  /** Stops the channel: in-flight batches and acks are ignored. */
  close(): void {
    this.closed = true;
  }
}
