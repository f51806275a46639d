// Leader leases and closed timestamps of one Raft replica.
//
// Lease: every append and heartbeat a leader sends carries its clock reading
// as the start of a lease extension; once a quorum of voters has
// acknowledged a start, the lease runs to that start plus the lease
// duration, on the leader's clock. Every replica remembers the highest
// expiry it has heard of (and promises it in votes), so a new leader waits
// out the previous lease plus the clock offset bound before it takes writes.
// A leader that hands over (raft-transfer.ts) stops serving under its lease
// at once.
//
// Closed timestamp: every entry with a timestamp at or below it is committed
// at or below the commit index, so a follower that has applied that index
// may serve reads as of that timestamp.
import type { Progress, RaftCore } from './raft-state.ts';
import { quorumOf } from './raft-state.ts';

/** Leader that may take writes: the previous leader's lease has surely expired, and no transfer is under way. */
export function canWrite(n: RaftCore): boolean {
  return n.role === 'leader' && n.status === 'up' && n.transferTarget < 0 && n.local() >= n.leaseWaitUntilLocal;
}

/** The leader has committed an entry of its own term (read-index may use its commit index). */
export function committedInTerm(n: RaftCore): boolean {
  return n.role === 'leader' && n.commitIndex >= n.termStartIndex;
}

/** Leaseholder read allowed now: leader, lease valid on its own clock, previous lease expired. */
export function holdsLease(n: RaftCore): boolean {
  if (!canWrite(n) || !committedInTerm(n)) return false;
  const c = n.local();
  return c < n.leaseExpiryLocal && c < n.yieldedAtLocal;
}

/** A new leader's wait: until the latest lease it knows of (or the one handed over) has surely expired. */
export function startLeaseWait(n: RaftCore): void {
  const cfg = n.host.cfg;
  const waitBase = n.transferLeaseEnd ?? Math.max(n.voteLeaseExpiry, n.knownLeaseExpiry);
  n.leaseWaitUntilLocal = cfg.leaseDurationUs > 0 && waitBase > -Infinity ? waitBase + cfg.maxClockOffsetUs : -Infinity;
  n.transferLeaseEnd = undefined;
  n.leaseStartSent = -Infinity;
  n.leaseExpiryLocal = -Infinity;
}

/** Tells the host when the new leader's lease wait is over (if it is not already). */
export function armLeaseWait(n: RaftCore): void {
  if (n.leaseWaitUntilLocal > n.local()) {
    const gen = n.hbGen;
    n.host.sched.after(n.leaseWaitUntilLocal - n.local() + 1, () => n.whenUp(() => { if (gen === n.hbGen) n.host.servable(n); }), undefined);
  }
}

/** The leader's clock now, recorded as the start of a lease extension it asks for. */
export function renewLeaseStart(n: RaftCore): number {
  const c = n.local();
  if (n.host.cfg.leaseDurationUs > 0 && c < n.yieldedAtLocal) {
    n.leaseStartSent = c;
    const e = c + n.host.cfg.leaseDurationUs;
    if (e > n.knownLeaseExpiry) n.knownLeaseExpiry = e;
  }
  return c;
}

/** A follower heard a leader's lease start: it promises to respect that lease. */
export function promiseLease(n: RaftCore, leaseStart: number): void {
  const cfg = n.host.cfg;
  if (cfg.leaseDurationUs > 0 && leaseStart + cfg.leaseDurationUs > n.knownLeaseExpiry) n.knownLeaseExpiry = leaseStart + cfg.leaseDurationUs;
}

/** The lease a quorum of voters has acknowledged; tells the host when the leader may serve under it again. */
export function recomputeLease(n: RaftCore): void {
  const cfg = n.host.cfg;
  if (cfg.leaseDurationUs <= 0 || n.role !== 'leader') return;
  const voters = n.host.voters;
  const sc = n.quorumScratch;
  for (let k = 0; k < voters.length; k++) {
    const v = voters[k] as number;
    sc[k] = v === n.id ? n.leaseStartSent : (n.progress[v] as Progress).leaseAck;
  }
  const start = quorumOf(n);
  const was = holdsLease(n);
  if (start + cfg.leaseDurationUs > n.leaseExpiryLocal) n.leaseExpiryLocal = start + cfg.leaseDurationUs;
  if (!was && holdsLease(n)) n.host.servable(n);
}

/** Follower reads: a timestamp at or below which this replica has applied every write (a leader, which applies as it commits, knows its own). */
export function closedTsNow(n: RaftCore): number {
  return n.role === 'leader' && n.status === 'up' ? closedTimestamp(n) : n.closedTs;
}

/** Every entry with a timestamp at or below this is committed at or below the commit index. */
export function closedTimestamp(n: RaftCore): number {
  const next = n.commitIndex + 1;
  return next <= n.log.lastIndex ? n.host.entries.tsUs(n.log.idAt(next)) - 1 : n.local();
}

/** A follower adopts the leader's closed timestamp once it has applied the index that closes it. */
export function adoptClosed(n: RaftCore, closedIdx: number, closedTs: number): void {
  if (n.appliedIndex >= closedIdx && closedTs > n.closedTs) n.closedTs = closedTs;
}
