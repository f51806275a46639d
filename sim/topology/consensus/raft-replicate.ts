// The leader's side of replication in one Raft replica: proposals, appends
// with per-follower progress (probe / replicate), the answers to them,
// majority commit with durability and in-order apply, heartbeats,
// check-quorum and read-index rounds.
//
// The leader counts itself towards a quorum once its own copy is durable
// (raft-disk.ts); an event wakes it only when its own disk is what holds the
// commit back (a slow disk, or a lone voter).
import { NO_ROW } from './log.ts';
import { committedInTerm, closedTimestamp, recomputeLease, renewLeaseStart } from './raft-lease.ts';
import { quorumOf, type Msg, type Progress, type RaftCore } from './raft-state.ts';

// --- proposals and the leader's own disk -------------------------------------------

/** Appends an entry to this node's log and schedules its durable write. Returns the index. */
export function appendLocal(n: RaftCore, id: number): number {
  const index = n.log.append(id);
  n.disk.writeOwn(index, id);
  wakeForDisk(n);
  return index;
}

/** Arms a wake-up at the next own write's completion if the leader's own durability could advance the commit index. */
function wakeForDisk(n: RaftCore): void {
  const disk = n.disk;
  if (disk.wakeArmed || n.role !== 'leader') return;
  const at = disk.nextOwnDoneUs();
  if (at === undefined) return;
  const voters = n.host.voters;
  const sc = n.quorumScratch;
  for (let k = 0; k < voters.length; k++) {
    const v = voters[k] as number;
    sc[k] = v === n.id ? n.log.lastIndex : (n.progress[v] as Progress).match;
  }
  if (quorumOf(n) <= n.commitIndex) return;
  disk.wakeArmed = true;
  n.host.sched.at(at, n.diskWakeBound, undefined);
}

/** The wake-up wakeForDisk armed (the node binds it once as diskWakeBound). */
export function diskWake(n: RaftCore): void {
  n.disk.wakeArmed = false;
  if (n.status === 'up') {
    if (n.role === 'leader') maybeCommit(n);
  } else n.whenUp(() => { if (n.role === 'leader') maybeCommit(n); });
}

/** See RaftNode.propose. */
export function propose(n: RaftCore, row: number, bytes: number): { index: number; id: number } {
  const id = n.host.entries.add(n.term, row, bytes, n.local(), n.now, n.region);
  const index = appendLocal(n, id);
  for (let i = 0; i < n.host.nodeCount; i++) if (i !== n.id && !(n.progress[i] as Progress).probe) sendAppend(n, i);
  return { index, id };
}

// --- replication ---------------------------------------------------------------------

export function sendAppend(n: RaftCore, to: number): void {
  const pr = n.progress[to];
  if (!pr || n.role !== 'leader') return;
  if (pr.probe) {
    if (n.now - pr.probeSentUs < n.host.cfg.heartbeatIntervalUs) return;
    pr.probeSentUs = n.now;
  }
  const prev = pr.next - 1;
  const ids = n.log.slice(pr.next, n.log.lastIndex);
  let bytes = 0;
  for (const id of ids) bytes += n.host.entries.bytes(id);
  const leaseStart = renewLeaseStart(n);
  const closed = closedTimestamp(n);
  n.host.sendStream(n, to, {
    t: 'app', term: n.term, from: n.id, prevIndex: prev, prevTerm: n.log.termAt(prev), ids,
    commit: n.commitIndex, leaseStart, closedIdx: n.commitIndex, closedTs: closed,
  }, bytes);
  if (!pr.probe) pr.next = n.log.lastIndex + 1;
}

/** A follower answered an append or heartbeat sent under lease start `leaseStart`: its progress, with the lease it acknowledged. */
function answered(n: RaftCore, from: number, leaseStart: number): Progress {
  const pr = n.progress[from] as Progress;
  pr.lastHeardUs = n.now;
  pr.lastAnswerUs = n.now;
  if (leaseStart > pr.leaseAck) {
    pr.leaseAck = leaseStart;
    recomputeLease(n);
  }
  return pr;
}

export function onAppendResp(n: RaftCore, m: Extract<Msg, { t: 'appResp' }>): void {
  if (n.role !== 'leader') return;
  const pr = answered(n, m.from, m.leaseStart);
  if (m.ok) {
    if (m.match > pr.match) {
      pr.match = m.match;
      pr.lastMatchUs = n.now;
    }
    if (pr.next <= pr.match) pr.next = pr.match + 1;
    pr.probe = false;
    maybeCommit(n);
    if (n.role !== 'leader') return;
    if (m.from === n.transferTarget) n.continueTransfer();
    if (pr.next <= n.log.lastIndex) sendAppend(n, m.from);
  } else if (!pr.probe || m.rejectIndex === pr.next - 1) {
    pr.probe = true;
    pr.next = Math.max(pr.match + 1, Math.min(pr.next - 1, m.hint + 1));
    pr.probeSentUs = -Infinity;
    sendAppend(n, m.from);
  }
}

export function onHeartbeatResp(n: RaftCore, m: Extract<Msg, { t: 'hbResp' }>): void {
  if (n.role !== 'leader') return;
  const pr = answered(n, m.from, m.leaseStart);
  if (m.ctx !== 0) {
    const r = n.rounds.get(m.ctx);
    if (r) {
      r.acks.add(m.from);
      if (r.acks.size >= n.host.quorum) {
        n.rounds.delete(m.ctx);
        r.cb(r.index);
      }
    }
  }
  // A follower that stopped making progress (messages lost to a cut) is probed again.
  if (pr.match < n.log.lastIndex && n.now - pr.lastMatchUs > n.host.cfg.heartbeatIntervalUs) {
    if (!pr.probe) {
      pr.probe = true;
      pr.next = Math.max(pr.match + 1, Math.min(pr.next, m.lastIndex + 1));
      pr.probeSentUs = -Infinity;
    }
    sendAppend(n, m.from);
  }
}

// --- commit and apply ------------------------------------------------------------------

function maybeCommit(n: RaftCore): void {
  const voters = n.host.voters;
  const sc = n.quorumScratch;
  for (let k = 0; k < voters.length; k++) {
    const v = voters[k] as number;
    sc[k] = v === n.id ? n.disk.durableIndex : (n.progress[v] as Progress).match;
  }
  const q = quorumOf(n);
  if (q > n.commitIndex && n.log.termAt(q) === n.term) {
    const from = n.commitIndex + 1;
    advanceCommit(n, q);
    n.host.leaderCommitted(n, from, q);
    // The term's no-op is committed: its state machine holds every committed entry; reads may start.
    if (from <= n.termStartIndex && q >= n.termStartIndex) n.host.servable(n);
    // etcd's raft broadcasts an append after every commit (an empty one carries the new commit index).
    if (n.host.cfg.commitNotify && n.role === 'leader') {
      for (let i = 0; i < n.host.nodeCount; i++) if (i !== n.id && !(n.progress[i] as Progress).probe) sendAppend(n, i);
    }
  }
  wakeForDisk(n);
}

/** Raises the commit index to `c` and applies the entries up to it, in order (leader and followers alike). */
export function advanceCommit(n: RaftCore, c: number): void {
  if (c <= n.commitIndex) return;
  n.commitIndex = c;
  const e = n.host.entries;
  while (n.appliedIndex < n.commitIndex) {
    const i = ++n.appliedIndex;
    n.log.appliedIndex = i;
    const id = n.log.idAt(i);
    if (id === 0) n.host.violation(`invariant: replica ${n.id} applies index ${i}, which it does not hold`);
    const row = e.row(id);
    if (row !== NO_ROW) n.rowVersion[row] = id;
    n.host.applied(n, i, id);
  }
}

// --- heartbeats, check-quorum, read-index ------------------------------------------------

export function heartbeat(n: RaftCore, gen: number): void {
  if (gen !== n.hbGen || n.role !== 'leader') return;
  const cfg = n.host.cfg;
  n.lastHeardLeaderUs = n.now;
  sendHeartbeats(n, 0);
  checkQuorum(n);
  if (n.role !== 'leader') return;
  n.maybeTransfer();
  n.host.sched.after(cfg.heartbeatIntervalUs, () => n.whenUp(() => heartbeat(n, gen)), undefined);
}

function sendHeartbeats(n: RaftCore, ctx: number): void {
  const leaseStart = renewLeaseStart(n);
  const closed = closedTimestamp(n);
  for (let i = 0; i < n.host.nodeCount; i++) {
    if (i === n.id) continue;
    if (ctx !== 0 && !n.host.voters.includes(i)) continue;
    const pr = n.progress[i] as Progress;
    n.host.sendDatagram(n, i, {
      t: 'hb', term: n.term, from: n.id, commit: Math.min(pr.match, n.commitIndex), leaseStart,
      closedIdx: n.commitIndex, closedTs: closed, ctx,
    });
  }
}

/** Check-quorum: a leader that has not heard from a quorum of voters for an election timeout steps down. */
function checkQuorum(n: RaftCore): void {
  const cfg = n.host.cfg;
  if (!cfg.checkQuorum || n.role !== 'leader') return;
  const voters = n.host.voters;
  const sc = n.quorumScratch;
  for (let k = 0; k < voters.length; k++) {
    const v = voters[k] as number;
    sc[k] = v === n.id ? n.now : (n.progress[v] as Progress).lastHeardUs;
  }
  const deadline = quorumOf(n) + cfg.electionTimeoutUs;
  if (deadline <= n.now) {
    n.becomeFollower(n.term, -1);
    return;
  }
  if (deadline < n.checkAtUs) {
    n.checkAtUs = deadline;
    const gen = n.hbGen;
    n.host.sched.at(deadline, () => n.whenUp(() => {
      if (gen !== n.hbGen) return;
      n.checkAtUs = Infinity;
      checkQuorum(n);
    }), undefined);
  }
}

/** See RaftNode.readIndex. */
export function readIndex(n: RaftCore, cb: (index: number) => void): void {
  if (!committedInTerm(n)) return cb(-1);
  const index = n.commitIndex;
  if (n.host.quorum <= 1) return cb(index);
  const ctx = ++n.readCtx;
  n.rounds.set(ctx, { index, acks: new Set([n.id]), cb });
  sendHeartbeats(n, ctx);
}
