// The read-staleness checker (SPEC §2), online and in bounded memory.
//
// A read is stale if a write to the same row was acknowledged to its client
// before the read began and the version returned does not reflect it (a
// smaller write id). Staleness = read start − ack time of the oldest such
// missed write; versions behind = how many such writes were missed.
//
// Per row we keep the acknowledged writes that some node may still not
// show: an entry is dropped once every node's visible version has passed
// it (`minVisible`), so memory follows replication lag, not run length.
import { LatestAcks } from './visibility.ts';

/** Most entries kept per row; beyond it the oldest go and results are lower bounds. */
const MAX_PER_ROW = 4096;

export interface ReadVerdict {
  stale: boolean;
  stalenessUs: number;
  versionsBehind: number;
}

export class StalenessChecker {
  /** Per row: flat [version, ackUs, version, ackUs, ...] sorted by version (a dense array by row id). */
  private readonly acked: Array<number[] | undefined> = [];
  private tracked = 0;
  /** Entries dropped by the per-row cap (results for those rows are lower bounds). */
  truncated = 0;

  /**
   * The latest acks per row (the version judge's t-visibility reference),
   * whose per-row record also keeps, as its `aux`, the highest version in
   * the row's list (0: empty): a read that returned at least that misses
   * nothing and is judged from the one record, without touching the list.
   */
  readonly latest = new LatestAcks();

  constructor(private readonly minVisible: (row: number) => number) {}

  /** A write to `row` creating `version` was acknowledged to its client at `ackUs`. */
  onAck(row: number, version: number, ackUs: number): void {
    let list = this.acked[row];
    const floor = this.minVisible(row);
    if (version <= floor) return;
    if (!list) {
      list = [];
      while (this.acked.length < row) this.acked.push(undefined);
      this.acked[row] = list;
      this.tracked++;
    }
    // Prune what every node already shows.
    let drop = 0;
    while (drop < list.length && (list[drop] as number) <= floor) drop += 2;
    if (drop > 0) list.splice(0, drop);
    // Insert sorted by version (acks arrive nearly in version order).
    let i = list.length;
    while (i > 0 && (list[i - 2] as number) > version) i -= 2;
    if (i === list.length) list.push(version, ackUs);
    else list.splice(i, 0, version, ackUs);
    if (list.length > 2 * MAX_PER_ROW) {
      list.splice(0, 2);
      this.truncated++;
    }
    this.setTop(row, list);
  }

  /** Keeps `top[row]` the highest version of the row's (sorted) list. */
  private setTop(row: number, list: number[]): void {
    this.latest.setAux(row, list.length === 0 ? 0 : (list[list.length - 2] as number));
  }

  /**
   * Forgets an acknowledged write that will not survive (its node's timeline
   * was abandoned at a failover): missing it is RPO loss, not staleness.
   */
  forget(row: number, version: number): void {
    const list = this.acked[row];
    if (!list) return;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === version) {
        list.splice(i, 2);
        break;
      }
    }
    this.setTop(row, list);
  }

  /** Judges a read of `row` that began at `startUs` and returned `version`. */
  onRead(row: number, version: number, startUs: number): ReadVerdict {
    // Nothing acknowledged beyond the version read (the common case): not stale.
    if (version >= this.latest.aux(row)) return NOT_STALE;
    const list = this.acked[row];
    if (!list || list.length === 0) return NOT_STALE;
    let behind = 0;
    let oldestAck = Infinity;
    for (let i = list.length - 2; i >= 0; i -= 2) {
      const v = list[i] as number;
      if (v <= version) break;
      const ack = list[i + 1] as number;
      if (ack < startUs) {
        behind++;
        if (ack < oldestAck) oldestAck = ack;
      }
    }
    if (behind === 0) return NOT_STALE;
    return { stale: true, stalenessUs: startUs - oldestAck, versionsBehind: behind };
  }

  /** Rows currently tracked (for memory tests). */
  get trackedRows(): number {
    return this.tracked;
  }
}

const NOT_STALE: ReadVerdict = Object.freeze({ stale: false, stalenessUs: 0, versionsBehind: 0 });
