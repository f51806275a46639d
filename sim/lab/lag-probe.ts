// Replication lag as the simulator defines it (docs/metrics.md: apply time on a
// replica minus commit time on the primary), measured per write: every write
// log row carries the primary's clock at commit (clock_timestamp() in the
// writing statement); a poller on each standby, connected directly (it is
// the lab's instrument, not a client), asks every `pollMs` for the rows it
// has not seen yet — those newer than the standby's replay position at the
// previous poll (pg_last_xact_replay_timestamp), less a look-back. A row first seen by a poll became visible between the
// later of its commit and the previous poll's snapshot, and this one's: the
// midpoint is taken, so the
// error is at most ±pollMs/2 and averages out. One machine, one clock.
import pg from 'pg';
import type { RealClock } from './clock.ts';
import { sleep } from './clock.ts';

export interface LagProbeOptions {
  port: number;
  pollMs: number;
  /** How far back each poll looks, µs: more than the longest insert-to-commit wait (a sync commit's round trip). */
  lookBackUs: number;
  clock: RealClock;
  /** A write committed at `commitUs` became visible at `visibleUs` (both µs on the lab clock). */
  onVisible: (commitUs: number, visibleUs: number) => void;
}

export class LagProbe {
  private client: pg.Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly seen = new Map<string, number>();
  /** Snapshot time of the previous successful poll (epoch µs); undefined after a gap. */
  private prevSnapUs: number | undefined;
  /** Commit time (epoch µs) of the last transaction the standby had replayed at the previous poll. */
  private prevReplayedUs: number | undefined;
  polls = 0;

  constructor(private readonly o: LagProbeOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private async connect(): Promise<pg.Client> {
    const c = new pg.Client({ host: '127.0.0.1', port: this.o.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000, query_timeout: 2000, application_name: 'lab-lag-probe' });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const t0 = performance.now();
      try {
        this.client ??= await this.connect();
        // Rows replayed since the last poll committed after the replay position it reported: look back
        // from there by the longest insert-to-commit wait (the row's time is taken at insert).
        const since = this.prevReplayedUs === undefined ? 0 : this.prevReplayedUs - this.o.lookBackUs;
        const r = await this.client.query<{ snap: string; replayed: string | null; id: string | null; t: string | null }>({
          text: `SELECT (extract(epoch FROM s.snap) * 1e6)::bigint::text AS snap, (extract(epoch FROM s.replayed) * 1e6)::bigint::text AS replayed,
                        w.id::text AS id, (extract(epoch FROM w.t) * 1e6)::bigint::text AS t
                 FROM (SELECT statement_timestamp() AS snap, pg_last_xact_replay_timestamp() AS replayed) s
                 LEFT JOIN wlog w ON w.t > to_timestamp($1::double precision / 1e6)`,
          values: [String(Math.max(0, since))],
        });
        this.polls++;
        const first = r.rows[0];
        const snap = Number(first?.snap ?? NaN);
        const prev = this.prevSnapUs;
        for (const row of r.rows) {
          if (row.id === null || row.t === null || this.seen.has(row.id)) continue;
          const t = Number(row.t);
          this.seen.set(row.id, t);
          // The first poll (or the first after an outage of the probe) cannot bound when a row appeared.
          if (prev !== undefined) this.o.onVisible(t - this.o.clock.originEpochUs, (Math.max(prev, t) + snap) / 2 - this.o.clock.originEpochUs);
        }
        if (first?.replayed) this.prevReplayedUs = Number(first.replayed);
        this.prevSnapUs = snap;
        // Rows older than this poll's window are never returned again.
        if (this.seen.size > 20_000) for (const [id, t] of this.seen) if (t <= since) this.seen.delete(id);
      } catch {
        // The standby is down, paused past the timeout or restarting: reconnect; the next poll cannot bound visibility.
        this.client?.end().catch(() => undefined);
        this.client = undefined;
        this.prevSnapUs = undefined;
        this.prevReplayedUs = undefined;
        await sleep(100);
      }
      const spent = performance.now() - t0;
      if (spent < this.o.pollMs) await sleep(this.o.pollMs - spent);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client?.end().catch(() => undefined);
  }
}
