// The lab's cluster: one PostgreSQL node per region on its own loopback port,
// and a delay proxy for every (from region → node) link, so that replication,
// clients and the controller all cross the scenario's network. A standby in
// region s streams from the primary through the proxy s → primary; the
// clients of region c reach node n through c → n (c = n: the intra-region
// round trip). Owns setup (initdb, base backups, standby wiring), the
// network verbs (cut / heal a pair of regions, one-way block, slow factor)
// and the role verbs failover uses (promote, repoint, rewind, rebuild).
import { join } from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import type { Scenario } from '../scenario/schema.ts';
import { compileDist, type Sampler } from '../core/distributions.ts';
import { RngRoot } from '../core/rng.ts';
import { DelayProxy } from './proxy.ts';
import { baseConfig, makeOwnedDir, PgNode, runTool, type PgInstall } from './postgres.ts';
import type { LabRoot } from './cleanup.ts';
import { sleep } from './clock.ts';

/** A free TCP port on 127.0.0.1 (the OS picks; we release it for the server). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const a = s.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** synchronous_standby_names and synchronous_commit for a replication mode. */
export function syncSettings(sc: Scenario, ids: readonly string[]): Record<string, string> {
  const names = ids.map((id) => `"${id}"`).join(', ');
  const standbys = ids.length - 1;
  switch (sc.topology.replication.mode) {
    case 'async':
      return { synchronous_standby_names: "''", synchronous_commit: 'on' };
    case 'semi-sync':
      return { synchronous_standby_names: `'ANY ${Math.min(sc.topology.replication.syncReplicas, standbys)} (${names})'`, synchronous_commit: 'remote_write' };
    case 'sync':
      return { synchronous_standby_names: `'ANY ${standbys} (${names})'`, synchronous_commit: 'remote_apply' };
  }
}

/** The schema the workload writes: the rows it reads, and a log of every write (for RPO and lag). */
const SCHEMA = `
CREATE TABLE kv (k int PRIMARY KEY, v bigint NOT NULL);
CREATE TABLE wlog (id bigint PRIMARY KEY, k int NOT NULL, t timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE INDEX wlog_t ON wlog (t);
`;

export class LabCluster {
  readonly ids: string[];
  readonly nodes: PgNode[] = [];
  /** proxies[from][to]: region `from`'s traffic to the node of region `to`. */
  readonly proxies: DelayProxy[][] = [];
  /** Region index of the node currently acting as primary (what the controller promoted last). */
  primary: number;
  private readonly socketDir: string;
  private readonly jitter: Sampler;

  constructor(
    readonly pg: PgInstall,
    readonly sc: Scenario,
    readonly root: LabRoot,
    seed: number,
  ) {
    this.ids = sc.regions.map((r) => r.id);
    this.primary = sc.topology.primary !== undefined ? this.ids.indexOf(sc.topology.primary) : 0;
    this.socketDir = join(root.dir, 'sock');
    this.jitter = compileDist(sc.network.jitter);
    this.rng = new RngRoot(seed);
  }
  private readonly rng: RngRoot;

  /** One-way delay from region a to region b, µs (before jitter): RTT / 2. */
  oneWayUs(a: number, b: number): number {
    const sc = this.sc;
    if (a === b) return sc.network.intraRegionRtt / 2;
    const x = this.ids[a] as string;
    const y = this.ids[b] as string;
    return (sc.network.rtt[x]?.[y] ?? sc.network.rtt[y]?.[x] ?? 0) / 2;
  }

  /** Builds the proxies and the nodes: initdb the primary, base-backup every standby, start them streaming through the proxies. */
  async build(log: (s: string) => void): Promise<void> {
    const n = this.ids.length;
    makeOwnedDir(this.pg, this.root.dir);
    makeOwnedDir(this.pg, this.socketDir);
    this.root.onCleanup(() => this.shutdown());
    for (let r = 0; r < n; r++) {
      const id = this.ids[r] as string;
      this.nodes.push(new PgNode(this.pg, id, join(this.root.dir, `node-${r}`), await freePort(), join(this.root.dir, `node-${r}.log`)));
    }
    for (let a = 0; a < n; a++) {
      const row: DelayProxy[] = [];
      for (let b = 0; b < n; b++) {
        const base = this.oneWayUs(a, b);
        const fwd = this.rng.stream(`lab/net/${this.ids[a]}->${this.ids[b]}`);
        const back = this.rng.stream(`lab/net/${this.ids[b]}<-${this.ids[a]}`);
        const jitter = a === b ? () => 0 : (rng: typeof fwd) => Math.max(0, this.jitter(rng));
        const p = new DelayProxy({ targetPort: (this.nodes[b] as PgNode).port, delayUs: (d) => base + jitter(d === 'forward' ? fwd : back) });
        await p.start();
        row.push(p);
      }
      this.proxies.push(row);
    }
    const primary = this.nodes[this.primary] as PgNode;
    log(`lab: initdb ${primary.name} (port ${primary.port})`);
    makeOwnedDir(this.pg, primary.dataDir);
    await runTool(this.pg, 'initdb', ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    primary.writeOwned(join(primary.dataDir, 'postgresql.conf'), baseConfig(this.socketDir, {}));
    primary.writeOwned(join(primary.dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n');
    primary.writeNodeConf(undefined);
    await primary.start();
    await this.sql(this.primary, SCHEMA);
    for (let r = 0; r < n; r++) {
      if (r === this.primary) continue;
      const node = this.nodes[r] as PgNode;
      log(`lab: pg_basebackup ${node.name} (port ${node.port})`);
      await runTool(this.pg, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', node.dataDir, '-X', 'stream', '-c', 'fast', '--no-sync']);
      this.configureStandby(r, this.primary);
      await node.start();
    }
    await this.waitStreaming(this.primary, 30_000);
    // Synchronous replication only once every standby streams (the schema's commit would wait forever before).
    const sync = Object.entries(syncSettings(this.sc, this.ids)).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
    for (let r = 0; r < n; r++) {
      const node = this.nodes[r] as PgNode;
      node.writeOwned(join(node.dataDir, 'lab-sync.conf'), sync);
      await this.sql(r, 'SELECT pg_reload_conf()');
    }
  }

  /** primary_conninfo of region r's standby when it follows `source`: through the proxy r → source. */
  conninfo(r: number, source: number): string {
    const port = (this.proxies[r]?.[source] as DelayProxy).port;
    return `host=127.0.0.1 port=${port} user=postgres application_name=${this.ids[r]}`;
  }

  /** Makes region r's data directory a standby of `source` (node conf + standby.signal). */
  configureStandby(r: number, source: number): void {
    const node = this.nodes[r] as PgNode;
    // pg_basebackup -R and pg_rewind leave their own primary_conninfo in postgresql.auto.conf, which
    // would override ours and bypass the proxy: the lab never uses -R and clears that file.
    node.writeOwned(join(node.dataDir, 'postgresql.auto.conf'), '');
    node.writeNodeConf(this.conninfo(r, source));
    node.setStandby(true);
  }

  /**
   * Waits until every live standby streams from `source` through its proxy
   * (pg_stat_wal_receiver.sender_port is the proxy's port).
   */
  async waitStreaming(source: number, timeoutMs: number, only?: number[]): Promise<void> {
    const t0 = Date.now();
    const want = (only ?? this.ids.map((_, r) => r)).filter((r) => r !== source && (this.nodes[r] as PgNode).alive());
    for (const r of want) {
      const port = (this.proxies[r]?.[source] as DelayProxy).port;
      for (;;) {
        const rows = await this.sql(r, 'SELECT status, sender_port FROM pg_stat_wal_receiver').catch(() => []);
        const row = rows[0] as { status?: string; sender_port?: number } | undefined;
        if (row?.status === 'streaming') {
          if (row.sender_port !== port) throw new Error(`standby ${this.ids[r]} streams from port ${row.sender_port}, not through its proxy (${port})`);
          break;
        }
        if (Date.now() - t0 > timeoutMs) throw new Error(`standby ${this.ids[r]} is not streaming from ${this.ids[source]} after ${timeoutMs} ms (log ${(this.nodes[r] as PgNode).logFile})`);
        await sleep(50);
      }
    }
  }

  /** Runs SQL on a node directly (not through a proxy): the lab's own instrument, not a client. */
  async sql(r: number, text: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const c = new pg.Client({ host: '127.0.0.1', port: (this.nodes[r] as PgNode).port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 5000 });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(text, values)).rows as Array<Record<string, unknown>>;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  // --- network verbs ---------------------------------------------------------

  /** Cuts every link between regions a and b (both directions, every connection). */
  cut(a: number, b: number): void {
    this.proxies[a]?.[b]?.cut();
    this.proxies[b]?.[a]?.cut();
  }

  heal(a: number, b: number): void {
    this.proxies[a]?.[b]?.heal();
    this.proxies[b]?.[a]?.heal();
  }

  /** One-way partition: nothing travels from `from` to `to` (held until the heal). */
  blockOneWay(from: number, to: number): void {
    this.proxies[from]?.[to]?.block('forward');
    this.proxies[to]?.[from]?.block('back');
  }

  unblockOneWay(from: number, to: number): void {
    this.proxies[from]?.[to]?.unblock('forward');
    this.proxies[to]?.[from]?.unblock('back');
  }

  slow(a: number, b: number, factor: number): void {
    const p = [this.proxies[a]?.[b], this.proxies[b]?.[a]];
    for (const x of p) if (x) x.factor = factor;
  }

  // --- role verbs --------------------------------------------------------------

  /** pg_promote() on region r's node, waiting until it accepts writes. */
  async promote(r: number): Promise<void> {
    await this.sql(r, 'SELECT pg_promote(true, 30)');
    this.primary = r;
  }

  /** Points a running standby at a new source (primary_conninfo reloads since PostgreSQL 13). */
  async repoint(r: number, source: number): Promise<void> {
    const node = this.nodes[r] as PgNode;
    node.writeNodeConf(this.conninfo(r, source));
    await this.sql(r, 'SELECT pg_reload_conf()');
  }

  /** Rejoins a stopped old primary as a standby of `source`: pg_rewind (or a fresh base backup), then start. */
  async rejoin(r: number, source: number, how: 'rewind' | 'rebuild'): Promise<void> {
    const node = this.nodes[r] as PgNode;
    const src = this.nodes[source] as PgNode;
    if (node.alive()) await node.kill();
    if (how === 'rewind') {
      try {
        await runTool(this.pg, 'pg_rewind', ['-D', node.dataDir, `--source-server=host=127.0.0.1 port=${src.port} user=postgres dbname=postgres`, '--no-sync']);
      } catch (e) {
        // A data directory that never diverged (or cannot be rewound) is rebuilt instead.
        if (!/no rewind required/.test(String(e))) return this.rejoin(r, source, 'rebuild');
      }
    } else {
      rmSync(node.dataDir, { recursive: true, force: true });
      await runTool(this.pg, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(src.port), '-U', 'postgres', '-D', node.dataDir, '-X', 'stream', '-c', 'fast', '--no-sync']);
    }
    // pg_rewind copies the source's configuration: re-apply this node's own.
    this.configureStandby(r, source);
    await node.start();
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.proxies.flat().map((p) => p.close()));
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => n.kill())));
    for (const n of this.nodes) if (existsSync(n.dataDir)) rmSync(n.dataDir, { recursive: true, force: true });
  }
}
