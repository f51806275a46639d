// Where a leaderless store's messages land: at a replica (a read request is
// answered with the replica's version — and, for a set row, its add count;
// a write, hint replay or repair is applied, and acknowledged when a
// coordinator or hint holder waits for it; a sloppy stand-in only
// acknowledges), and back at the coordinator (an ack or a read answer is
// handed to the write or read path; a replayed hint's ack tells its holder it
// was delivered). A region that is down drops what arrives; a paused one
// holds it until it resumes.
import type { Hlc } from '../../world/hlc.ts';
import type { ReplicaStore } from './store.ts';
import type { LeaderlessState } from './state.ts';
import type { ToCoordinator, ToReplica } from './types.ts';
import { writeAckArrived } from './write-path.ts';
import { readAnswerArrived } from './read-path.ts';
import { MESSAGE_OVERHEAD_BYTES } from '../../world/traffic.ts';

export function atReplica(st: LeaderlessState, m: ToReplica): void {
  const r = m.standIn >= 0 ? m.from : (st.replicaRegion[m.replica] as number);
  if (st.isDown(r)) return;
  if (st.isPaused(r)) st.inRegion(r, () => serveAtReplica(st, m, r));
  else serveAtReplica(st, m, r);
}

function serveAtReplica(st: LeaderlessState, m: ToReplica, r: number): void {
  st.heard(r, m.l, m.c);
  const h = st.hlcs[r] as Hlc;
  const i = m.replica;
  const store = st.stores[i] as ReplicaStore;
  const f = st.facts;
  if (m.read) {
    // An answer the coordinator no longer needs (it answered, no read repair, nothing for its clock to learn) is not sent.
    if (m.read.done && m.read.heard === undefined && st.o.config.timestamps === 'wallclock') return st.o.legs.discard('response', r, m.read.coord, st.o.rowBytes(m.read.op.row) + MESSAGE_OVERHEAD_BYTES);
    const row = m.read.op.row;
    const isSet = st.o.isSet(row);
    const reply: ToCoordinator = {
      replica: i, l: h.l, c: h.c, write: undefined, hint: undefined, read: m.read,
      hi: store.hi[row] as number, lo: store.lo[row] as number, id: store.id[row] as number,
      setLength: isSet ? store.setLength(row) : 0, legFrom: 0, legTo: 0, legEpoch: 0,
    };
    st.o.legs.send('response', r, m.read.coord, st.toCoordinator, reply, st.o.rowBytes(row) + MESSAGE_OVERHEAD_BYTES);
    return;
  }
  if (m.mergeFrom >= 0) {
    store.mergeSet(st.stores[m.mergeFrom] as ReplicaStore, m.mergeFrom, m.row, f, m.mergeLength);
    return;
  }
  if (m.standIn < 0) {
    const row = f.row[m.id] as number;
    const heldId = store.id[row] as number;
    const isSet = st.o.isSet(row);
    if (m.original && heldId > 0 && heldId !== m.id) st.o.events?.replicaApplied(r, m.id, heldId, st.o.sched.now);
    store.apply(row, f.hi[m.id] as number, f.lo[m.id] as number, m.id, isSet);
  }
  if (m.write || m.hint) {
    const reply: ToCoordinator = {
      replica: i, l: h.l, c: h.c, write: m.write, hint: m.hint, read: undefined, hi: 0, lo: 0, id: m.id, setLength: 0, legFrom: 0, legTo: 0, legEpoch: 0,
    };
    st.o.legs.send('ack', r, m.from, st.toCoordinator, reply, MESSAGE_OVERHEAD_BYTES);
  }
}

export function atCoordinator(st: LeaderlessState, m: ToCoordinator): void {
  const c = m.read ? m.read.coord : m.write ? m.write.coord : -1;
  if (m.hint) {
    // The holder of a replayed hint learns it was delivered.
    m.hint.done = true;
    st.hintsReplayed++;
    return;
  }
  if (st.isDown(c)) return;
  if (st.isPaused(c)) {
    st.inRegion(c, () => atCoordinator(st, m));
    return;
  }
  st.heard(c, m.l, m.c);
  if (m.write) writeAckArrived(st, m.write, m.replica);
  else if (m.read) readAnswerArrived(st, m.read, m);
}
