// The etcd lab's configuration, pure (the unit tests check it without etcd):
// where etcd is, each member's command line from the scenario (heartbeat
// interval, election timeout, pre-vote; voters and the learner), and the
// delays the proxies add. A member dials its peers at their advertised peer
// URL, the same for every peer, and Raft's message streams are dialed by the
// receiving member; so one delay proxy in front of each member's peer port,
// adding b_i each way, makes every message from i take b_i and
// RTT(i, j) = b_i + b_j. `oneWayDelays` solves b from the scenario's RTTs
// (exactly for three members, least squares beyond) and `realisedRtt` says
// which matrix that builds; the simulator runs on that one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Scenario } from '../scenario/schema.ts';

/** Where etcd was found (or why not). */
export interface EtcdInstall {
  bin: string;
  version: string;
  /** Run the members as this user (root runs them as nobody). */
  uid?: number | undefined;
  gid?: number | undefined;
}

/** The etcd binary among `candidates` (default: /usr/bin, /usr/local/bin), or the message naming the Debian package. */
export function findEtcd(candidates: readonly string[] = ['/usr/bin/etcd', '/usr/local/bin/etcd']): EtcdInstall | string {
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    const m = /etcd Version: (\S+)/.exec(r.stdout ?? '');
    if (!m) continue;
    const root = process.getuid?.() === 0;
    return { bin, version: m[1] as string, ...(root ? { uid: 65534, gid: 65534 } : {}) };
  }
  return 'etcd not found: install the Debian package etcd-server (apt-get install -y etcd-server etcd-client)';
}

export interface MemberPorts {
  client: number;
  /** The member's own peer listener. */
  peer: number;
  /** Its proxy: the advertised peer URL every other member dials. */
  proxy: number;
}

/**
 * Which region's member is a learner (index = region): a region with no voter and one non-voter
 * (topology.consensus.nonVoters). The lab builds one member per region (etcd-support.ts refuses
 * other placements); etcd 3.4 allows at most one learner.
 */
export function learners(sc: Scenario): boolean[] {
  const c = sc.topology.consensus;
  return sc.regions.map((r) => (c.voters ? (c.voters[r.id] ?? 0) : 1) === 0 && (c.nonVoters[r.id] ?? 0) === 1);
}

/**
 * The command line of member `i` (pure: the flag mapping the tests check). A voter starts with the
 * voters as its initial cluster; a learner joins the running cluster (added by the leader first,
 * etcd.ts), so its initial cluster is the voters and itself and its state `existing`. The scenario's
 * heartbeat interval and election timeout become etcd's (whole ms), its preVote `--pre-vote`
 * (off by default in etcd 3.4, as in the schema).
 */
export function etcdFlags(sc: Scenario, i: number, ports: readonly MemberPorts[], dataDir: string, state: 'new' | 'existing' = 'new'): string[] {
  const c = sc.topology.consensus;
  const p = ports[i] as MemberPorts;
  const learner = learners(sc);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const cluster = ports.map((q, k) => ({ q, k })).filter(({ k }) => !learner[k] || k === i);
  const args = [
    '--name', memberName(i), '--data-dir', dataDir,
    '--listen-client-urls', url(p.client), '--advertise-client-urls', url(p.client),
    '--listen-peer-urls', url(p.peer), '--initial-advertise-peer-urls', url(p.proxy),
    '--initial-cluster', cluster.map(({ q, k }) => `${memberName(k)}=${url(q.proxy)}`).join(','),
    '--initial-cluster-token', 'repsim-lab', '--initial-cluster-state', learner[i] ? 'existing' : state,
    '--heartbeat-interval', String(Math.round(c.heartbeatInterval / 1000)),
    '--election-timeout', String(Math.round(c.electionTimeout / 1000)),
    '--logger', 'zap', '--log-level', 'warn',
  ];
  if (c.preVote) args.push('--pre-vote');
  return args;
}

export function memberName(i: number): string {
  return `m${i}`;
}

/** The scenario's RTT between regions a and b, µs (symmetric). */
export function scenarioRttUs(sc: Scenario, a: number, b: number): number {
  const ids = sc.regions.map((r) => r.id);
  const x = ids[a] as string;
  const y = ids[b] as string;
  return sc.network.rtt[x]?.[y] ?? sc.network.rtt[y]?.[x] ?? 0;
}

/**
 * One-way delay b_i per member, µs, so that b_i + b_j is nearest the RTTs:
 * least squares over the pairs (exact when a solution exists, as for any
 * triangle), clamped at 0. Solved by the normal equations
 * (n − 2) b_i + Σ_j b_j = Σ_{j≠i} RTT_ij.
 */
export function oneWayDelays(rttUs: readonly (readonly number[])[]): number[] {
  const n = rttUs.length;
  if (n === 1) return [0];
  if (n === 2) return [((rttUs[0]?.[1] ?? 0) / 2), ((rttUs[0]?.[1] ?? 0) / 2)];
  const rowSum = rttUs.map((row, i) => row.reduce((s, v, j) => (j === i ? s : s + v), 0));
  // Summing the equations: (2n − 2) Σb = Σ_i rowSum_i.
  const total = rowSum.reduce((s, v) => s + v, 0) / (2 * n - 2);
  return rowSum.map((r) => Math.max(0, Math.round((r - total) / (n - 2))));
}

/** The RTT matrix one-way delays `b` build (b_i + b_j off the diagonal), µs. */
export function realisedRtt(b: readonly number[]): number[][] {
  return b.map((x, i) => b.map((y, j) => (i === j ? 0 : x + y)));
}

/** `sc` with its RTTs replaced by `rtt` (µs), for the simulator beside the lab. */
export function withRtt(sc: Scenario, rtt: readonly (readonly number[])[]): Scenario {
  const ids = sc.regions.map((r) => r.id);
  const out: Record<string, Record<string, number>> = {};
  ids.forEach((a, i) => {
    const row: Record<string, number> = {};
    ids.forEach((b, j) => {
      if (j > i) row[b] = rtt[i]?.[j] ?? 0;
    });
    out[a] = row;
  });
  return { ...sc, network: { ...sc.network, rtt: out } };
}

/** The printed matrix (ms). */
export function formatRtt(ids: readonly string[], rtt: readonly (readonly number[])[]): string {
  const w = Math.max(8, ...ids.map((x) => x.length + 1));
  const head = ''.padEnd(w) + ids.map((x) => x.padStart(w)).join('');
  return [head, ...ids.map((a, i) => a.padEnd(w) + ids.map((_, j) => (i === j ? '—' : ((rtt[i]?.[j] ?? 0) / 1000).toFixed(1)).padStart(w)).join(''))].join('\n');
}

/** The X-Server-From member id (hex) of a peer connection's first request, if any. */
export function serverFrom(first: Buffer): string | undefined {
  const m = /\r\nX-Server-From: *([0-9a-fA-F]+)\r\n/i.exec(first.toString('latin1'));
  return m ? (m[1] as string).toLowerCase() : undefined;
}
