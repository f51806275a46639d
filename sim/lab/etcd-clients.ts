// The etcd lab's clients: the simulator's own workload sends its operations
// here, and each becomes a request to the etcd member of the client's
// region through etcd's JSON gateway over fetch (the npm `etcd3` client's
// last release is from 2021 and speaks gRPC; the gateway is etcd's own):
// writes are puts (/v3/kv/put), reads ranges (/v3/kv/range) — linearizable
// (ReadIndex) for `read-index`, serializable (the member's own state) for
// `local-unsafe`. A write's version is the revision etcd gives it (the
// order of commit, as the model's log index), a read's the key's
// mod_revision, so the same staleness and session checkers judge them; the
// epoch is the answering member's Raft term.
//
// As the model's gateway, a client retries a refused request (its member
// down, no leader) after a backoff of 50 ms doubling to 1 s, on the next
// member nearest first, until its client timeout; a request that times out
// is not retried (its outcome is unknown). Writes and linearizable reads go
// to voters only (a learner serves serializable ranges alone): a region whose
// member is a learner sends them to the nearest voter, as the model's
// gateway (answerFrom local) does. Another region's member is reached
// through the cluster's client proxy (the RTT between the regions).
import type { Op, Topology, Workload } from '../workload/workload.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { AckedWrite } from './clients.ts';
import { RETRY_BACKOFF_MAX_US, RETRY_BACKOFF_US } from '../topology/consensus/consensus.ts';

export interface EtcdClientsOptions {
  scenario: Scenario;
  sched: Scheduler;
  pump: () => void;
  /** Real time on the lab clock, µs (without pumping: a request is sent from inside the scheduler's run). */
  nowUs: () => number;
  /** The URL region r's clients use for member m (index = region). */
  urlOf: (r: number, m: number) => string;
  /** Which member is a learner (index = region). */
  learner: readonly boolean[];
  /** RTT between regions (for nearest-first retries), µs. */
  rttUs: readonly (readonly number[])[];
}

interface PutJson {
  header?: { revision?: string; raft_term?: string };
}

interface RangeJson {
  header?: { revision?: string; raft_term?: string };
  kvs?: Array<{ mod_revision?: string }>;
}

/** Base64 of a row's key. */
export function keyOf(row: number): string {
  return Buffer.from(`k${row}`).toString('base64');
}

class Refused extends Error {}

export class EtcdClients implements Topology {
  workload: Workload | undefined;
  readonly acked: AckedWrite[] = [];
  /** First ack seen in each Raft term (µs), for RTO and epochs. */
  readonly firstAckInTerm = new Map<number, number>();
  /** Highest term an answer carried. */
  term = 0;
  inFlight = 0;
  issued = 0;
  /** Per client region: every member nearest first (serializable reads), and the voters only (writes, linearizable reads). */
  private readonly byDistance: number[][];
  private readonly votersByDistance: number[][];
  private readonly rowBytes: number[];
  private readonly timeoutUs: number;
  private closed = false;

  constructor(private readonly o: EtcdClientsOptions) {
    const n = o.learner.length;
    const all = Array.from({ length: n }, (_, i) => i);
    this.byDistance = all.map((r) => all.slice().sort((a, b) => (a === r ? -1 : b === r ? 1 : (o.rttUs[r]?.[a] ?? 0) - (o.rttUs[r]?.[b] ?? 0) || a - b)));
    this.votersByDistance = this.byDistance.map((order) => order.filter((m) => !o.learner[m]));
    this.rowBytes = o.scenario.workload.tables.map((t) => t.rowBytes);
    this.timeoutUs = o.scenario.workload.clientTimeout;
  }

  private now(): number {
    this.o.pump();
    return this.o.sched.now;
  }

  /** One request to member `m`; Refused for an answer that says it was not done (retry), other errors for timeouts. */
  private async call<T>(from: number, m: number, path: string, body: unknown, leftMs: number): Promise<T> {
    let r: Response;
    try {
      r = await fetch(this.o.urlOf(from, m) + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(Math.max(1, Math.ceil(leftMs))) });
    } catch (e) {
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) throw e;
      throw new Refused(String(e));
    }
    const text = await r.text();
    if (!r.ok) throw new Refused(`HTTP ${r.status} ${text.slice(0, 120)}`);
    return JSON.parse(text) as T;
  }

  /** Sends until answered, refused past the timeout, or timed out. */
  private async attempt<T>(op: Op, path: string, body: unknown, anyMember = false): Promise<{ json: T; member: number }> {
    const order = (anyMember ? this.byDistance : this.votersByDistance)[op.region] as number[];
    let k = 0;
    for (let attempt = 0; ; attempt++) {
      const member = order[k % order.length] as number;
      const leftMs = (op.invokeUs + this.timeoutUs - this.o.nowUs()) / 1000;
      if (leftMs <= 0 || this.closed) throw new Error('client timeout');
      try {
        return { json: await this.call<T>(op.region, member, path, body, leftMs), member };
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        // A refusing member may be down: the next one, nearest first.
        if (/fetch failed|ECONNREFUSED|ECONNRESET/.test(e.message)) k++;
        const waitMs = Math.min(RETRY_BACKOFF_MAX_US, RETRY_BACKOFF_US * 2 ** attempt) / 1000;
        await new Promise((r) => setTimeout(r, Math.min(waitMs, Math.max(0, leftMs - 1))));
      }
    }
  }

  private seen(term: number, atUs: number): void {
    if (term > this.term) this.term = term;
    if (!this.firstAckInTerm.has(term)) this.firstAckInTerm.set(term, atUs);
  }

  write(op: Op): void {
    const w = this.workload as Workload;
    this.inFlight++;
    this.issued++;
    this.attempt<PutJson>(op, '/v3/kv/put', { key: keyOf(op.row), value: Buffer.from(String(op.invokeUs)).toString('base64') })
      .finally(() => this.inFlight--)
      .then(
        ({ json, member }) => {
          const ackUs = this.now();
          const rev = Number(json.header?.revision ?? 0);
          const term = Number(json.header?.raft_term ?? 0);
          this.seen(term, ackUs);
          if (!op.done && ackUs - op.invokeUs <= this.timeoutUs) this.acked.push({ id: rev, row: op.row, bytes: this.rowBytes[op.table] ?? 0, node: member, epoch: term, ackUs });
          w.writeAcked(op, ackUs, { node: { region: member }, version: rev, lsn: rev, epoch: term, commitUs: ackUs });
        },
        () => {
          this.now();
          w.writeFailed(op);
        },
      );
  }

  read(op: Op): void {
    const w = this.workload as Workload;
    const c = this.o.scenario.topology.consensus;
    const id = this.o.scenario.regions[op.region]?.id ?? '';
    const mode = typeof c.reads === 'string' ? c.reads : (c.reads[id] ?? 'read-index');
    this.inFlight++;
    this.issued++;
    const serializable = mode === 'local-unsafe';
    this.attempt<RangeJson>(op, '/v3/kv/range', { key: keyOf(op.row), serializable }, serializable)
      .finally(() => this.inFlight--)
      .then(
        ({ json }) => w.readServed(op, Number(json.kvs?.[0]?.mod_revision ?? 0), this.now()),
        () => {
          this.now();
          w.readFailed(op);
        },
      );
  }

  /** Stops retrying (the run is over). */
  close(): void {
    this.closed = true;
  }
}
