// Hand-written event sequences for the checkers: a measurement subscribed to
// an event hub, operations and commit references built by hand.
import { EventHub } from '../../sim/measure/events.ts';
import { Measurement, type MeasureSpec } from '../../sim/measure/measurement.ts';
import { DbNode } from '../../sim/db/node.ts';
import { RngRoot } from '../../sim/core/rng.ts';
import type { Op } from '../../sim/db/op.ts';
import type { CommitRef } from '../../sim/measure/events.ts';

export function measured(spec: MeasureSpec, o: { regions?: number; sessions?: number; rows?: number; warmupUs?: number; fencing?: boolean; filtered?: number[] } = {}) {
  const hub = new EventHub();
  const m = new Measurement({
    regionCount: o.regions ?? 2, sessionCount: o.sessions ?? 4, rowCount: o.rows ?? 8, warmupUs: o.warmupUs ?? 0,
    filtered: new Set(o.filtered ?? []), fencingOn: o.fencing ?? false, trace: undefined,
  }, spec);
  m.subscribeTo(hub);
  return { hub, m };
}

let nextNode = 0;
/** A node whose WAL records can be written by hand. */
export function node(region: number): DbNode {
  return new DbNode({ region, rowCount: 8, applyTime: () => 0, applyRng: new RngRoot(1).stream(`n${nextNode++}`), onApplied: () => {} });
}

export function op(p: Partial<Op> & { row: number; invokeUs: number }): Op {
  return { write: true, region: 0, session: 0, table: 0, bytes: 100, done: false, ...p };
}

/** A commit of `version` on `n` at `lsn`, appended to its WAL. */
export function commit(n: DbNode, version: number, row: number, lsn: number, commitUs: number, epoch = 1): CommitRef {
  n.commitLocal({ lsnEnd: lsn, writeId: version, rowId: row, table: 0, bytes: 100, commitUs, origin: n.region, epoch });
  return { node: n, version, lsn, epoch, commitUs };
}

/** A commit reference for topologies without a WAL to account (no epochs). */
export function ref(n: DbNode, version: number): CommitRef {
  return { node: n, version, lsn: 0, epoch: 0, commitUs: 0 };
}
