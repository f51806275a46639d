// The lab's clients: the simulator's own workload (arrivals, keys, sessions,
// read-after-write, the recorder and its checkers) sends its operations here
// instead of to a simulated topology, and each becomes a real statement on a
// real node, through the proxy of the client's region to that node. Writes
// go to the primary as the region's DNS cache names it (sim/topology/single-primary/dns.ts,
// the same TTL and early re-resolve on failure); reads go to the local node,
// or to the primary as the routing and read-your-writes settings say.
//
// A write is `INSERT` into the write log plus an upsert of the row keeping
// the highest write id, in one statement (one transaction): a read returns
// the id of the newest write it reflects, which is what the staleness and
// session checkers compare.
import type { Op, Topology, Workload } from '../workload/workload.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { Scenario } from '../scenario/schema.ts';
import { PrimaryDns } from '../topology/single-primary/dns.ts';
import { DbNode } from '../db/node.ts';
import { RngRoot } from '../core/rng.ts';

/** What the clients need of a connection pool (ConnPool; an in-memory double in tests). */
export interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
  prewarm(n: number): Promise<void>;
  /** Drops idle connections (they may point at a demoted node). */
  reset(): void;
  close(): Promise<void>;
}

/** What the clients need of the cluster: region ids, the primary at the start, link lengths. */
export interface ClientsNet {
  readonly ids: readonly string[];
  readonly primary: number;
  oneWayUs(a: number, b: number): number;
}

const WRITE_SQL =
  'WITH l AS (INSERT INTO wlog (id, k) VALUES ($1, $2)) INSERT INTO kv (k, v) VALUES ($2, $1) ON CONFLICT (k) DO UPDATE SET v = GREATEST(kv.v, EXCLUDED.v)';
const READ_SQL = 'SELECT v FROM kv WHERE k = $1';

/** One acknowledged write, for RPO and split-brain after the run. */
export interface AckedWrite {
  id: number;
  row: number;
  bytes: number;
  node: number;
  /** The epoch of the node that acknowledged it (a zombie's is older than the current one). */
  epoch: number;
  ackUs: number;
}

export interface LabClientsOptions {
  cluster: ClientsNet;
  /** Opens the pool of region `from`'s clients to the node of region `to` (at most `max` connections). */
  openPool: (from: number, to: number, max: number) => Queryable;
  scenario: Scenario;
  sched: Scheduler;
  /** Brings the simulator's scheduler up to real time before an outcome is reported. */
  pump: () => void;
}

export class LabClients implements Topology {
  workload: Workload | undefined;
  readonly dns: PrimaryDns;
  /** Epoch of each node: the epoch in which it was last promoted (0: never primary). */
  readonly nodeEpoch: number[];
  /** Current epoch and when each began (µs). */
  epoch = 1;
  readonly epochStartUs = new Map<number, number>([[1, 0]]);
  /** First write acknowledged in each epoch by that epoch's primary (µs), for RTO. */
  readonly firstAckInEpoch = new Map<number, number>();
  readonly acked: AckedWrite[] = [];
  private readonly pools = new Map<string, Queryable>();
  private nextWriteId = 0;
  /** Operations sent and not yet answered. */
  inFlight = 0;
  /** Operations sent so far. */
  issued = 0;
  private readonly rowBytes: number[];
  /**
   * The model's stand-in for each region's real node: an ack names the node
   * that gave it (sessions remember it); these hold no rows and apply nothing.
   */
  private readonly standIns: DbNode[];

  constructor(private readonly o: LabClientsOptions) {
    const c = o.cluster;
    const never = new RngRoot(0).stream('lab/stand-in');
    this.standIns = c.ids.map((_, region) => new DbNode({ region, rowCount: 0, applyTime: () => 0, applyRng: never, onApplied: () => undefined }));
    this.dns = new PrimaryDns(c.ids.length, c.primary, o.scenario.failover.dnsTtl);
    this.nodeEpoch = c.ids.map((_, r) => (r === c.primary ? 1 : 0));
    this.rowBytes = o.scenario.workload.tables.map((t) => t.rowBytes);
  }

  /** The pool for region `from`'s clients to the node of region `to`. */
  pool(from: number, to: number): Queryable {
    const key = `${from}->${to}`;
    let p = this.pools.get(key);
    if (!p) {
      const load = this.o.scenario.workload.regions[this.o.cluster.ids[from] as string];
      const rate = (load?.writes ?? 0) + (load?.reads ?? 0);
      // Little's law with room: operations in flight ≈ rate × round trip; a sync wait doubles it.
      const rttS = (2 * this.o.cluster.oneWayUs(from, to)) / 1e6 + 0.05;
      const max = Math.min(120, Math.max(4, Math.ceil(rate * rttS * 3) + 4));
      p = this.o.openPool(from, to, max);
      this.pools.set(key, p);
    }
    return p;
  }

  /** Opens connections ahead of the workload for every path it will use at the start. */
  async prewarm(): Promise<void> {
    const c = this.o.cluster;
    const sc = this.o.scenario;
    const jobs: Array<Promise<void>> = [];
    c.ids.forEach((id, r) => {
      const load = sc.workload.regions[id];
      if (!load) return;
      const paths = new Set<number>();
      if ((load.writes ?? 0) > 0) paths.add(c.primary);
      if ((load.reads ?? 0) > 0) paths.add(sc.topology.reads.routing === 'primary' ? c.primary : r);
      if ((load.reads ?? 0) > 0 && sc.topology.reads.readYourWrites.strategy !== 'none') paths.add(c.primary);
      for (const to of paths) {
        const p = this.pool(r, to);
        const rttS = (2 * c.oneWayUs(r, to)) / 1e6 + 0.01;
        jobs.push(p.prewarm(Math.ceil(((load.writes ?? 0) + (load.reads ?? 0)) * rttS * 1.5) + 2));
      }
    });
    await Promise.all(jobs);
  }

  private sent(): void {
    this.inFlight++;
    this.issued++;
  }

  private now(): number {
    this.o.pump();
    return this.o.sched.now;
  }

  write(op: Op): void {
    const w = this.workload as Workload;
    const target = this.dns.resolve(op.region, this.o.sched.now);
    const id = ++this.nextWriteId;
    this.sent();
    this.pool(op.region, target)
      .query(WRITE_SQL, [id, op.row])
      .finally(() => this.inFlight--)
      .then(
        () => {
          const ackUs = this.now();
          const epoch = this.nodeEpoch[target] as number;
          // A node of an older epoch acknowledged it after a newer primary took over: a divergent (split-brain) write.
          const zombie = epoch < this.epoch;
          if (!zombie && epoch === this.epoch && !this.firstAckInEpoch.has(epoch)) this.firstAckInEpoch.set(epoch, ackUs);
          if (!op.done && ackUs - op.invokeUs <= this.o.scenario.workload.clientTimeout) {
            this.acked.push({ id, row: op.row, bytes: this.rowBytes[op.table] ?? 0, node: target, epoch, ackUs });
          }
          w.writeAcked(op, ackUs, { node: this.standIns[target] as DbNode, version: id, lsn: 0, epoch, commitUs: ackUs });
        },
        () => {
          const now = this.now();
          this.dns.invalidate(op.region, target, now);
          w.writeFailed(op);
        },
      );
  }

  read(op: Op): void {
    const w = this.workload as Workload;
    const sc = this.o.scenario;
    const ryw = sc.topology.reads.readYourWrites;
    const now = this.o.sched.now;
    const toPrimary =
      sc.topology.reads.routing === 'primary' ||
      ryw.strategy === 'primary' ||
      (ryw.strategy === 'wrote-recently' && now - w.sessions.lastWriteUs(op.session) < ryw.ttl);
    const target = toPrimary ? this.dns.resolve(op.region, now) : op.region;
    this.sent();
    this.pool(op.region, target)
      .query<{ v: string | number }>(READ_SQL, [op.row])
      .finally(() => this.inFlight--)
      .then(
        (r) => {
          const row = r.rows[0];
          w.readServed(op, row ? Number(row.v) : 0, this.now());
        },
        () => {
          const t = this.now();
          if (toPrimary) this.dns.invalidate(op.region, target, t);
          w.readFailed(op);
        },
      );
  }

  /** A failover made `r` the primary of a new epoch at `atUs`. */
  promoted(r: number, atUs: number): number {
    const e = ++this.epoch;
    this.nodeEpoch[r] = e;
    this.epochStartUs.set(e, atUs);
    this.dns.primary = r;
    return e;
  }

  /** A node rejoined as a standby: its old epoch is over. */
  demoted(r: number): void {
    this.nodeEpoch[r] = 0;
    for (const [key, p] of this.pools) if (key.endsWith(`->${r}`)) p.reset();
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}
