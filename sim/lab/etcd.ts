// The lab's etcd cluster (the consensus lab's database, and the DCS a
// Patroni lab can reuse): one etcd member per region on loopback, each with
// its own client and peer port, started with the same --initial-cluster and
// the scenario's heartbeat interval, election timeout and pre-vote; data
// directories under the lab's root; every process stopped by its PID (and,
// through cleanup.ts's watchdog, its `etcd.pid` file when the lab is killed).
//
// Delays between members: a member dials its peers at their advertised peer
// URL, the same for every peer, and Raft's message streams are dialed by the
// receiving member; so one delay proxy in front of each member's peer port,
// adding b_i each way, makes every message from i take b_i and
// RTT(i, j) = b_i + b_j. `oneWayDelays` solves b from the scenario's RTTs
// (exactly for three members, least squares beyond) and `realisedRtt` says
// which matrix that builds; the simulator runs on that one. A link between
// two members is cut by the dialer's X-Server-From header (proxy.ts tags).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenario/schema.ts';
import { compileDist, type Sampler } from '../core/distributions.ts';
import { RngRoot } from '../core/rng.ts';
import { DelayProxy } from './proxy.ts';
import { freePort } from './cluster.ts';
import type { LabRoot } from './cleanup.ts';
import { sleep } from './clock.ts';

/** Where etcd was found (or why not). */
export interface EtcdInstall {
  bin: string;
  version: string;
  /** Run the members as this user (root runs them as nobody). */
  uid?: number | undefined;
  gid?: number | undefined;
}

/** The etcd binary on PATH or in /usr/bin, or the message naming the Debian package. */
export function findEtcd(): EtcdInstall | string {
  for (const bin of ['/usr/bin/etcd', '/usr/local/bin/etcd']) {
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

/** The command line of member `i` (pure: the flag mapping the tests check). */
export function etcdFlags(sc: Scenario, i: number, ports: readonly MemberPorts[], dataDir: string, state: 'new' | 'existing' = 'new'): string[] {
  const c = sc.topology.consensus;
  const p = ports[i] as MemberPorts;
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const args = [
    '--name', memberName(i), '--data-dir', dataDir,
    '--listen-client-urls', url(p.client), '--advertise-client-urls', url(p.client),
    '--listen-peer-urls', url(p.peer), '--initial-advertise-peer-urls', url(p.proxy),
    '--initial-cluster', ports.map((q, k) => `${memberName(k)}=${url(q.proxy)}`).join(','),
    '--initial-cluster-token', 'repsim-lab', '--initial-cluster-state', state,
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

export class EtcdMember {
  private child: ChildProcess | undefined;
  pid = 0;
  /** Member id (hex), once the cluster is up. */
  idHex = '';
  restarts = 0;

  constructor(private readonly inst: EtcdInstall, private readonly sc: Scenario, readonly index: number, private readonly ports: readonly MemberPorts[], readonly dir: string) {}

  get clientUrl(): string {
    return `http://127.0.0.1:${(this.ports[this.index] as MemberPorts).client}`;
  }

  alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const dataDir = join(this.dir, 'data');
    const state = existsSync(join(dataDir, 'member')) ? 'existing' : 'new';
    const child = spawn(this.inst.bin, etcdFlags(this.sc, this.index, this.ports, dataDir, state), {
      ...(this.inst.uid !== undefined ? { uid: this.inst.uid, gid: this.inst.gid as number } : {}),
      cwd: this.dir, stdio: ['ignore', 'ignore', 'ignore'],
    });
    this.child = child;
    this.pid = child.pid ?? 0;
    writeFileSync(join(this.dir, 'etcd.pid'), `${this.pid}\n`);
  }

  /** SIGKILL, waits for the exit. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || !this.alive()) return;
    if (this.pid) process.kill(this.pid, 'SIGCONT');
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    process.kill(this.pid, 'SIGKILL');
    await exited;
  }

  pause(): void {
    if (this.alive()) process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.alive()) process.kill(this.pid, 'SIGCONT');
  }

  async restart(): Promise<void> {
    await this.kill();
    this.restarts++;
    this.start();
  }
}

/** POSTs JSON to a member's gateway; rejects on an HTTP error or after `timeoutMs`. */
export async function gateway<T>(url: string, path: string, body: unknown, timeoutMs = 2000): Promise<T> {
  const r = await fetch(url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

export interface MemberStatus {
  member: number;
  leaderHex: string;
  term: number;
  index: number;
}

interface StatusJson {
  header?: { member_id?: string; raft_term?: string };
  leader?: string;
  raftIndex?: string;
  raftTerm?: string;
}

const hex = (dec: string | undefined) => (dec ? BigInt(dec).toString(16) : '');

export class EtcdCluster {
  readonly ids: string[];
  readonly members: EtcdMember[] = [];
  readonly proxies: DelayProxy[] = [];
  /** One-way delay added by each member's proxy, µs. */
  readonly delayUs: number[];
  readonly rttUs: number[][];
  private readonly jitter: Sampler;

  constructor(readonly inst: EtcdInstall, readonly sc: Scenario, readonly root: LabRoot, seed: number) {
    this.ids = sc.regions.map((r) => r.id);
    const n = this.ids.length;
    this.delayUs = oneWayDelays(this.ids.map((_, a) => this.ids.map((__, b) => (a === b ? 0 : scenarioRttUs(sc, a, b)))));
    this.rttUs = realisedRtt(this.delayUs);
    this.jitter = compileDist(sc.network.jitter);
    const rng = new RngRoot(seed);
    this.jitterRngs = this.ids.map((id) => rng.stream(`lab/etcd-jitter/${id}`));
    void n;
  }
  private readonly jitterRngs: ReturnType<RngRoot['stream']>[];

  /** Starts the proxies and members, waits for a leader, and moves leadership to the scenario's leader region. */
  async build(log: (s: string) => void): Promise<void> {
    const n = this.ids.length;
    chmodSync(this.root.dir, 0o755);
    const ports: MemberPorts[] = [];
    for (let i = 0; i < n; i++) ports.push({ client: await freePort(), peer: await freePort(), proxy: 0 });
    for (let i = 0; i < n; i++) {
      const p = new DelayProxy({
        targetPort: (ports[i] as MemberPorts).peer,
        delayUs: () => (this.delayUs[i] as number) + Math.max(0, this.jitter(this.jitterRngs[i] as ReturnType<RngRoot['stream']>)),
        tagOf: serverFrom,
      });
      (ports[i] as MemberPorts).proxy = await p.start();
      this.proxies.push(p);
      this.root.onCleanup(() => p.close());
    }
    for (let i = 0; i < n; i++) {
      const dir = join(this.root.dir, memberName(i));
      mkdirSync(dir, { recursive: true });
      if (this.inst.uid !== undefined) chownSync(dir, this.inst.uid, this.inst.gid as number);
      const m = new EtcdMember(this.inst, this.sc, i, ports, dir);
      this.members.push(m);
      this.root.onCleanup(() => m.kill());
    }
    for (const m of this.members) m.start();
    log(`lab: etcd ${this.inst.version}: ${n} members (pids ${this.members.map((m) => m.pid).join(', ')}), proxies adding ${this.delayUs.map((b) => (b / 1000).toFixed(1)).join(' / ')} ms one way`);
    const deadline = Date.now() + 30_000;
    let st: MemberStatus[] = [];
    while (Date.now() < deadline) {
      st = await this.statuses();
      if (st.length === n && st.every((s) => s.leaderHex !== '' && s.leaderHex === (st[0] as MemberStatus).leaderHex)) break;
      await sleep(100);
    }
    if (st.length < n) throw new Error(`etcd: only ${st.length} of ${n} members answered within 30 s`);
    const want = this.sc.topology.consensus.leader !== undefined ? this.ids.indexOf(this.sc.topology.consensus.leader) : 0;
    await this.moveLeader(want, log);
  }

  /** Status of every member that answers (member ids learnt on the way). */
  async statuses(timeoutMs = 500): Promise<MemberStatus[]> {
    const out = await Promise.all(this.members.map(async (m) => {
      if (!m.alive()) return undefined;
      try {
        const s = await gateway<StatusJson>(m.clientUrl, '/v3/maintenance/status', {}, timeoutMs);
        m.idHex = hex(s.header?.member_id);
        return { member: m.index, leaderHex: hex(s.leader), term: Number(s.raftTerm ?? s.header?.raft_term ?? 0), index: Number(s.raftIndex ?? 0) };
      } catch {
        return undefined;
      }
    }));
    return out.filter((s): s is MemberStatus => s !== undefined);
  }

  /** The member index of a member id (hex), −1 if unknown. */
  indexOf(idHex: string): number {
    return this.members.findIndex((m) => m.idHex === idHex);
  }

  /** Transfers leadership to member `target` (etcdctl move-leader's call) and waits until it leads. */
  async moveLeader(target: number, log: (s: string) => void): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const st = await this.statuses();
      const leader = st.length > 0 ? this.indexOf((st[0] as MemberStatus).leaderHex) : -1;
      if (leader === target) {
        log(`lab: etcd leader is ${memberName(target)} (${this.ids[target]})`);
        return;
      }
      if (leader >= 0) {
        const t = this.members[target] as EtcdMember;
        await gateway((this.members[leader] as EtcdMember).clientUrl, '/v3/maintenance/transfer-leadership', { targetID: BigInt(`0x${t.idHex}`).toString() }, 5000).catch(() => undefined);
      }
      await sleep(300);
    }
    throw new Error(`etcd: could not move leadership to ${memberName(target)}`);
  }

  // --- the nemesis's verbs (faults.ts NemesisTarget) ---------------------------------------

  get nodes(): EtcdMember[] {
    return this.members;
  }

  /** Cuts every connection between members a and b (each one's proxy drops what the other dials). */
  cut(a: number, b: number): void {
    this.proxies[a]?.cutTag((this.members[b] as EtcdMember).idHex);
    this.proxies[b]?.cutTag((this.members[a] as EtcdMember).idHex);
  }

  heal(a: number, b: number): void {
    this.proxies[a]?.healTag((this.members[b] as EtcdMember).idHex);
    this.proxies[b]?.healTag((this.members[a] as EtcdMember).idHex);
  }

  /**
   * Holds what `from` sends to `to`: on the streams `to` dials at `from`'s proxy (the answers, `back`)
   * and on the requests `from` dials at `to`'s proxy (`forward`).
   */
  blockOneWay(from: number, to: number): void {
    this.proxies[from]?.blockTag((this.members[to] as EtcdMember).idHex, 'back');
    this.proxies[to]?.blockTag((this.members[from] as EtcdMember).idHex, 'forward');
  }

  unblockOneWay(from: number, to: number): void {
    this.proxies[from]?.unblockTag((this.members[to] as EtcdMember).idHex, 'back');
    this.proxies[to]?.unblockTag((this.members[from] as EtcdMember).idHex, 'forward');
  }

  /** A per-member proxy delays by member, not by pair: the support check refuses slow links. */
  slow(_a: number, _b: number, factor: number): void {
    if (factor !== 1) throw new Error('invariant: slowLink reached the etcd lab (the support check refuses it)');
  }

  oneWayUs(a: number, b: number): number {
    return a === b ? this.sc.network.intraRegionRtt / 2 : (this.delayUs[a] as number);
  }
}
