// A follower's side of replication in one Raft replica: appends and
// heartbeats from the leader it believes in. Appended entries are written to
// the disk in order (raft-disk.ts) and acknowledged once durable, by one
// event per append; a conflicting suffix is truncated first (never a
// committed index: that is an invariant violation). Commit index and closed
// timestamp follow the leader's.
import { adoptClosed, promiseLease } from './raft-lease.ts';
import { advanceCommit } from './raft-replicate.ts';
import { resetElectionTimer } from './raft-election.ts';
import type { AppMsg, Msg, PendingAck, RaftCore } from './raft-state.ts';

function heardLeader(n: RaftCore, from: number, leaseStart: number): void {
  if (n.role !== 'follower' || n.leader !== from) n.becomeFollower(n.term, from);
  n.lastHeardLeaderUs = n.now;
  resetElectionTimer(n);
  promiseLease(n, leaseStart);
}

export function onAppend(n: RaftCore, m: AppMsg): void {
  if (n.role === 'leader') {
    n.host.violation(`invariant: two leaders in term ${m.term} (replicas ${n.id} and ${m.from})`);
    return;
  }
  heardLeader(n, m.from, m.leaseStart);
  const log = n.log;
  if (m.prevIndex > log.lastIndex || log.termAt(m.prevIndex) !== m.prevTerm) {
    const hint = m.prevIndex > log.lastIndex ? log.lastIndex : Math.min(n.commitIndex, m.prevIndex - 1);
    n.host.sendDatagram(n, m.from, { t: 'appResp', term: n.term, from: n.id, ok: false, match: 0, rejectIndex: m.prevIndex, hint, leaseStart: m.leaseStart });
    return;
  }
  const disk = n.disk;
  let idx = m.prevIndex;
  let fresh = 0;
  let doneUs = Math.max(n.now, disk.busyUntilUs);
  for (const id of m.ids) {
    idx++;
    if (idx <= log.lastIndex) {
      if (log.idAt(idx) === id) continue;
      if (idx <= n.commitIndex) n.host.violation(`invariant: replica ${n.id} asked to overwrite committed index ${idx}`);
      n.host.truncating(n, idx);
      log.truncateAfter(idx - 1);
      if (disk.durableIndex > idx - 1) disk.durableIndex = idx - 1;
    }
    log.append(id);
    doneUs += disk.sample();
    fresh++;
  }
  if (fresh > 0) disk.busyUntilUs = doneUs;
  const last = m.prevIndex + m.ids.length;
  const a: PendingAck = { to: m.from, term: n.term, last, lastId: log.idAt(last), incarnation: disk.incarnation, leaseStart: m.leaseStart };
  if (doneUs <= n.now) ackAppend(n, a);
  else n.host.sched.at(doneUs, n.ackBound, a);
  advanceCommit(n, Math.min(m.commit, last));
  adoptClosed(n, m.closedIdx, m.closedTs);
}

/** The appended entries are durable: acknowledges them (unless a crash, a truncation or a new term came first). */
export function ackAppend(n: RaftCore, a: PendingAck): void {
  if (a.incarnation !== n.disk.incarnation || n.log.idAt(a.last) !== a.lastId) return;
  if (a.last > n.disk.durableIndex) n.disk.durableIndex = a.last;
  if (n.term !== a.term) return;
  n.host.sendDatagram(n, a.to, { t: 'appResp', term: a.term, from: n.id, ok: true, match: a.last, rejectIndex: 0, hint: 0, leaseStart: a.leaseStart });
}

export function onHeartbeat(n: RaftCore, m: Extract<Msg, { t: 'hb' }>): void {
  if (n.role === 'leader') {
    n.host.violation(`invariant: two leaders in term ${m.term} (replicas ${n.id} and ${m.from})`);
    return;
  }
  heardLeader(n, m.from, m.leaseStart);
  advanceCommit(n, Math.min(m.commit, n.log.lastIndex));
  adoptClosed(n, m.closedIdx, m.closedTs);
  n.host.sendDatagram(n, m.from, { t: 'hbResp', term: n.term, from: n.id, leaseStart: m.leaseStart, ctx: m.ctx, lastIndex: n.log.lastIndex });
}
