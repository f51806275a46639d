// Periodic anti-entropy in a leaderless store: every `antiEntropyInterval`
// each ordered pair of up, connected replicas exchanges what the receiver
// lacks — the exchange arrives after one link delay, and the receiver
// (when its region runs) merges the sender's rows as they are then.
// Traffic (replication): each exchange sends a 64-byte digest when it
// leaves (Merkle-tree comparison is summarised as one message), and each row
// the receiver takes in the merge counts its row's bytes plus 64 on the
// sender → receiver link, when the merge happens.
import type { ReplicaStore } from './store.ts';
import type { LeaderlessState } from './state.ts';
import { MESSAGE_OVERHEAD_BYTES, REPLICATION } from '../../world/traffic.ts';

/** Starts the periodic anti-entropy (when its interval is not 0). */
export function startAntiEntropy(st: LeaderlessState): void {
  const interval = st.o.config.antiEntropyIntervalUs;
  if (interval <= 0) return;
  const mergeBound = (p: { from: number; to: number }) => st.inRegion(st.replicaRegion[p.to] as number, () => merge(st, p.from, p.to));
  const tick = (): void => {
    antiEntropy(st, mergeBound);
    st.o.sched.at(st.o.sched.now + interval, tick, undefined);
  };
  st.o.sched.at(st.o.sched.now + interval, tick, undefined);
}

/** Every ordered pair of up, connected replicas: the receiver merges what the sender has (arriving after one link delay). */
function antiEntropy(st: LeaderlessState, mergeBound: (p: { from: number; to: number }) => void): void {
  const { sched, net } = st.o;
  for (let i = 0; i < st.n; i++) {
    const ri = st.replicaRegion[i] as number;
    if (st.isDown(ri)) continue;
    for (let j = 0; j < st.n; j++) {
      const rj = st.replicaRegion[j] as number;
      if (i === j || st.isDown(rj) || !net.isUp(ri, rj)) continue;
      net.count(ri, rj, REPLICATION, MESSAGE_OVERHEAD_BYTES);
      sched.at(sched.now + Math.round(net.sampleDelayUs(ri, rj)), mergeBound, { from: i, to: j });
    }
  }
}

/** Replica `to` merges what replica `from` holds now: every plain row's version (LWW) and every set row's adds. */
function merge(st: LeaderlessState, from: number, to: number): void {
  const a = st.stores[from] as ReplicaStore;
  const b = st.stores[to] as ReplicaStore;
  let bytes = 0;
  for (let row = 0; row < st.o.rowCount; row++) {
    const id = a.id[row] as number;
    if (id > 0 && !st.o.isSet(row) && b.apply(row, a.hi[row] as number, a.lo[row] as number, id, false) >= 0) bytes += st.o.rowBytes(row) + MESSAGE_OVERHEAD_BYTES;
  }
  for (const row of a.setRows()) bytes += b.mergeSet(a, from, row, st.facts) * (st.o.rowBytes(row) + MESSAGE_OVERHEAD_BYTES);
  if (bytes > 0) st.o.net.count(st.replicaRegion[from] as number, st.replicaRegion[to] as number, REPLICATION, bytes);
}
