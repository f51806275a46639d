// Hinted handoff in a leaderless store: a hint is kept by a region's nodes
// for a replica that was unreachable when a write was sent (or stood in for,
// or did not ack within the client timeout); every `replayInterval` each
// holder that is running replays its hints whose replica is reachable again
// (once per client timeout at most, until one is acknowledged) and drops
// those older than `maxHintWindow`. A replayed hint is applied like a write
// (delivery.ts) and its ack marks it done.
import type { Hlc } from '../../world/hlc.ts';
import type { LeaderlessState } from './state.ts';
import type { Hint, LeaderlessConfig, ToReplica } from './types.ts';
import { MESSAGE_OVERHEAD_BYTES } from '../../world/traffic.ts';

type HintedHandoff = NonNullable<LeaderlessConfig['hintedHandoff']>;

export function storeHint(st: LeaderlessState, holder: number, target: number, id: number): void {
  (st.hints[holder] as Hint[]).push({ target, id, createdUs: st.o.sched.now, sentUs: -Infinity, done: false });
  st.hintsStored++;
}

/** Starts the periodic hint replay (when hinted handoff is on). */
export function startHintReplay(st: LeaderlessState): void {
  const cfg = st.o.config.hintedHandoff;
  if (!cfg) return;
  const tick = (): void => {
    replayHints(st, cfg);
    st.o.sched.at(st.o.sched.now + cfg.replayIntervalUs, tick, undefined);
  };
  st.o.sched.at(st.o.sched.now + cfg.replayIntervalUs, tick, undefined);
}

/** Every hint whose replica is reachable again is replayed; expired ones are dropped. */
function replayHints(st: LeaderlessState, cfg: HintedHandoff): void {
  const now = st.o.sched.now;
  for (let holder = 0; holder < st.regions; holder++) {
    const list = st.hints[holder] as Hint[];
    if (list.length === 0 || st.isDown(holder) || st.isPaused(holder)) continue;
    let k = 0;
    for (const hint of list) {
      if (hint.done) continue;
      if (now - hint.createdUs > cfg.maxHintWindowUs) {
        st.hintsExpired++;
        continue;
      }
      list[k++] = hint;
      if (now - hint.sentUs < st.o.clientTimeoutUs || !st.reachable(holder, hint.target)) continue;
      hint.sentUs = now;
      const h = st.hlcs[holder] as Hlc;
      st.o.legs.send('write', holder, st.replicaRegion[hint.target] as number, st.toReplica, {
        replica: hint.target, from: holder, id: hint.id, l: h.l, c: h.c, write: undefined, hint, read: undefined, original: true, standIn: -1, mergeFrom: -1, mergeLength: 0, row: 0, legFrom: 0, legTo: 0, legEpoch: 0,
      } satisfies ToReplica, st.o.rowBytes(st.facts.row[hint.id] as number) + MESSAGE_OVERHEAD_BYTES);
    }
    list.length = k;
  }
}

/** Hints not yet delivered (for RPO: a write they hold is not lost). */
export function pendingHintIds(st: LeaderlessState): Set<number> {
  const ids = new Set<number>();
  for (const list of st.hints) for (const h of list) if (!h.done) ids.add(h.id);
  return ids;
}
