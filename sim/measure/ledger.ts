// The write ledger: what became of acknowledged writes, the run's failovers,
// and split-brain — kept once here for every topology, from run events
// (sim/measure/events.ts). Its definitions:
//
// - RPO: an acknowledged write is lost when the node holding it discards it
//   (rewind, rebuild, a node that never comes back: `walDiscarded`, or its
//   ack was still in flight when a rewind discarded it), or when the
//   topology reports at the end of the run that no replica holds it
//   (`lostAcked`: leaderless, consensus). Each loss is charged to the
//   failover tally the model names (none: −1). The loss window is the span
//   between the first and the last ack of the lost writes.
// - Deposed (zombie) write: a write acknowledged by the primary or leader of
//   an epoch (single-primary's epoch, consensus's term, per replication
//   group) that committed it at or after the promotion of a newer epoch of
//   the same group had been reported. `divergentWrites` counts them.
// - Split-brain: take, for each epoch of a group, the span from the first to
//   the last write its primary or leader acknowledged (deposed or not; ack
//   times as the clients received them). A split-brain occurrence is a
//   maximal interval (closed: touching spans overlap for an instant) in
//   which the spans of two or more epochs of the same group overlap — two
//   or more nodes each acknowledged client writes as primary or leader.
//   `occurrences` counts those intervals, `durationMs` sums their lengths.
//   A zombie that acknowledges writes before the new primary's first ack
//   only is no split-brain: its writes are deposed (divergent) all the same.
// - RTO of a failover: from its fault to the first write the new epoch's
//   primary or leader acknowledged while no newer epoch was promoted (none
//   before the run ended: to the promotion).
//
// Only topologies whose acks come from a primary or leader of an epoch
// (`MeasureSpec.epochs`) take part in the deposed, split-brain and RTO books.
//
// The ledger keeps its own state: which WAL records were acknowledged is
// recorded in its ack marks (ack-marks.ts), never in the model; it reads a
// node's WAL to find the record an ack or a discard names. It also forwards
// trace events to the trace sink, if any.
import type { DbNode } from '../db/node.ts';
import type { CommitRef, FailoverRecord, RunEvents } from './events.ts';
import type { TraceEvent, TraceWriter } from './history.ts';
import { AckMarks } from './ack-marks.ts';

export interface LossTally {
  lostAckedWrites: number;
  lostBytes: number;
  firstAckUs: number;
  lastAckUs: number;
}

/** One split-brain occurrence: a maximal interval in which two or more epochs' primaries of `group` acknowledged writes. */
export interface SplitBrainInterval {
  group: number;
  startUs: number;
  endUs: number;
}

/** The split-brain figures of a run (µs; the summary turns them into ms). */
export interface SplitBrainBook {
  intervals: SplitBrainInterval[];
  durationUs: number;
  divergentWrites: number;
}

function emptyTally(): LossTally {
  return { lostAckedWrites: 0, lostBytes: 0, firstAckUs: Infinity, lastAckUs: -Infinity };
}

interface EpochSpan {
  firstUs: number;
  lastUs: number;
  acked: boolean;
}

/** One replication group's epochs (single-primary: one group; consensus: one per Raft group). */
interface GroupBook {
  /** Promotions reported, in order (epochs grow): epoch, and when it began (µs). */
  starts: Array<{ epoch: number; atUs: number }>;
  /** Per epoch: first and last ack by its primary or leader; `acked`: one came while it was not deposed (then in firstAck). */
  spans: Map<number, EpochSpan>;
  /** The epoch whose span primaryAck looked up last, and that span. */
  lastEpoch: number;
  lastSpan: EpochSpan | undefined;
  /** Per epoch: first ack by its primary or leader while it was not deposed (RTO). */
  firstAck: Map<number, number>;
}

type LedgerEvents = Pick<RunEvents, 'failoverStarted' | 'failoverRefused' | 'promoted' | 'rewound' | 'walDiscarded' | 'converged' | 'lostAcked' | 'trace'>;

export class Ledger implements LedgerEvents {
  readonly total: LossTally = emptyTally();
  /** Completed failovers, in the order reported. */
  readonly failovers: FailoverRecord[] = [];
  /** Failovers the controller refused. */
  refused = 0;
  /** Loss per failover tally. */
  readonly perFailover: LossTally[] = [];
  /** Writes acknowledged by a deposed primary or leader. */
  divergentWrites = 0;
  /** Lost acknowledged writes as [row, writeId] pairs (for the lost-and-present invariant). */
  private readonly lost: number[] = [];
  /** Invariant violations found so far. */
  readonly violations: string[] = [];
  /** Whether fencing forbids a deposed primary's acks (then one is an invariant violation). */
  fencingOn = false;
  private readonly groups = new Map<number, GroupBook>();
  /** The group looked up last, and its book (acks come in runs of one group). */
  private lastGroup = NaN;
  private lastBook: GroupBook | undefined;
  private readonly marks = new AckMarks();
  /** Rewinds so far: region, the epoch it abandoned, the LSN it kept up to, and the failover charged. */
  private readonly truncations: Array<{ region: number; epoch: number; lsn: number; tally: number }> = [];

  constructor(private readonly traceSink: TraceWriter | undefined) {}

  trace(e: TraceEvent): void {
    if (this.traceSink) this.traceSink.write(e);
  }

  private group(g: number): GroupBook {
    if (g === this.lastGroup) return this.lastBook as GroupBook;
    let b = this.groups.get(g);
    if (!b) this.groups.set(g, (b = { starts: [], spans: new Map(), firstAck: new Map(), lastEpoch: NaN, lastSpan: undefined }));
    this.lastGroup = g;
    this.lastBook = b;
    return b;
  }

  /**
   * The client received the ack of the write `c` names at `ackUs`: records it
   * against the node's WAL record (if it has a WAL) and against its epoch.
   * Returns true when the write is deposed (acknowledged by a zombie).
   */
  acked(c: CommitRef, ackUs: number, bytes: number): boolean {
    if (c.node.wal !== undefined) this.markAcked(c.node, c.lsn, c.version, ackUs, c.epoch, bytes);
    return this.primaryAck(c.group ?? 0, c.epoch, ackUs, c.commitUs, c.node.region, c.version);
  }

  /** Marks the WAL record at `lsn` of `node` acknowledged; an ack of a record a rewind already discarded is lost at once. */
  private markAcked(node: DbNode, lsn: number, version: number, ackUs: number, epoch: number, bytes: number): void {
    const wal = node.wal;
    if (lsn > wal.startLsn) {
      const idx = wal.indexAfterLsn(lsn - 1);
      const slot = idx < wal.endIndex ? wal.slotOf(idx) : -1;
      if (slot >= 0 && wal.lsnEnd[slot] === lsn && wal.writeId[slot] === version) {
        this.marks.add(node.region, idx, version, ackUs, wal.firstIndex);
        return;
      }
    }
    // The ack was still in flight when a rewind discarded the write: it is lost all the same.
    const t = this.truncations.find((x) => x.region === node.region && x.epoch === epoch && lsn > x.lsn);
    if (t) this.countLost(t.tally, bytes, ackUs, 0, version);
  }

  /**
   * The primary or leader of `epoch` in `group` acknowledged a write it
   * committed at `commitUs`: extends the epoch's span; returns whether it was
   * deposed by then. `region` and `version` name it in a violation.
   */
  primaryAck(group: number, epoch: number, ackUs: number, commitUs: number, region = -1, version = 0): boolean {
    const b = this.group(group);
    // Acks come in runs of one epoch: the last span looked up is kept at hand.
    let span = b.lastEpoch === epoch ? b.lastSpan : b.spans.get(epoch);
    if (!span) b.spans.set(epoch, (span = { firstUs: ackUs, lastUs: ackUs, acked: false }));
    else {
      if (ackUs < span.firstUs) span.firstUs = ackUs;
      if (ackUs > span.lastUs) span.lastUs = ackUs;
    }
    b.lastEpoch = epoch;
    b.lastSpan = span;
    // The earliest promotion of a newer epoch: promotions are reported in epoch order.
    let next: { epoch: number; atUs: number } | undefined;
    for (let i = b.starts.length - 1; i >= 0 && (b.starts[i] as { epoch: number }).epoch > epoch; i--) next = b.starts[i];
    if (next !== undefined && commitUs >= next.atUs) {
      if (this.fencingOn) {
        this.violations.push(
          `invariant: with fencing on, at most one node accepts writes per epoch — region ${region} (epoch ${epoch}) acknowledged write ${version} committed at ${commitUs}us, after epoch ${next.epoch} began at ${next.atUs}us`,
        );
      }
      this.divergentWrites++;
      return true;
    }
    if (!span.acked) {
      span.acked = true;
      b.firstAck.set(epoch, ackUs);
    }
    return false;
  }

  /** First ack of `epoch`'s primary or leader in `group` while not deposed (undefined: none). */
  firstAckInEpoch(epoch: number, group = 0): number | undefined {
    return this.groups.get(group)?.firstAck.get(epoch);
  }

  /** A failover began: opens its loss tally. */
  failoverStarted(tally: number): void {
    while (this.perFailover.length <= tally) this.perFailover.push(emptyTally());
  }

  failoverRefused(): void {
    this.refused++;
  }

  /** A promotion completed: its epoch began then (and its tally is open). */
  promoted(rec: FailoverRecord): void {
    this.failoverStarted(rec.tally);
    this.group(rec.group ?? 0).starts.push({ epoch: rec.epoch, atUs: rec.completedAtUs });
    this.failovers.push(rec);
  }

  /** Marks `epoch` of `group` as begun at `atUs` without a failover record (tests, the lab's judge). */
  epochBegan(group: number, epoch: number, atUs: number): void {
    this.group(group).starts.push({ epoch, atUs });
  }

  /** `region` abandons `epoch`'s timeline after `lsn`: acks of its writes still in flight are lost too. */
  rewound(region: number, epoch: number, lsn: number, tally: number): void {
    this.truncations.push({ region, epoch, lsn, tally });
  }

  /** The WAL record at `index` of `node` is discarded (rewind, rebuild, or a node that never rejoins): counted if it was acknowledged. */
  walDiscarded(node: DbNode, index: number, tally: number): void {
    const wal = node.wal;
    const s = wal.slotOf(index);
    const ack = this.marks.take(node.region, index, wal.writeId[s] as number);
    if (Number.isNaN(ack)) return;
    this.countLost(tally, wal.bytes[s] as number, ack, wal.rowId[s] as number, wal.writeId[s] as number);
  }

  /** End of run: an acknowledged write that no replica holds and none will receive, charged to `tally` (−1: none). */
  lostAcked(row: number, version: number, ackUs: number, bytes: number, tally = -1): void {
    this.countLost(tally, bytes, ackUs, row, version);
  }

  /** End of run: no write counted lost may show on the surviving timeline. */
  converged(survivors: readonly DbNode[]): void {
    this.checkLostNotPresent(survivors);
  }

  private countLost(failover: number, bytes: number, ackUs: number, row: number, writeId: number): void {
    for (const t of [this.total, this.perFailover[failover]]) {
      if (!t) continue;
      t.lostAckedWrites++;
      t.lostBytes += bytes;
      if (ackUs < t.firstAckUs) t.firstAckUs = ackUs;
      if (ackUs > t.lastAckUs) t.lastAckUs = ackUs;
    }
    this.lost.push(row, writeId);
  }

  /** Split-brain as defined above: the maximal intervals in which two or more epochs' spans of a group overlap. */
  splitBrain(): SplitBrainBook {
    const intervals: SplitBrainInterval[] = [];
    for (const [group, b] of [...this.groups].sort((x, y) => x[0] - y[0])) {
      // Sweep the spans' ends: +1 at a first ack, −1 after a last ack (starts first at equal times: closed spans).
      const edges: Array<[number, number]> = [];
      for (const s of b.spans.values()) edges.push([s.firstUs, 1], [s.lastUs, -1]);
      edges.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
      let depth = 0;
      let openUs = 0;
      for (const [t, d] of edges) {
        depth += d;
        if (d > 0 && depth === 2) openUs = t;
        if (d < 0 && depth === 1) intervals.push({ group, startUs: openUs, endUs: t });
      }
    }
    return { intervals, durationUs: intervals.reduce((a, e) => a + (e.endUs - e.startUs), 0), divergentWrites: this.divergentWrites };
  }

  /** Ack marks the ledger holds (memory tests). */
  get ackMarks(): number {
    return this.marks.size;
  }

  /** Slots the ack marks hold in memory (16 bytes each): for memory tests. */
  get ackMarkSlots(): number {
    return this.marks.capacity;
  }

  /**
   * Invariant: no acknowledged write is counted both lost and present — no
   * node on the surviving timeline may show a write counted as lost.
   */
  checkLostNotPresent(survivors: readonly DbNode[]): void {
    for (let i = 0; i < this.lost.length; i += 2) {
      const row = this.lost[i] as number;
      const id = this.lost[i + 1] as number;
      for (const n of survivors) {
        if (n.rowVersion[row] === id) {
          this.violations.push(`invariant: acknowledged write ${id} (row ${row}) is counted lost but present on region ${n.region}`);
          return;
        }
      }
    }
  }
}
