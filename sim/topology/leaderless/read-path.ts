// A leaderless read at its coordinator: the coordinator in the client's
// region asks the replicas `readFanout` says (all reachable ones, or the
// nearest that meet the level), keeps the newest version among the answers
// (and, for a set row, the answering replicas' snapshots), answers the
// client once the read level is met, and — with read repair drawn for the
// read — sends the newest version to the replicas that answered with an
// older one (for a set row, each pair merges the other's snapshot). At the
// client timeout an unanswered read fails.
import type { Op } from '../../db/op.ts';
import type { Hlc } from '../../world/hlc.ts';
import { satisfied, type Requirement } from '../../scenario/consistency-levels.ts';
import { compareVersion, type ReplicaStore } from './store.ts';
import type { LeaderlessState } from './state.ts';
import type { Membership, ReadState, ToCoordinator, ToReplica } from './types.ts';
import { MESSAGE_OVERHEAD_BYTES } from '../../world/traffic.ts';
import { answerBytes } from '../../db/op.ts';

/** The union of replicas' set-row snapshots: flat [replica, length, replica, length, ...]. */
class Snapshots implements Membership {
  constructor(private readonly stores: readonly ReplicaStore[], private readonly snaps: readonly number[]) {}
  has(id: number): boolean {
    const s = this.snaps;
    for (let k = 0; k < s.length; k += 2) if ((this.stores[s[k] as number] as ReplicaStore).hadAt(id, s[k + 1] as number)) return true;
    return false;
  }
}

export function read(st: LeaderlessState, op: Op): void {
  const c = op.region;
  if (st.isDown(c)) return st.o.sink.readFailed(op);
  if (st.isPaused(c)) st.inRegion(c, () => coordinateRead(st, op, c));
  else coordinateRead(st, op, c);
}

function coordinateRead(st: LeaderlessState, op: Op, c: number): void {
  const { sched, config: cfg } = st.o;
  const req = st.readReq[c] as Requirement;
  const targets = cfg.readFanout === 'all' ? reachableFrom(st, c) : nearestFor(st, c, req);
  const by = st.scratch;
  by.fill(0);
  for (const i of targets) by[st.replicaRegion[i] as number]!++;
  if (!satisfied(req, targets.length, by)) {
    st.unavailable++;
    return st.o.sink.readFailed(op);
  }
  const repair = cfg.readRepair > 0 && st.o.readRepairRng.next() < cfg.readRepair;
  const s: ReadState = {
    isWrite: false, op, coord: c, answers: 0, byRegion: st.perRegionCounts(req),
    best: { hi: -Infinity, lo: 0, id: 0 }, snaps: st.o.isSet(op.row) ? [] : undefined, done: false, answer: undefined,
    heard: repair ? [] : undefined, mergedHeard: 0,
  };
  const h = st.hlcs[c] as Hlc;
  for (const i of targets) {
    st.o.legs.send('read', c, st.replicaRegion[i] as number, st.toReplica, {
      replica: i, from: c, id: 0, l: h.l, c: h.c, write: undefined, hint: undefined, read: s, original: false, standIn: -1, mergeFrom: -1, mergeLength: 0, row: 0, legFrom: 0, legTo: 0, legEpoch: 0,
    } satisfies ToReplica, MESSAGE_OVERHEAD_BYTES);
  }
  st.due.watch(s);
}

/** Replicas reachable from region c, nearest first (shared array when all are). */
function reachableFrom(st: LeaderlessState, c: number): number[] {
  const all = st.nearest[c] as number[];
  for (const i of all) if (!st.reachable(c, i)) return all.filter((j) => st.reachable(c, j));
  return all;
}

/** `nearest` fanout: the replicas a level needs, nearest first (per-region minimums first), among the reachable ones. */
function nearestFor(st: LeaderlessState, c: number, req: Requirement): number[] {
  const chosen: number[] = [];
  const taken = new Uint8Array(st.n);
  const order = (st.nearest[c] as number[]).filter((i) => st.reachable(c, i));
  if (req.perRegion) {
    const need = Int32Array.from(req.perRegion);
    for (const i of order) {
      const r = st.replicaRegion[i] as number;
      if ((need[r] as number) > 0) {
        need[r]!--;
        chosen.push(i);
        taken[i] = 1;
      }
    }
  }
  for (const i of order) {
    if (chosen.length >= req.total) break;
    if (!taken[i]) chosen.push(i);
  }
  return chosen;
}

export function readAnswerArrived(st: LeaderlessState, s: ReadState, m: ToCoordinator): void {
  const b = s.best;
  if (compareVersion(m.hi, m.lo, m.id, b.hi, b.lo, b.id) > 0) {
    b.hi = m.hi;
    b.lo = m.lo;
    b.id = m.id;
  }
  if (s.snaps) s.snaps.push(m.replica, m.setLength);
  if (s.heard) s.heard.push({ replica: m.replica, hi: m.hi, lo: m.lo, id: m.id, setLength: m.setLength });
  s.answers++;
  if (s.byRegion) s.byRegion[st.replicaRegion[m.replica] as number]!++;
  if (!s.done && satisfied(st.readReq[s.coord] as Requirement, s.answers, s.byRegion ?? st.scratch)) {
    s.done = true;
    s.answer = { id: s.best.id, hi: s.best.hi, lo: s.best.lo, members: s.snaps ? new Snapshots(st.stores, s.snaps.slice()) : undefined };
    st.o.sink.readServed(s.op, s.answer, st.o.net.answerAtUs(s.coord, answerBytes(s.op, true)));
  }
  if (s.done && s.heard) repairStale(st, s);
}

/**
 * Read repair: sends the newest version to the replicas that answered with
 * an older one; for a set row, each pair of answering replicas merges the
 * other's snapshot (sent once per pair).
 */
function repairStale(st: LeaderlessState, s: ReadState): void {
  const heard = s.heard as NonNullable<ReadState['heard']>;
  const h = st.hlcs[s.coord] as Hlc;
  const row = s.op.row;
  const send = (replica: number, id: number, mergeFrom: number, mergeLength: number) => {
    st.readRepairs++;
    st.o.legs.send('write', s.coord, st.replicaRegion[replica] as number, st.toReplica, {
      replica, from: s.coord, id, l: h.l, c: h.c, write: undefined, hint: undefined, read: undefined, original: false, standIn: -1,
      mergeFrom, mergeLength, row, legFrom: 0, legTo: 0, legEpoch: 0,
    } satisfies ToReplica, st.o.rowBytes(row) + MESSAGE_OVERHEAD_BYTES);
  };
  if (s.snaps) {
    for (let j = s.mergedHeard; j < heard.length; j++) {
      const b = heard[j] as NonNullable<ReadState['heard']>[number];
      for (let i = 0; i < j; i++) {
        const a = heard[i] as NonNullable<ReadState['heard']>[number];
        if (b.setLength > 0) send(a.replica, 0, b.replica, b.setLength);
        if (a.setLength > 0) send(b.replica, 0, a.replica, a.setLength);
      }
    }
    s.mergedHeard = heard.length;
    return;
  }
  for (const a of heard) {
    if (s.best.id > 0 && compareVersion(a.hi, a.lo, a.id, s.best.hi, s.best.lo, s.best.id) < 0) send(a.replica, s.best.id, -1, 0);
    a.hi = s.best.hi;
    a.lo = s.best.lo;
    a.id = s.best.id;
  }
}

export function readTimedOut(st: LeaderlessState, s: ReadState): void {
  if (s.done) return;
  s.done = true;
  st.o.sink.readFailed(s.op);
}
