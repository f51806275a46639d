// Leadership transfer, the leader's side: returning leadership to the
// preferred region. The target's side (TimeoutNow: campaign at once) is in
// raft-election.ts; the lease the leader yields is raft-lease.ts's.
import { sendAppend } from './raft-replicate.ts';
import type { Progress, RaftCore } from './raft-state.ts';

/**
 * Returns leadership to the preferred region when a voter there is up and
 * heard from: the leader stops taking writes and serving under its lease,
 * brings the target up to date, then tells it to campaign at once
 * (TimeoutNow), handing over the moment its lease ended. An unfinished
 * transfer is abandoned after an election timeout. Called at every heartbeat.
 */
export function maybeTransfer(n: RaftCore): void {
  const cfg = n.host.cfg;
  if (n.transferTarget >= 0) {
    if (n.now >= n.transferDeadlineUs) {
      n.transferTarget = -1;
      n.yieldedAtLocal = Infinity;
      n.host.servable(n);
    }
    return;
  }
  if (n.now - n.becameLeaderUs < cfg.electionTimeoutUs) return;
  const t = n.host.preferredTarget(n);
  if (t < 0) return;
  const pr = n.progress[t] as Progress;
  if (n.now - pr.lastAnswerUs > cfg.heartbeatIntervalUs * 2) return;
  n.transferTarget = t;
  n.transferSent = false;
  n.transferDeadlineUs = n.now + cfg.electionTimeoutUs;
  n.yieldedAtLocal = n.local();
  continueTransfer(n);
}

/** Brings the target up to date, then sends it TimeoutNow (once). Called again as the target's appends are answered. */
export function continueTransfer(n: RaftCore): void {
  const t = n.transferTarget;
  if (t < 0 || n.transferSent) return;
  const pr = n.progress[t] as Progress;
  if (pr.match < n.log.lastIndex) return sendAppend(n, t);
  n.transferSent = true;
  n.host.sendDatagram(n, t, { t: 'timeoutNow', term: n.term, from: n.id, leaseEnd: n.yieldedAtLocal });
}
