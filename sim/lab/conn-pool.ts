// A pool of `pg` connections from one region's clients to one node, through
// that link's proxy. Connections are opened ahead of the workload (a
// connection through a 70 ms link costs a few round trips) and replaced when
// a fault breaks them. A query that finds no idle connection waits for one,
// and a query on a connection that dies fails at once, as a client's would.
import pg from 'pg';

export interface ConnPoolOptions {
  port: number;
  /** Most connections (concurrent operations in flight). */
  max: number;
  /** Client-side timeout per query, ms. */
  queryTimeoutMs: number;
  /** application_name, for the server's views. */
  name: string;
}

export class ConnPool {
  private readonly idle: pg.Client[] = [];
  private readonly waiting: Array<(c: pg.Client | Error) => void> = [];
  private open = 0;
  private closed = false;
  /** Connection attempts that failed (refused or broken links). */
  connectFailures = 0;

  constructor(private readonly o: ConnPoolOptions) {}

  /** Opens `n` connections now (in parallel); resolves once they are up. */
  async prewarm(n: number): Promise<void> {
    const got = await Promise.all(Array.from({ length: Math.min(n, this.o.max) }, () => this.connect().catch(() => undefined)));
    for (const c of got) if (c) this.idle.push(c);
  }

  private async connect(): Promise<pg.Client> {
    this.open++;
    const c = new pg.Client({
      host: '127.0.0.1', port: this.o.port, user: 'postgres', database: 'postgres',
      application_name: this.o.name, connectionTimeoutMillis: this.o.queryTimeoutMs, query_timeout: this.o.queryTimeoutMs,
    });
    c.on('error', () => undefined); // surfaced through the failing query
    try {
      await c.connect();
      return c;
    } catch (e) {
      this.open--;
      this.connectFailures++;
      c.end().catch(() => undefined);
      throw e;
    }
  }

  private async acquire(): Promise<pg.Client> {
    if (this.closed) throw new Error('pool closed');
    const c = this.idle.pop();
    if (c) return c;
    if (this.open < this.o.max) return this.connect();
    return new Promise<pg.Client>((resolve, reject) => this.waiting.push((x) => (x instanceof Error ? reject(x) : resolve(x))));
  }

  private release(c: pg.Client, broken: boolean): void {
    if (broken || this.closed) {
      this.open--;
      c.end().catch(() => undefined);
      // A waiter gets a fresh connection instead.
      const w = this.waiting.shift();
      if (w) this.connect().then(w, (e: Error) => w(e));
      return;
    }
    const w = this.waiting.shift();
    if (w) w(c);
    else this.idle.push(c);
  }

  /** Runs one statement on a pooled connection. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const c = await this.acquire();
    try {
      const r = await c.query<R>(text, values);
      this.release(c, false);
      return r;
    } catch (e) {
      // A server error (e.g. read-only standby) leaves the connection usable; a broken link does not.
      const serverError = e instanceof Error && 'code' in e && typeof (e as { code?: unknown }).code === 'string' && (e as { severity?: unknown }).severity !== undefined;
      this.release(c, !serverError);
      throw e;
    }
  }

  /** Drops every idle connection (after a failover the old ones may point at a demoted node). */
  reset(): void {
    for (const c of this.idle.splice(0)) {
      this.open--;
      c.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(new Error('pool closed'));
    const all = this.idle.splice(0);
    this.open -= all.length;
    await Promise.all(all.map((c) => c.end().catch(() => undefined)));
  }
}
