// Real PostgreSQL processes for the lab: finding the binaries, running them
// as the unprivileged `postgres` user, one node's data directory and
// configuration, and the process-level verbs faults use (kill -9 of the
// postmaster and its children, SIGSTOP / SIGCONT, restart, promote, rewind,
// base backup). Knows nothing of scenarios or of the proxy.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { sleep } from './clock.ts';

/** Where the server binaries are and who runs them. */
export interface PgInstall {
  binDir: string;
  majorVersion: number;
  /** uid/gid to run as when we are root (undefined: run as ourselves). */
  uid: number | undefined;
  gid: number | undefined;
}

/**
 * Finds PostgreSQL ≥ 14 (PATH's pg_config, then /usr/lib/postgresql/N/bin)
 * and a non-root user to run it. Returns a reason when it cannot.
 */
export function findPostgres(): PgInstall | string {
  const candidates: string[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(join(root, v, 'bin'));
  }
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (cfg.status === 0 && cfg.stdout.trim() !== '') candidates.push(cfg.stdout.trim());
  const binDir = candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  if (!binDir) return 'PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or pg_config --bindir; install PostgreSQL ≥ 14 (Debian: apt-get install postgresql)';
  const v = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const m = /(\d+)(?:\.\d+)?/.exec(v.stdout ?? '');
  const major = m ? Number(m[1]) : NaN;
  if (!(major >= 14)) return `PostgreSQL at ${binDir} is version ${v.stdout?.trim() || 'unknown'}; the lab needs ≥ 14`;
  for (const tool of ['pg_basebackup', 'pg_rewind', 'postgres']) {
    if (!existsSync(join(binDir, tool))) return `${join(binDir, tool)} is missing`;
  }
  if (userInfo().uid !== 0) return { binDir, majorVersion: major, uid: undefined, gid: undefined };
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) return 'running as root, and there is no `postgres` user to run the server as (PostgreSQL refuses to run as root)';
  return { binDir, majorVersion: major, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Makes a directory owned by the server's user. */
export function makeOwnedDir(pg: PgInstall, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (pg.uid !== undefined && pg.gid !== undefined) chownSync(dir, pg.uid, pg.gid);
}

function asServerUser(pg: PgInstall): SpawnOptions {
  return pg.uid !== undefined ? { uid: pg.uid, gid: pg.gid as number } : {};
}

/** Runs a PostgreSQL tool to completion as the server's user; throws with its output on failure. */
export async function runTool(pg: PgInstall, tool: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  const child = spawn(join(pg.binDir, tool), args, { ...asServerUser(pg), cwd: opts.cwd ?? '/', stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${code}):\n${out.trim()}`);
  return out;
}

/** Settings every node shares (replication, fast commits, short retry intervals). */
export function baseConfig(socketDir: string, extra: Record<string, string | number>): string {
  const s: Record<string, string | number> = {
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${socketDir}'`,
    max_connections: 300,
    shared_buffers: "'64MB'",
    // A process crash (kill -9) keeps the OS page cache: fsync off costs nothing the lab measures.
    fsync: 'off',
    full_page_writes: 'on',
    wal_level: 'replica',
    wal_log_hints: 'on', // pg_rewind needs it
    max_wal_senders: 16,
    wal_keep_size: "'512MB'",
    hot_standby: 'on',
    wal_receiver_status_interval: "'1s'",
    wal_retrieve_retry_interval: "'100ms'",
    wal_receiver_timeout: "'60s'",
    wal_sender_timeout: "'60s'",
    logging_collector: 'off',
    log_min_messages: 'warning',
    autovacuum: 'off',
    ...extra,
  };
  return Object.entries(s).map(([k, v]) => `${k} = ${v}`).join('\n') + "\ninclude_if_exists 'lab-node.conf'\ninclude_if_exists 'lab-sync.conf'\n";
}

/** One PostgreSQL node: a data directory, a port, a postmaster. */
export class PgNode {
  /** Postmaster pid while running. */
  pid: number | undefined;
  private exited: Promise<void> | undefined;
  stopped = false;

  constructor(
    readonly pg: PgInstall,
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    readonly logFile: string,
  ) {}

  /** Writes the node's own settings (port, where it replicates from). */
  writeNodeConf(primaryConninfo: string | undefined): void {
    const lines = [`port = ${this.port}`, `cluster_name = '${this.name}'`];
    if (primaryConninfo !== undefined) lines.push(`primary_conninfo = '${primaryConninfo}'`);
    else lines.push(`primary_conninfo = ''`);
    this.writeOwned(join(this.dataDir, 'lab-node.conf'), lines.join('\n') + '\n');
  }

  writeOwned(file: string, text: string): void {
    writeFileSync(file, text, { mode: 0o600 });
    if (this.pg.uid !== undefined) chownSync(file, this.pg.uid, this.pg.gid as number);
  }

  setStandby(on: boolean): void {
    const f = join(this.dataDir, 'standby.signal');
    if (on) this.writeOwned(f, '');
    else if (existsSync(f)) spawnSync('rm', ['-f', f]);
  }

  /** Starts the postmaster in the foreground of a child (so we hold its pid) and waits until it accepts connections. */
  async start(timeoutMs = 30_000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const child = spawn(join(this.pg.binDir, 'postgres'), ['-D', this.dataDir], { ...asServerUser(this.pg), cwd: '/', stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    this.pid = child.pid;
    this.stopped = false;
    this.exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.unref();
    const t0 = Date.now();
    for (;;) {
      const r = spawnSync(join(this.pg.binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port), '-t', '1'], { encoding: 'utf8' });
      if (r.status === 0) return;
      if (!this.alive()) throw new Error(`${this.name}: postgres exited during start; log ${this.logFile}:\n${tail(this.logFile)}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`${this.name}: postgres did not accept connections within ${timeoutMs} ms; log ${this.logFile}:\n${tail(this.logFile)}`);
      await sleep(50);
    }
  }

  alive(): boolean {
    if (this.pid === undefined) return false;
    try {
      process.kill(this.pid, 0);
      return !isZombie(this.pid);
    } catch {
      return false;
    }
  }

  /** The postmaster and its children (backends, walsender, walreceiver, ...). */
  processes(): number[] {
    if (this.pid === undefined) return [];
    return [this.pid, ...childrenOf(this.pid)];
  }

  /** kill -9 of the postmaster and every child at the same instant, then waits until they are gone (the lock file is free). */
  async kill(): Promise<void> {
    const pids = this.processes();
    for (const p of pids) signal(p, 'SIGKILL');
    this.stopped = true;
    await this.waitGone(pids);
  }

  /** SIGSTOP / SIGCONT of every process of the node (a GC-style stall). */
  pause(): void {
    for (const p of this.processes()) signal(p, 'SIGSTOP');
  }

  resume(): void {
    for (const p of this.processes()) signal(p, 'SIGCONT');
  }

  /** Fast shutdown (used only at the end); falls back to kill. */
  async stop(): Promise<void> {
    if (this.pid === undefined || !this.alive()) return;
    this.resume();
    signal(this.pid, 'SIGQUIT');
    const t0 = Date.now();
    while (this.alive() && Date.now() - t0 < 3000) await sleep(20);
    await this.kill();
  }

  private async waitGone(pids: number[]): Promise<void> {
    const t0 = Date.now();
    if (this.exited) await Promise.race([this.exited, sleep(5000)]);
    while (pids.some((p) => pidExists(p)) && Date.now() - t0 < 10_000) await sleep(10);
    this.pid = undefined;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Direct children of a process, from /proc. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
