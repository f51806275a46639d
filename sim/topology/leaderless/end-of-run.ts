// The end of a leaderless run: whether a write is reflected by some or by
// every replica (for the judge and the tests), and RPO — the acknowledged
// writes that no replica holds and no pending hint will deliver.
import type { LeaderlessState } from './state.ts';
import { pendingHintIds } from './hints.ts';

/** Whether some replica reflects write `id` (holds it, or a version that beats it, or — set row — has added it). */
export function held(st: LeaderlessState, id: number): boolean {
  const f = st.facts;
  const row = f.row[id] as number;
  const isSet = st.o.isSet(row);
  for (const s of st.stores) if (s.reflects(row, f.hi[id] as number, f.lo[id] as number, id, isSet)) return true;
  return false;
}

/** Whether every replica reflects write `id`. */
export function everywhere(st: LeaderlessState, id: number): boolean {
  const f = st.facts;
  const row = f.row[id] as number;
  const isSet = st.o.isSet(row);
  for (const s of st.stores) if (!s.reflects(row, f.hi[id] as number, f.lo[id] as number, id, isSet)) return false;
  return true;
}

/**
 * RPO: acknowledged writes (acked at or after `fromUs`) that no replica
 * holds and no pending hint will deliver — lost for good.
 */
export function lostAcked(st: LeaderlessState, fromUs: number): { count: number; firstAckUs: number; lastAckUs: number; ids: number[] } {
  const hinted = pendingHintIds(st);
  const f = st.facts;
  const ids: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (let id = 1; id <= f.count; id++) {
    const ack = f.ackUs[id] as number;
    if (!(ack >= fromUs) || hinted.has(id) || held(st, id)) continue;
    ids.push(id);
    if (ack < first) first = ack;
    if (ack > last) last = ack;
  }
  return { count: ids.length, firstAckUs: first, lastAckUs: last, ids };
}
