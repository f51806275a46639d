// Rejoin (single-primary): how a node that comes back on an abandoned
// timeline becomes a replica of the current primary — `rewind` (discard its
// WAL after the common LSN, counting the acknowledged writes lost, and
// restore its rows to that point) or `rebuild` (a snapshot copy at the
// link's bandwidth). Keeps the branch LSN of every epoch. Does not decide
// when a node rejoins; the failover controller does.
import type { Scheduler } from '../core/scheduler.ts';
import type { DbNode } from '../db/node.ts';
import type { RunEvents } from '../measure/events.ts';
import type { Monitor } from './monitor.ts';
import type { PrimaryControl } from './verbs.ts';

export interface RejoinOptions {
  sched: Scheduler;
  topo: PrimaryControl;
  events: RunEvents;
  monitor: Monitor;
  regionIds: readonly string[];
  mode: 'rewind' | 'rebuild';
  /** Bytes a snapshot copies. */
  snapshotBytes: number;
  bandwidthBytesPerS: number;
  stateChanged: (r: number) => void;
}

export class Rejoin {
  /** LSN at which each epoch's timeline branched from the previous one (epoch → LSN). */
  readonly branchLsn = new Map<number, number>();
  /** Nodes currently rebuilding from a snapshot. */
  readonly rebuilding = new Set<number>();

  constructor(private readonly o: RejoinOptions) {}

  /** Lowest branch point of every epoch after `epoch`: what survives of that epoch's timeline. */
  commonLsnAfter(epoch: number): number {
    let lsn = Infinity;
    for (const [e, b] of this.branchLsn) if (e > epoch && b < lsn) lsn = b;
    return lsn;
  }

  /**
   * Points node `n` at the new primary: rewind its WAL to the common LSN (or
   * rebuild from a snapshot), set its epoch, and (unless the caller opens
   * channels itself) open a channel to it.
   */
  repoint(n: DbNode, primary: DbNode, tally: number, openChannel: boolean): void {
    const { topo, events, sched } = this.o;
    const now = sched.now;
    const common = Math.min(this.commonLsnAfter(n.epoch), n.wal.endLsn);
    const wasPrimary = n.role === 'primary';
    const abandonedEpoch = n.epoch;
    topo.demote(n);
    const rebuild = this.o.mode === 'rebuild' && wasPrimary || !primary.wal.holdsFrom(Math.min(common, n.receivedLsn));
    const discarded: number[] = [];
    this.truncate(n, abandonedEpoch, common, tally, (i) => discarded.push(n.wal.get(i, 'rowId')));
    n.afterTruncate(now);
    this.restoreRows(n, discarded, primary);
    if (rebuild) {
      this.rebuilding.add(n.region);
      const copyUs = (this.o.snapshotBytes * 1e6) / this.o.bandwidthBytesPerS;
      this.o.stateChanged(n.region);
      events.trace({ tUs: now, event: 'rebuild-started', region: this.o.regionIds[n.region], copyMs: copyUs / 1000 });
      sched.after(copyUs, () => {
        // The snapshot is consistent as of now; everything after it streams normally.
        const p = topo.node(topo.primaryRegion);
        n.resetTo(Math.max(p.wal.endLsn, p.receivedLsn), p.rowVersion, sched.now);
        this.rebuilding.delete(n.region);
        const ch = topo.attach(n, p);
        if (ch) this.o.monitor.rebuilding.add(ch);
        this.o.stateChanged(n.region);
        events.trace({ tUs: sched.now, event: 'rebuild-done', region: this.o.regionIds[n.region] });
      }, undefined);
      return;
    }
    if (openChannel) {
      const ch = topo.attach(n, primary);
      if (ch && wasPrimary) this.o.monitor.rebuilding.add(ch);
    }
    if (wasPrimary) events.trace({ tUs: now, event: 'rewind', region: this.o.regionIds[n.region], toLsn: common, discarded: discarded.length });
  }

  /**
   * After a rewind, rows the discarded writes touched go back to their
   * version as of the common LSN: the newest surviving write to each in the
   * node's own WAL. A row whose earlier version is older than the retained
   * WAL takes the primary's (a simplification: such a node would need a
   * rebuild in reality, and the primary's version is what it converges to).
   */
  private restoreRows(n: DbNode, rows: readonly number[], primary: DbNode): void {
    const want = new Set(rows);
    const wal = n.wal;
    for (let i = wal.endIndex - 1; i >= wal.firstIndex && want.size > 0; i--) {
      const row = wal.get(i, 'rowId');
      if (want.delete(row)) n.rowVersion[row] = wal.get(i, 'writeId');
    }
    for (const row of want) n.rowVersion[row] = primary.rowVersion[row] as number;
  }

  /**
   * Discards `n`'s WAL after `lsn` (a rewind, or a node that never rejoins):
   * the ledger hears which epoch was abandoned and every record discarded.
   */
  private truncate(n: DbNode, abandonedEpoch: number, lsn: number, tally: number, onDiscard?: (index: number) => void): void {
    const events = this.o.events;
    events.rewound(n.region, abandonedEpoch, lsn, tally);
    n.wal.truncateAfter(lsn, (i) => {
      onDiscard?.(i);
      events.walDiscarded(n, i, tally);
    });
  }

  /**
   * At the end of the run: every node still on an older timeline would
   * rewind on rejoining — count those acked writes — and no write counted
   * lost may show on a node of the surviving timeline.
   */
  finish(tallyOf: (region: number) => number): void {
    const topo = this.o.topo;
    for (const n of topo.nodes) {
      if (n.epoch === topo.epoch) continue;
      const common = Math.min(this.commonLsnAfter(n.epoch), n.wal.endLsn);
      this.truncate(n, n.epoch, common, tallyOf(n.region));
    }
    this.o.events.converged(topo.nodes.filter((n) => n.epoch === topo.epoch));
  }
}
