// The lab's failover controller, run as the scenario says: it lives in the
// controller region and pings the primary through that region's proxy every
// heartbeatInterval; after detectionTimeout without an answer (silence counts
// from the send time of the last answered ping, as in sim/control) it picks
// the most caught-up standby it can reach (pg_last_wal_receive_lsn), refuses
// if that standby's lag exceeds maxDataLoss, fences (stonith: kill -9 of the
// old primary after stonithDelay; none: leaves it up), promotes with
// pg_promote(), repoints the other standbys and DNS. An old primary rejoins
// as a standby (pg_rewind, or a fresh base backup) once the controller can
// reach it again and it is not crashed or paused.
import pg from 'pg';
import type { Scenario } from '../scenario/schema.ts';
import type { FailoverSummary } from '../scenario/summary-types.ts';
import type { LabCluster } from './cluster.ts';
import type { LabClients } from './clients.ts';
import { sleep } from './clock.ts';

export interface LabControllerOptions {
  cluster: LabCluster;
  clients: LabClients;
  scenario: Scenario;
  nowUs: () => number;
  /** Unix epoch µs of the lab clock's zero (database timestamps are epoch times). */
  originEpochUs: number;
  /** When a fault first touched region r (µs), Infinity when none is active. */
  faultStartUs: (r: number) => number;
  /** Region r is crashed or dark (a restart is pending), or paused. */
  isDown: (r: number) => boolean;
  isPaused: (r: number) => boolean;
  log: (s: string) => void;
  /** Region r was promoted in place of `old` (the trial stops r's lag probe, and tells the checkers which acks died). */
  onPromoted?: (r: number, old: number) => Promise<void>;
  /** Region r streams again as a standby (the trial starts a lag probe on it). */
  onRejoined?: (r: number) => void;
}

interface FailoverRecord {
  from: number;
  to: number;
  faultAtUs: number;
  startedAtUs: number;
  completedAtUs: number;
  epoch: number;
}

function lsnValue(lsn: string | null | undefined): number {
  if (!lsn) return -1;
  const [hi, lo] = lsn.split('/');
  return parseInt(hi ?? '0', 16) * 2 ** 32 + parseInt(lo ?? '0', 16);
}

export class LabController {
  readonly records: FailoverRecord[] = [];
  refused = 0;
  private refusedThisEpisode = false;
  /** Old primaries waiting to rejoin as standbys. */
  readonly pendingRejoin = new Set<number>();
  private readonly ctl: number;
  private lastPongUs = 0;
  private inProgress = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private ping: { client: pg.Client; target: number } | undefined;
  private readonly busy = new Set<Promise<unknown>>();

  constructor(private readonly o: LabControllerOptions) {
    const sc = o.scenario;
    const ids = o.cluster.ids;
    this.ctl = sc.failover.controller !== undefined ? ids.indexOf(sc.failover.controller) : o.cluster.primary === 0 ? 1 : 0;
  }

  get controllerRegion(): number {
    return this.ctl;
  }

  start(): void {
    this.running = true;
    this.lastPongUs = this.o.nowUs();
    this.loop = this.run();
  }

  private reachable(r: number): boolean {
    const p = this.o.cluster.proxies;
    return !(p[this.ctl]?.[r]?.cutNow ?? true) && !(p[r]?.[this.ctl]?.cutNow ?? true);
  }

  private async run(): Promise<void> {
    const f = this.o.scenario.failover;
    const intervalMs = f.heartbeatInterval / 1000;
    while (this.running) {
      const sentUs = this.o.nowUs();
      const primary = this.o.cluster.primary;
      const ok = await this.pingPrimary(primary, intervalMs);
      if (ok && primary === this.o.cluster.primary) {
        this.lastPongUs = sentUs;
        this.refusedThisEpisode = false;
      }
      const now = this.o.nowUs();
      if (f.mode === 'automatic' && !this.inProgress && now - this.lastPongUs > f.detectionTimeout) {
        this.inProgress = true;
        this.track(this.failover(primary).finally(() => (this.inProgress = false)));
      }
      this.rejoinReachable();
      const spent = (this.o.nowUs() - sentUs) / 1000;
      if (this.running && spent < intervalMs) await sleep(intervalMs - spent);
    }
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => this.o.log(`lab: controller: ${e instanceof Error ? e.message : String(e)}`));
    this.busy.add(q);
    void q.finally(() => this.busy.delete(q));
  }

  private async pingPrimary(primary: number, timeoutMs: number): Promise<boolean> {
    try {
      if (!this.ping || this.ping.target !== primary) {
        await this.ping?.client.end().catch(() => undefined);
        const port = this.o.cluster.proxies[this.ctl]?.[primary]?.port as number;
        const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'lab-controller' });
        client.on('error', () => undefined);
        this.ping = { client, target: primary };
        await client.connect();
      }
      await this.ping.client.query('SELECT 1');
      return true;
    } catch {
      await this.ping?.client.end().catch(() => undefined);
      this.ping = undefined;
      return false;
    }
  }

  /** Asks a standby, through the controller's proxy, how much WAL it received and when its last replayed commit was. */
  private async standbyState(r: number): Promise<{ lsn: number; lastCommitUs: number } | undefined> {
    const port = this.o.cluster.proxies[this.ctl]?.[r]?.port as number;
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000, query_timeout: 1000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      const row = (await c.query<{ lsn: string | null; ts: string | null; rec: boolean }>(
        'SELECT pg_last_wal_receive_lsn()::text AS lsn, (extract(epoch FROM pg_last_xact_replay_timestamp()) * 1e6)::bigint::text AS ts, pg_is_in_recovery() AS rec',
      )).rows[0];
      if (!row?.rec) return undefined;
      return { lsn: lsnValue(row.lsn), lastCommitUs: row.ts ? Number(row.ts) : 0 };
    } catch {
      return undefined;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  private async failover(old: number): Promise<void> {
    const { cluster, clients, scenario: sc } = this.o;
    const f = sc.failover;
    const startedAtUs = this.o.nowUs();
    const ids = cluster.ids;
    // Candidates: live standbys the controller can reach.
    const states: Array<{ r: number; lsn: number; lastCommitUs: number }> = [];
    for (let r = 0; r < ids.length; r++) {
      if (r === old || this.pendingRejoin.has(r) || this.o.isDown(r) || this.o.isPaused(r) || !this.reachable(r)) continue;
      if (f.candidate !== 'most-caught-up' && ids[r] !== f.candidate) continue;
      const s = await this.standbyState(r);
      if (s) states.push({ r, ...s });
    }
    const refuse = (why: string) => {
      if (!this.refusedThisEpisode) {
        this.refused++;
        this.refusedThisEpisode = true;
        this.o.log(`lab: failover refused: ${why}`);
      }
    };
    if (states.length === 0) return refuse(f.candidate === 'most-caught-up' ? 'no reachable standby' : `candidate ${f.candidate} unreachable`);
    const cand = states.reduce((a, b) => (b.lsn > a.lsn ? b : a));
    const lagUs = Math.max(0, this.lastPongUs - (cand.lastCommitUs - this.o.originEpochUs));
    if (lagUs > f.maxDataLoss) return refuse(`candidate ${ids[cand.r]} lag ${Math.round(lagUs / 1000)}ms exceeds maxDataLoss`);
    this.o.log(`lab: failover ${ids[old]} → ${ids[cand.r]} (${f.fencing === 'stonith' ? 'STONITH' : 'no fencing'})`);
    if (f.fencing === 'stonith') {
      await sleep(f.stonithDelay / 1000);
      await cluster.nodes[old]?.kill();
    }
    await cluster.promote(cand.r);
    const epoch = clients.promoted(cand.r, this.o.nowUs());
    const completedAtUs = this.o.nowUs();
    await this.o.onPromoted?.(cand.r, old);
    this.pendingRejoin.add(old);
    for (let r = 0; r < ids.length; r++) {
      if (r === old || r === cand.r || this.pendingRejoin.has(r) || !cluster.nodes[r]?.alive()) continue;
      await cluster.repoint(r, cand.r).catch((e: unknown) => this.o.log(`lab: repoint ${ids[r]}: ${String(e)}`));
    }
    const faultAtUs = Math.min(this.o.faultStartUs(old), this.o.faultStartUs(this.ctl), startedAtUs);
    this.records.push({ from: old, to: cand.r, faultAtUs, startedAtUs, completedAtUs, epoch });
    this.lastPongUs = this.o.nowUs();
  }

  /** Old primaries the controller can reach again (and that run, or are powered off by STONITH) rejoin. */
  private rejoinReachable(): void {
    for (const r of [...this.pendingRejoin]) {
      if (this.o.isDown(r) || this.o.isPaused(r) || !this.reachable(r) || this.inProgress) continue;
      this.pendingRejoin.delete(r);
      this.track(this.rejoin(r));
    }
  }

  /** Rejoins `r` as a standby of the current primary. */
  async rejoin(r: number): Promise<void> {
    const { cluster, clients, scenario: sc } = this.o;
    clients.demoted(r);
    const source = cluster.primary;
    await cluster.sql(source, 'CHECKPOINT');
    this.o.log(`lab: ${sc.failover.rejoin} ${cluster.ids[r]} as a standby of ${cluster.ids[source]}`);
    await cluster.rejoin(r, source, sc.failover.rejoin);
    this.o.onRejoined?.(r);
  }

  /** A crashed or dark node's fault ended: start it as what it now is. */
  async restart(r: number): Promise<void> {
    const { cluster } = this.o;
    if (this.pendingRejoin.has(r)) {
      // It asks the controller for the epoch before serving: a newer primary exists, so it rejoins.
      this.pendingRejoin.delete(r);
      return this.rejoin(r);
    }
    if (r !== cluster.primary) {
      cluster.configureStandby(r, cluster.primary);
    }
    await cluster.nodes[r]?.start();
    if (r !== cluster.primary) this.o.onRejoined?.(r);
  }

  /** Stops pinging; rejoins every old primary still waiting (the run converges before RPO is counted). */
  async finish(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.busy]);
    await this.ping?.client.end().catch(() => undefined);
    for (const r of [...this.pendingRejoin]) {
      this.pendingRejoin.delete(r);
      await this.rejoin(r).catch((e: unknown) => this.o.log(`lab: rejoin ${this.o.cluster.ids[r]}: ${String(e)}`));
    }
  }

  summaries(firstAck: (epoch: number) => number | undefined): FailoverSummary[] {
    const ids = this.o.cluster.ids;
    return this.records.map((f) => {
      const end = firstAck(f.epoch);
      const rtoUs = (end ?? f.completedAtUs) - f.faultAtUs;
      return {
        from: ids[f.from] as string, to: ids[f.to] as string, reason: 'primary-unreachable',
        startedAtMs: round3(f.startedAtUs / 1000), completedAtMs: round3(f.completedAtUs / 1000), rtoMs: round3(rtoUs / 1000),
        lostAckedWrites: 0, lostBytes: 0, faultAtMs: round3(f.faultAtUs / 1000), epoch: f.epoch,
        rtoEndsAt: end !== undefined ? 'first-write' : 'promotion',
      };
    });
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
