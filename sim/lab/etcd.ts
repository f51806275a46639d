// The lab's etcd cluster (the consensus lab's database, and the DCS a
// Patroni lab can reuse): one etcd member per region on loopback — a voter,
// or the learner of a region with a non-voter only — each with its own
// client and peer port, started by etcd-config.ts's command line; data
// directories under the lab's root; every process stopped by its PID (and,
// through cleanup.ts's watchdog, its `etcd.pid` file when the lab is killed).
//
// Links: one delay proxy in front of each member's peer port adds b_i each
// way (etcd-config.ts: RTT(i, j) = b_i + b_j); a link between two members is
// cut, held one way or slowed by the dialer's X-Server-From header
// (proxy.ts tags). A client that talks to another region's member (its own
// is a learner, or down) goes through a client proxy adding RTT/2 each way,
// which the same faults cut, hold and slow.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenario/schema.ts';
import { compileDist, type Sampler } from '../core/distributions.ts';
import { RngRoot } from '../core/rng.ts';
import { DelayProxy } from './proxy.ts';
import { freePort } from './cluster.ts';
import type { LabRoot } from './cleanup.ts';
import { sleep } from './clock.ts';
import { etcdFlags, learners, memberName, oneWayDelays, realisedRtt, scenarioRttUs, serverFrom, type EtcdInstall, type MemberPorts } from './etcd-config.ts';

export type { EtcdInstall } from './etcd-config.ts';

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
  /** clientProxies[r][m]: region r's clients to member m (r ≠ m), adding RTT(r, m)/2 each way. */
  readonly clientProxies: DelayProxy[][] = [];
  /** One-way delay added by each member's proxy, µs. */
  readonly delayUs: number[];
  readonly rttUs: number[][];
  /** Which member is a learner (index = region). */
  readonly learner: boolean[];
  /** slowFactor[a][b]: the slow-link factor between members a and b now. */
  private readonly slowFactor: number[][];
  private readonly jitter: Sampler;
  private readonly jitterRngs: ReturnType<RngRoot['stream']>[];
  private ports: MemberPorts[] = [];

  constructor(readonly inst: EtcdInstall, readonly sc: Scenario, readonly root: LabRoot, seed: number) {
    this.ids = sc.regions.map((r) => r.id);
    this.delayUs = oneWayDelays(this.ids.map((_, a) => this.ids.map((__, b) => (a === b ? 0 : scenarioRttUs(sc, a, b)))));
    this.rttUs = realisedRtt(this.delayUs);
    this.learner = learners(sc);
    this.slowFactor = this.ids.map(() => this.ids.map(() => 1));
    this.jitter = compileDist(sc.network.jitter);
    const rng = new RngRoot(seed);
    this.jitterRngs = this.ids.map((id) => rng.stream(`lab/etcd-jitter/${id}`));
  }

  private jitterUs(i: number): number {
    return Math.max(0, this.jitter(this.jitterRngs[i] as ReturnType<RngRoot['stream']>));
  }

  /** The URL region r's clients use for member m: its own member directly, another through the client proxy. */
  urlOf(r: number, m: number): string {
    if (r === m) return (this.members[m] as EtcdMember).clientUrl;
    return `http://127.0.0.1:${(this.clientProxies[r]?.[m] as DelayProxy).port}`;
  }

  /** Starts the proxies and members (voters, then the learner added by the leader), waits for a leader, and moves leadership to the scenario's leader region. */
  async build(log: (s: string) => void): Promise<void> {
    const n = this.ids.length;
    chmodSync(this.root.dir, 0o755);
    const ports: MemberPorts[] = [];
    for (let i = 0; i < n; i++) ports.push({ client: await freePort(), peer: await freePort(), proxy: 0 });
    this.ports = ports;
    for (let i = 0; i < n; i++) {
      // Member i's proxy: what i sends on a stream peer k dialed, and what k sends to i, each b_i (× the link's slow factor).
      const p = new DelayProxy({
        targetPort: (ports[i] as MemberPorts).peer,
        delayUs: (_dir, tag) => this.linkDelayUs(i, tag === undefined ? -1 : this.indexOf(tag)) + this.jitterUs(i),
        tagOf: serverFrom,
      });
      (ports[i] as MemberPorts).proxy = await p.start();
      this.proxies.push(p);
      this.root.onCleanup(() => p.close());
    }
    for (let r = 0; r < n; r++) {
      const row: DelayProxy[] = [];
      for (let m = 0; m < n; m++) {
        const cp = new DelayProxy({ targetPort: (ports[m] as MemberPorts).client, delayUs: () => this.clientDelayUs(r, m) + this.jitterUs(r) });
        if (r !== m) {
          await cp.start();
          this.root.onCleanup(() => cp.close());
        }
        row.push(cp);
      }
      this.clientProxies.push(row);
    }
    for (let i = 0; i < n; i++) {
      const dir = join(this.root.dir, memberName(i));
      mkdirSync(dir, { recursive: true });
      if (this.inst.uid !== undefined) chownSync(dir, this.inst.uid, this.inst.gid as number);
      const m = new EtcdMember(this.inst, this.sc, i, ports, dir);
      this.members.push(m);
      this.root.onCleanup(() => m.kill());
    }
    const voters = this.members.filter((m) => !this.learner[m.index]);
    for (const m of voters) m.start();
    log(`lab: etcd ${this.inst.version}: ${voters.length} voters (pids ${voters.map((m) => m.pid).join(', ')}), proxies adding ${this.delayUs.map((b) => (b / 1000).toFixed(1)).join(' / ')} ms one way`);
    await this.awaitLeader(voters.length);
    for (const m of this.members) {
      if (!this.learner[m.index]) continue;
      await this.addLearner(m);
      log(`lab: etcd learner ${memberName(m.index)} (${this.ids[m.index]}) joined (pid ${m.pid})`);
    }
    await this.awaitLeader(n);
    const want = this.sc.topology.consensus.leader !== undefined ? this.ids.indexOf(this.sc.topology.consensus.leader) : this.learner.indexOf(false);
    await this.moveLeader(want, log);
  }

  /** What member i's proxy adds, µs, before jitter, on a connection member k dialed (−1: not named yet): b_i × the i–k link's slow factor. */
  linkDelayUs(i: number, k: number): number {
    return (this.delayUs[i] as number) * (k < 0 ? 1 : ((this.slowFactor[i] as number[])[k] as number));
  }

  /** What the proxy from region r's clients to member m adds each way, µs, before jitter: RTT(r, m)/2 × the link's slow factor. */
  clientDelayUs(r: number, m: number): number {
    return ((this.rttUs[r]?.[m] ?? 0) / 2) * ((this.slowFactor[r] as number[])[m] as number);
  }

  /** Waits until `count` members answer and agree on a leader. */
  private async awaitLeader(count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    let st: MemberStatus[] = [];
    while (Date.now() < deadline) {
      st = await this.statuses();
      if (st.length >= count && st.every((s) => s.leaderHex !== '' && s.leaderHex === (st[0] as MemberStatus).leaderHex)) return;
      await sleep(100);
    }
    throw new Error(`etcd: only ${st.length} of ${count} members answered with one leader within 30 s`);
  }

  /**
   * The leader adds member `m` as a learner at its proxy's URL (etcdctl member add --learner), then m
   * starts. etcd's strict reconfiguration check refuses ("unhealthy cluster") until the leader has
   * been connected to every voter for 5 s: retried for 30 s.
   */
  private async addLearner(m: EtcdMember): Promise<void> {
    const url = `http://127.0.0.1:${(this.ports[m.index] as MemberPorts).proxy}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const st = await this.statuses();
      const leader = st.length > 0 ? this.indexOf((st[0] as MemberStatus).leaderHex) : -1;
      const err = leader < 0 ? 'no leader' : await gateway((this.members[leader] as EtcdMember).clientUrl, '/v3/cluster/member/add', { peerURLs: [url], isLearner: true }, 10_000).then(() => '', (e: unknown) => String(e));
      if (err === '') break;
      if (Date.now() > deadline) throw new Error(`etcd: could not add learner ${memberName(m.index)}: ${err}`);
      await sleep(500);
    }
    m.start();
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

  /** Cuts every connection between members a and b (each one's proxy drops what the other dials), and between each region's clients and the other's member. */
  cut(a: number, b: number): void {
    this.proxies[a]?.cutTag((this.members[b] as EtcdMember).idHex);
    this.proxies[b]?.cutTag((this.members[a] as EtcdMember).idHex);
    this.clientProxies[a]?.[b]?.cut();
    this.clientProxies[b]?.[a]?.cut();
  }

  heal(a: number, b: number): void {
    this.proxies[a]?.healTag((this.members[b] as EtcdMember).idHex);
    this.proxies[b]?.healTag((this.members[a] as EtcdMember).idHex);
    this.clientProxies[a]?.[b]?.heal();
    this.clientProxies[b]?.[a]?.heal();
  }

  /**
   * Holds what `from` sends to `to`: on the streams `to` dials at `from`'s proxy (the answers, `back`)
   * and on the requests `from` dials at `to`'s proxy (`forward`); and the requests of `from`'s clients
   * to `to`'s member, and `from`'s answers to `to`'s clients.
   */
  blockOneWay(from: number, to: number): void {
    this.proxies[from]?.blockTag((this.members[to] as EtcdMember).idHex, 'back');
    this.proxies[to]?.blockTag((this.members[from] as EtcdMember).idHex, 'forward');
    this.clientProxies[from]?.[to]?.block('forward');
    this.clientProxies[to]?.[from]?.block('back');
  }

  unblockOneWay(from: number, to: number): void {
    this.proxies[from]?.unblockTag((this.members[to] as EtcdMember).idHex, 'back');
    this.proxies[to]?.unblockTag((this.members[from] as EtcdMember).idHex, 'forward');
    this.clientProxies[from]?.[to]?.unblock('forward');
    this.clientProxies[to]?.[from]?.unblock('back');
  }

  /** A slow link: the propagation delay between a and b (members and clients) × factor, as the model's link (jitter unscaled). */
  slow(a: number, b: number, factor: number): void {
    (this.slowFactor[a] as number[])[b] = factor;
    (this.slowFactor[b] as number[])[a] = factor;
  }

  oneWayUs(a: number, b: number): number {
    return a === b ? this.sc.network.intraRegionRtt / 2 : (this.delayUs[a] as number);
  }
}
