// A leaderless write at its coordinator: the coordinator in the client's
// region stamps it, sends it to every replica (a reachable one over the
// write leg; an unreachable one is stood in for by a spare node under a
// sloppy quorum, or gets a hint), counts the acks until the write level is
// met, and answers the client; at the client timeout, replicas that never
// acknowledged get a hint. What a replica does with the write is delivery.ts's.
import type { Op } from '../../db/op.ts';
import type { Hlc } from '../../world/hlc.ts';
import { satisfied, type Requirement } from '../../scenario/consistency-levels.ts';
import type { LeaderlessState } from './state.ts';
import type { ToReplica, WriteState } from './types.ts';
import { storeHint } from './hints.ts';
import { MESSAGE_OVERHEAD_BYTES } from '../../world/traffic.ts';
import { answerBytes } from '../../db/op.ts';

export function write(st: LeaderlessState, op: Op): void {
  const c = op.region;
  if (st.isDown(c)) return st.o.sink.writeFailed(op);
  if (st.isPaused(c)) st.inRegion(c, () => coordinateWrite(st, op, c));
  else coordinateWrite(st, op, c);
}

function coordinateWrite(st: LeaderlessState, op: Op, c: number): void {
  const { sched, config: cfg } = st.o;
  const req = st.writeReq[c] as Requirement;
  if (!cfg.sloppyQuorum && !canMeet(st, c, req)) {
    st.unavailable++;
    return st.o.sink.writeFailed(op);
  }
  const ts = st.stamp(c);
  const isSet = st.o.isSet(op.row);
  const id = st.facts.add(op.row, ts.hi, ts.lo, op.invokeUs);
  const s: WriteState = { isWrite: true, op, id, coord: c, acks: 0, byRegion: st.perRegionCounts(st.writeReq[c] as Requirement), mark: new Array<number>(st.n).fill(0), marked: 0, done: false };
  const h = st.hlcs[c] as Hlc;
  for (let i = 0; i < st.n; i++) {
    const r = st.replicaRegion[i] as number;
    const msg: ToReplica = { replica: i, from: c, id, l: h.l, c: h.c, write: s, hint: undefined, read: undefined, original: true, standIn: -1, mergeFrom: -1, mergeLength: 0, row: 0, legFrom: 0, legTo: 0, legEpoch: 0 };
    if (st.reachable(c, i)) {
      st.o.legs.send('write', c, r, st.toReplica, msg, op.bytes + MESSAGE_OVERHEAD_BYTES);
    } else if (cfg.sloppyQuorum) {
      // A spare node in the coordinator's region stands in and keeps the hint.
      msg.standIn = i;
      msg.original = false;
      storeHint(st, c, i, id);
      s.mark[i] = 2;
      s.marked++;
      st.o.legs.send('write', c, c, st.toReplica, msg, op.bytes + MESSAGE_OVERHEAD_BYTES);
    } else if (cfg.hintedHandoff) {
      storeHint(st, c, i, id);
      s.mark[i] = 2;
      s.marked++;
    }
  }
  st.due.watch(s);
}

/** Whether enough replicas are reachable from c to meet `req`. */
function canMeet(st: LeaderlessState, c: number, req: Requirement): boolean {
  const by = st.scratch;
  by.fill(0);
  let total = 0;
  for (let i = 0; i < st.n; i++) {
    if (!st.reachable(c, i)) continue;
    total++;
    by[st.replicaRegion[i] as number]!++;
  }
  return satisfied(req, total, by);
}

export function writeAckArrived(st: LeaderlessState, s: WriteState, i: number): void {
  if (s.mark[i] === 1) return;
  if (s.mark[i] === 0) s.marked++;
  s.mark[i] = 1;
  s.acks++;
  if (s.byRegion) s.byRegion[st.replicaRegion[i] as number]!++;
  if (s.done || !satisfied(st.writeReq[s.coord] as Requirement, s.acks, s.byRegion ?? st.scratch)) return;
  s.done = true;
  // The client has the ack after the coordinator → client leg inside the region.
  clientAck(st, s, st.o.net.answerAtUs(s.coord, answerBytes(s.op, true)));
}

/** The client has the ack at `atUs`. */
function clientAck(st: LeaderlessState, s: WriteState, atUs: number): void {
  const { op, id } = s;
  if (atUs - op.invokeUs > st.o.clientTimeoutUs) return st.o.sink.writeFailed(op); // too late: the client gave up
  st.facts.ackUs[id] = atUs;
  st.o.sink.writeAcked(op, id, atUs);
}

export function writeTimedOut(st: LeaderlessState, s: WriteState): void {
  if (st.o.config.hintedHandoff) {
    // Replicas that never acknowledged get a hint (the write may have been lost on the way).
    for (let i = 0; i < st.n; i++) if (s.mark[i] === 0) {
      s.mark[i] = 2;
      s.marked++;
      storeHint(st, s.coord, i, s.id);
    }
  }
  if (!s.done) {
    s.done = true;
    st.o.sink.writeFailed(s.op);
  }
}
