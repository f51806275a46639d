// The write ledger: what became of acknowledged writes.
//
// It marks WAL records as acknowledged when the client receives the ack,
// counts the acknowledged writes a rewind (or a node that never came back)
// discards — RPO loss, overall and per failover — and records writes
// acknowledged by a zombie primary (a node acting as primary in an epoch
// older than the current one), from which split-brain occurrences are
// built. It also forwards trace events to the trace sink, if any.
//
// Fed by run events (sim/measure/events.ts): failovers, promotions, rewinds
// and discarded WAL records. The WAL's `ackUs` column is the ledger's: it
// marks there which records were acknowledged, so a discard can tell.
import type { DbNode } from '../db/node.ts';
import type { FailoverRecord, RunEvents } from './events.ts';
import type { TraceEvent, TraceWriter } from './history.ts';

export interface LossTally {
  lostAckedWrites: number;
  lostBytes: number;
  firstAckUs: number;
  lastAckUs: number;
}

/** One split-brain occurrence: a zombie primary acknowledging writes while a newer primary also does. */
export interface SplitBrainEpisode {
  zombie: number;
  epoch: number;
  firstAckUs: number;
  lastAckUs: number;
  divergentWrites: number;
}

function emptyTally(): LossTally {
  return { lostAckedWrites: 0, lostBytes: 0, firstAckUs: Infinity, lastAckUs: -Infinity };
}

type LedgerEvents = Pick<RunEvents, 'failoverStarted' | 'failoverRefused' | 'promoted' | 'rewound' | 'walDiscarded' | 'converged' | 'trace'>;

export class Ledger implements LedgerEvents {
  readonly total: LossTally = emptyTally();
  /** Completed failovers, in order. */
  readonly failovers: FailoverRecord[] = [];
  /** Failovers the controller refused. */
  refused = 0;
  /** Loss per failover, indexed like the failover list. */
  readonly perFailover: LossTally[] = [];
  readonly zombieEpisodes: SplitBrainEpisode[] = [];
  /** First ack time of a write by the current primary in each epoch (epoch → µs). */
  readonly firstAckInEpoch = new Map<number, number>();
  /** When each epoch's primary was promoted (epoch → µs). */
  readonly epochStartUs = new Map<number, number>();
  /** Lost acknowledged writes as [row, writeId] pairs (for the lost-and-present invariant). */
  private readonly lost: number[] = [];
  /** Invariant violations found so far. */
  readonly violations: string[] = [];
  /** Whether fencing is on (then a zombie must never acknowledge a write). */
  fencingOn = false;

  constructor(private readonly traceSink: TraceWriter | undefined) {}

  trace(e: TraceEvent): void {
    if (this.traceSink) this.traceSink.write(e);
  }

  /**
   * The client received the ack of the write at `lsn` (write id `version`)
   * committed on `node`. Returns true when the write is divergent (acked by
   * a zombie primary).
   */
  acked(node: DbNode, lsn: number, version: number, ackUs: number, commitUs: number, epoch: number, bytes: number): boolean {
    const wal = node.wal;
    let found = false;
    if (lsn > wal.startLsn) {
      const idx = wal.indexAfterLsn(lsn - 1);
      const slot = idx < wal.endIndex ? wal.slotOf(idx) : -1;
      if (slot >= 0 && wal.lsnEnd[slot] === lsn && wal.writeId[slot] === version) {
        wal.ackUs[slot] = ackUs;
        found = true;
      }
    }
    if (!found) {
      // The ack was still in flight when a rewind discarded the write: it is lost all the same.
      const t = this.truncations.find((x) => x.region === node.region && x.epoch === epoch && lsn > x.lsn);
      if (t) this.countLost(t.tally, bytes, ackUs, 0, version);
    }
    // Divergent: committed in an epoch that a newer promotion had already superseded.
    const next = this.epochStartUs.get(epoch + 1);
    if (next !== undefined && commitUs >= next) {
      if (this.fencingOn) {
        this.violations.push(
          `invariant: with fencing on, at most one node accepts writes per epoch — region ${node.region} (epoch ${epoch}) acknowledged write ${version} committed at ${commitUs}us, after epoch ${epoch + 1} began at ${next}us`,
        );
      }
      // A zombie primary: it acknowledged a write after a newer primary was promoted.
      let ep = this.zombieEpisodes.find((e) => e.zombie === node.region && e.epoch === epoch);
      if (!ep) {
        ep = { zombie: node.region, epoch, firstAckUs: ackUs, lastAckUs: ackUs, divergentWrites: 0 };
        this.zombieEpisodes.push(ep);
      }
      ep.lastAckUs = Math.max(ep.lastAckUs, ackUs);
      ep.firstAckUs = Math.min(ep.firstAckUs, ackUs);
      ep.divergentWrites++;
      return true;
    }
    if (!this.firstAckInEpoch.has(epoch)) this.firstAckInEpoch.set(epoch, ackUs);
    return false;
  }

  /** A failover began: opens its loss tally. */
  failoverStarted(tally: number): void {
    while (this.perFailover.length <= tally) this.perFailover.push(emptyTally());
  }

  failoverRefused(): void {
    this.refused++;
  }

  /** A promotion completed: its epoch began then. */
  promoted(rec: FailoverRecord): void {
    this.epochStartUs.set(rec.epoch, rec.completedAtUs);
    this.failovers.push(rec);
  }

  /** `region` abandons `epoch`'s timeline after `lsn`: acks of its writes still in flight are lost too. */
  rewound(region: number, epoch: number, lsn: number, tally: number): void {
    this.truncations.push({ region, epoch, lsn, tally });
  }

  walDiscarded(node: DbNode, index: number, tally: number): void {
    this.discarded(node, index, tally);
  }

  /** End of run (leaderless): an acknowledged write that no replica holds, charged to no failover. */
  lostAcked(row: number, version: number, ackUs: number, bytes: number): void {
    this.countLost(-1, bytes, ackUs, row, version);
  }

  /** End of run: no write counted lost may show on the surviving timeline. */
  converged(survivors: readonly DbNode[]): void {
    this.checkLostNotPresent(survivors);
  }

  /**
   * The WAL record at `index` of `node` is discarded (rewind, rebuild, or a
   * node that never rejoins). Counts it if it was acknowledged.
   */
  discarded(node: DbNode, index: number, failover: number): void {
    const ack = node.wal.get(index, 'ackUs');
    if (Number.isNaN(ack)) return;
    this.countLost(failover, node.wal.get(index, 'bytes'), ack, node.wal.get(index, 'rowId'), node.wal.get(index, 'writeId'));
    node.wal.set(index, 'ackUs', NaN);
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

  /** Rewinds so far: region, the epoch it abandoned, the LSN it kept up to, and the failover charged. */
  private readonly truncations: Array<{ region: number; epoch: number; lsn: number; tally: number }> = [];

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
