// A replication channel: one source node shipping its WAL to one target.
//
// The source ships WAL batches over a FIFO network stream (every
// `shipInterval`, or at each commit when that is 0), skipping filtered
// tables. The target appends what it receives to its own WAL, schedules the
// applies, and answers with its received LSN on a feedback stream. If the link was
// cut since the last batch, shipping resumes from the target's last
// acknowledged LSN, provided the source still holds that WAL; otherwise the
// channel needs a rebuild. Channels also carry the CDC variant: an extra
// broker hop with its own delay. Knows nothing of failover or clients.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng } from '../core/rng.ts';
import type { Sampler } from '../core/distributions.ts';
import type { Network, Stream } from '../world/network.ts';
import type { DbNode } from './node.ts';
import type { WalRecord } from './wal.ts';

export type ChannelStatus = 'active' | 'lagging' | 'failed' | 'rebuilding';

interface Batch {
  channel: Channel;
  epoch: number;
  records: WalRecord[];
  endLsn: number;
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
  /** Extra broker delay (CDC), or undefined for WAL. */
  cdcDelay?: { sampler: Sampler; rng: Rng } | undefined;
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

  constructor(private readonly o: ChannelOptions) {
    this.source = o.source;
    this.target = o.target;
    this.sentLsn = o.target.receivedLsn;
    this.ackedLsn = o.target.receivedLsn;
    this.appliedLsn = o.target.appliedLsn;
    this.stream = o.net.openStream(o.source.region, o.target.region);
    this.feedback = o.net.openStream(o.target.region, o.source.region);
    this.linkEpoch = o.net.epochOf(o.source.region, o.target.region);
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
    for (let i = first; i < end; i++) {
      if (this.o.filtered.has(wal.get(i, 'table'))) continue;
      const r = wal.record(i);
      bytes += r.bytes;
      records.push(r);
    }
    const endLsn = wal.endLsn;
    this.sentLsn = endLsn;
    const batch: Batch = { channel: this, epoch: src.epoch, records, endLsn };
    if (this.o.cdcDelay) {
      // CDC: the broker hop first, then the stream to the target.
      const extra = this.o.cdcDelay.sampler(this.o.cdcDelay.rng);
      sched.after(extra, () => net.send(this.stream, bytes + 64, this.deliverBound, batch), undefined);
    } else {
      net.send(this.stream, bytes + 64, this.deliverBound, batch);
    }
  }

  private deliverBatch(b: Batch): void {
    const t = this.target;
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

  private reportApplied(epoch: number): void {
    const t = this.target;
    t.whenRunning(() => {
      if (this.closed || epoch !== t.epoch) return;
      const now = this.o.sched.now;
      t.advance(now);
      if (t.appliedIndex < t.wal.endIndex) {
        // Apply was slowed or paused meanwhile: report when it really finishes.
        this.o.sched.at(t.doneUsOf(t.wal.endIndex - 1), this.appliedBound, epoch);
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
