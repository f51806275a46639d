// Elections of one Raft replica: the randomised election timer, pre-vote and
// RequestVote campaigns, the tally, a voter's answer (the up-to-date rule,
// and check-quorum's refusal while it hears a leader), and TimeoutNow, which
// makes the target of a leadership transfer campaign at once. Becoming
// leader or follower is raft.ts's (the node calls its own role changes).
import type { Msg, RaftCore } from './raft-state.ts';

/** Draws this term's election timeout, uniformly in [1×, 2×) of the base. */
export function drawTimeout(n: RaftCore): void {
  const et = n.host.cfg.electionTimeoutUs;
  n.timeoutUs = Math.round(et + et * n.electionRng.next());
}

export function resetElectionTimer(n: RaftCore): void {
  if (!n.voter) return;
  n.electionDeadlineUs = n.now + n.timeoutUs;
  armTimer(n);
}

/** One timer event at a time: an armed event due no later than the deadline re-arms itself when it fires early. */
function armTimer(n: RaftCore): void {
  if (n.timerAtUs <= n.electionDeadlineUs && n.timerAtUs >= n.now) return;
  n.timerAtUs = n.electionDeadlineUs;
  const gen = ++n.timerGen;
  n.host.sched.at(n.electionDeadlineUs, () => n.whenUp(() => electionTimer(n, gen)), undefined);
}

function electionTimer(n: RaftCore, gen: number): void {
  if (gen !== n.timerGen) return;
  n.timerAtUs = Infinity;
  if (n.role === 'leader' || !n.voter) return;
  if (n.now < n.electionDeadlineUs) return armTimer(n);
  campaign(n, n.host.cfg.preVote ? 'pre' : 'real', false);
}

function campaign(n: RaftCore, kind: 'pre' | 'real', transfer: boolean): void {
  if (!n.voter || n.status !== 'up') return;
  n.campaignStartUs = kind === 'pre' || transfer || n.role !== 'precandidate' ? n.now : n.campaignStartUs;
  n.granted = new Set([n.id]);
  n.rejected = 0;
  n.voteLeaseExpiry = n.knownLeaseExpiry;
  n.leader = -1;
  if (kind === 'pre') {
    n.role = 'precandidate';
  } else {
    n.role = 'candidate';
    n.term++;
    n.votedFor = n.id;
  }
  drawTimeout(n);
  resetElectionTimer(n);
  n.host.roleChanged(n);
  n.host.electionStarted(n, kind === 'pre');
  const term = kind === 'pre' ? n.term + 1 : n.term;
  for (const v of n.host.voters) {
    if (v === n.id) continue;
    n.host.sendDatagram(n, v, { t: 'vote', term, from: n.id, lastIndex: n.log.lastIndex, lastTerm: n.log.lastTerm, pre: kind === 'pre', transfer });
  }
  tallyVotes(n, kind === 'pre');
}

function tallyVotes(n: RaftCore, pre: boolean): void {
  const q = n.host.quorum;
  if (n.granted.size >= q) {
    if (pre) campaign(n, 'real', false);
    else n.becomeLeader(n.campaignStartUs, n.transferLeaseEnd !== undefined);
  } else if (n.rejected >= n.host.voters.length - q + 1) {
    n.becomeFollower(n.term, -1);
  }
}

/** Check-quorum: a voter that heard its leader within an election timeout refuses to vote (unless a transfer asks). */
export function inLease(n: RaftCore, transfer: boolean): boolean {
  return n.host.cfg.checkQuorum && !transfer && n.leader !== -1 && n.now - n.lastHeardLeaderUs < n.host.cfg.electionTimeoutUs;
}

export function onVote(n: RaftCore, m: Extract<Msg, { t: 'vote' }>): void {
  // Terms are equal here (a real vote with a higher term made this node a follower of that term).
  // etcd's rule: a node votes for the candidate it already chose, or for anyone when it has neither voted nor knows a leader this term; a pre-vote for a later term is always open.
  const canVote = n.votedFor === m.from || (n.votedFor === -1 && n.leader === -1) || (m.pre && m.term > n.term);
  const grant = n.voter && canVote && n.log.isUpToDate(m.lastIndex, m.lastTerm);
  if (grant && !m.pre) {
    n.votedFor = m.from;
    resetElectionTimer(n);
  }
  n.host.sendDatagram(n, m.from, { t: 'voteResp', term: grant && m.pre ? m.term : n.term, from: n.id, granted: grant, pre: m.pre, leaseExpiry: n.knownLeaseExpiry });
}

export function onVoteResp(n: RaftCore, m: Extract<Msg, { t: 'voteResp' }>): void {
  const pre = n.role === 'precandidate';
  if (!(pre || n.role === 'candidate') || m.pre !== pre) return;
  if (pre && m.granted && m.term !== n.term + 1) return;
  if (m.granted) {
    n.granted.add(m.from);
    if (m.leaseExpiry > n.voteLeaseExpiry) n.voteLeaseExpiry = m.leaseExpiry;
  } else n.rejected++;
  tallyVotes(n, pre);
}

/** The leader hands over: this follower campaigns at once, knowing when the old lease ended. */
export function onTimeoutNow(n: RaftCore, m: Extract<Msg, { t: 'timeoutNow' }>): void {
  if (n.role !== 'follower' || n.leader !== m.from) return;
  n.transferLeaseEnd = m.leaseEnd;
  campaign(n, 'real', true);
}
