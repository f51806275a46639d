// What the etcd lab can build out of a `topology.kind: consensus` scenario,
// and a located message for everything else (support.ts turns them into
// lines; the CLI exits 2 before anything starts): one etcd member per region
// (voters only: learners are not built), linearizable reads by ReadIndex or
// serializable local reads, no leases, check-quorum on (etcd 3.4 always
// checks), one group (no per-table placement), the faults that have a real
// counterpart on a proxy per member.
import type { Scenario } from '../scenario/schema.ts';
import type { Problem } from '../scenario/problems.ts';

/** Most etcd members the lab starts (ports, and two cores). */
export const MAX_ETCD_MEMBERS = 7;
/** Most learners an etcd 3.4 cluster takes (its server's maxLearners). */
export const MAX_ETCD_LEARNERS = 1;

export function etcdLabProblems(sc: Scenario, no: (path: Problem['path'], message: string) => void): void {
  const c = sc.topology.consensus;
  const reads = typeof c.reads === 'string' ? { '': c.reads } : c.reads;
  const perRegion = typeof c.reads !== 'string';
  for (const [id, r] of Object.entries(reads)) {
    if (r === 'leaseholder' || r === 'follower') {
      no(['topology', 'consensus', 'reads', ...(perRegion ? [id] : [])], `"${r}" reads have no etcd counterpart: etcd serves linearizable reads by ReadIndex (read-index) and serializable reads locally (local-unsafe)`);
    }
  }
  if (perRegion && sc.regions.some((r) => !(r.id in reads))) no(['topology', 'consensus', 'reads'], 'regions not named read leaseholder, which etcd does not build: name every region (read-index or local-unsafe)');
  if (c.leaseDuration > 0) no(['topology', 'consensus', 'leaseDuration'], 'etcd has no leader leases for reads (set leaseDuration: 0s)');
  if (!c.checkQuorum) no(['topology', 'consensus', 'checkQuorum'], 'etcd 3.4 always runs check-quorum');
  if (c.answerFrom !== 'local') no(['topology', 'consensus', 'answerFrom'], 'an etcd member answers its own clients once it applied their write (set answerFrom: local)');
  if (c.leaderPlacement !== 'initial') no(['topology', 'consensus', 'leaderPlacement'], 'etcd has no leader preference: the leader stays wherever an election put it (set leaderPlacement: initial; the lab places the first leader)');
  if (Object.keys(c.tables).length > 0) no(['topology', 'consensus', 'tables'], 'per-table placement needs one Raft group per table; etcd is one group');
  let learnerCount = 0;
  for (const r of sc.regions) {
    const v = c.voters ? (c.voters[r.id] ?? 0) : 1;
    const nv = c.nonVoters[r.id] ?? 0;
    if (v + nv !== 1) {
      no(['topology', 'consensus', nv > 0 ? 'nonVoters' : 'voters', ...(nv > 0 ? [r.id] : c.voters ? [r.id] : [])], `${r.id} has ${v} voter${v === 1 ? '' : 's'} and ${nv} non-voter${nv === 1 ? '' : 's'}; the lab builds exactly one etcd member per region (a voter, or a learner for one non-voter and no voter)`);
    } else if (nv === 1 && ++learnerCount > MAX_ETCD_LEARNERS) {
      no(['topology', 'consensus', 'nonVoters', r.id], `etcd 3.4 takes at most ${MAX_ETCD_LEARNERS} learner (non-voter) per cluster`);
    }
  }
  if (sc.regions.length > MAX_ETCD_MEMBERS) no(['regions'], `${sc.regions.length} members; the lab starts at most ${MAX_ETCD_MEMBERS} etcd members`);
  if (c.heartbeatInterval % 1000 !== 0 || c.electionTimeout % 1000 !== 0) no(['topology', 'consensus', 'heartbeatInterval'], 'etcd takes whole milliseconds for --heartbeat-interval and --election-timeout');
  if (c.electionTimeout < 5 * c.heartbeatInterval) no(['topology', 'consensus', 'electionTimeout'], 'etcd refuses an election timeout below 5 × the heartbeat interval');
}
