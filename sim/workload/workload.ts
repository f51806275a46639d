// The client workload: per-region arrival processes for reads and writes,
// sessions, and read-after-write follow-ups. It creates operations and hands
// them to the topology; the topology reports outcomes back here, and they go
// out as events (sim/measure/events.ts). Each region's workload draws from
// its own RNG streams.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng, RngRoot } from '../core/rng.ts';
import { compileDist, type Sampler } from '../core/distributions.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { CommitRef, RunEvents } from '../measure/events.ts';
import type { HistoryRecord, HistoryWriter } from '../measure/history.ts';
import type { KeySpace } from '../world/keys.ts';
import type { Op, Topology } from '../db/op.ts';

export type { Op, Topology } from '../db/op.ts';

export interface RegionLoad {
  writesPerS: number;
  readsPerS: number;
}

export interface WorkloadOptions {
  sched: Scheduler;
  rng: RngRoot;
  regionIds: readonly string[];
  load: readonly RegionLoad[];
  arrivals: 'poisson' | 'constant';
  keys: KeySpace;
  rowBytes: readonly number[];
  sessionsPerRegion: number;
  readAfterWrite: { probability: number; delay: Sampler };
  /** Client gives up after this long, µs. */
  clientTimeoutUs: number;
  endUs: number;
  events: RunEvents;
  history?: HistoryWriter | undefined;
  /** Picks the row for an operation issued in `region` (region-pinned homes users). */
  pickRow?: ((region: number, rng: Rng) => number) | undefined;
}

interface Process {
  region: number;
  write: boolean;
  meanGapUs: number;
  rng: Rng;
}

/**
 * Per-session client state that routing strategies read: each session's last
 * acknowledged write (when its ack arrived, its LSN and the primary's epoch),
 * side by side in one 32-byte record, so an operation touches one cache line
 * of it (sessions are drawn at random: this table is read on every read).
 */
export class Sessions {
  private readonly rec: Float64Array;
  constructor(count: number) {
    this.rec = new Float64Array(count * SESSION_STRIDE);
    for (let s = 0; s < count; s++) {
      this.rec[s * SESSION_STRIDE] = -Infinity;
      this.rec[s * SESSION_STRIDE + 2] = -1;
    }
  }
  /** When the session's last write was acknowledged, µs (−∞: none yet). */
  lastWriteUs(session: number): number {
    return this.rec[session * SESSION_STRIDE] as number;
  }
  /** The LSN of the session's last acknowledged write. */
  lastWriteLsn(session: number): number {
    return this.rec[session * SESSION_STRIDE + 1] as number;
  }
  /** The epoch of the primary that committed it (−1: none yet). */
  lastWriteEpoch(session: number): number {
    return this.rec[session * SESSION_STRIDE + 2] as number;
  }
  /** The session's write committed at `lsn` in `epoch` was acknowledged at `ackUs`. */
  wrote(session: number, ackUs: number, lsn: number, epoch: number): void {
    const i = session * SESSION_STRIDE;
    const r = this.rec;
    r[i] = ackUs;
    r[i + 1] = lsn;
    r[i + 2] = epoch;
  }
}
/** Numbers per session in Sessions (the fourth is padding, so a record never straddles a cache line). */
const SESSION_STRIDE = 4;

/** The workload options a scenario defines, for a world's regions and key space. */
export function workloadOptions(
  sc: Scenario,
  w: { sched: Scheduler; rng: RngRoot; ids: readonly string[]; keys: KeySpace; endUs: number },
  events: RunEvents,
  history: HistoryWriter | undefined,
): WorkloadOptions {
  return {
    sched: w.sched, rng: w.rng, regionIds: w.ids,
    load: w.ids.map((id) => {
      const l = sc.workload.regions[id];
      return { writesPerS: l?.writes ?? 0, readsPerS: l?.reads ?? 0 };
    }),
    arrivals: sc.workload.arrivals, keys: w.keys, rowBytes: sc.workload.tables.map((t) => t.rowBytes), sessionsPerRegion: sc.workload.sessions,
    readAfterWrite: { probability: sc.workload.readAfterWrite.probability, delay: compileDist(sc.workload.readAfterWrite.delay) },
    clientTimeoutUs: sc.workload.clientTimeout, endUs: w.endUs, events, history,
  };
}

export class Workload {
  readonly sessions: Sessions;
  private topology: Topology | undefined;
  private readonly keyRng: Rng[];
  private readonly rawRng: Rng[];
  private readonly sessionRng: Rng[];
  private readonly arriveBound = (p: Process) => this.arrive(p);
  private readonly followUpBound = (op: Op) => this.issue(op);
  /** Regions whose clients are dark (region outage): set through setDark (the lab's nemesis writes it directly). */
  readonly dark: boolean[];
  /** The history sink, if any; every emission is guarded by it, so no history costs nothing. */
  private readonly history: HistoryWriter | undefined;
  /** Invocation index per operation in flight (only when a history sink is set). */
  private readonly opIds: WeakMap<Op, number> | undefined;
  private nextOpId = 0;

  constructor(private readonly o: WorkloadOptions) {
    const n = o.regionIds.length;
    this.sessions = new Sessions(n * o.sessionsPerRegion);
    this.keyRng = o.regionIds.map((id) => o.rng.stream(`workload/${id}/keys`));
    this.rawRng = o.regionIds.map((id) => o.rng.stream(`workload/${id}/read-after-write`));
    this.sessionRng = o.regionIds.map((id) => o.rng.stream(`workload/${id}/sessions`));
    this.dark = o.regionIds.map(() => false);
    this.history = o.history;
    this.opIds = this.history ? new WeakMap() : undefined;
  }

  /** Region r's clients go dark (a region outage: their operations fail at once) or come back. */
  setDark(r: number, dark: boolean): void {
    this.dark[r] = dark;
  }

  /** Emits one history record for `op` (callers check `this.history` first). */
  private emit(op: Op, type: HistoryRecord['type'], timeUs: number, value: number | null, node?: number): void {
    const h = this.history as HistoryWriter;
    const ids = this.opIds as WeakMap<Op, number>;
    let id = ids.get(op);
    if (id === undefined) ids.set(op, (id = this.nextOpId++));
    const r: HistoryRecord = { type, f: op.write ? 'write' : 'read', process: op.session, region: this.o.regionIds[op.region] as string, key: op.row, value, timeUs, op: id };
    if (node !== undefined) r.node = this.o.regionIds[node] as string;
    h.write(r);
  }

  /** Lets the topology pick each operation's row (region-pinned homes its users). */
  useRowPicker(pick: (region: number, rng: Rng) => number): void {
    this.o.pickRow = pick;
  }

  /** Starts the arrival processes. */
  start(topology: Topology): void {
    this.topology = topology;
    this.o.regionIds.forEach((id, region) => {
      const load = this.o.load[region];
      if (!load) return;
      for (const write of [true, false]) {
        const rate = write ? load.writesPerS : load.readsPerS;
        if (rate <= 0) continue;
        const p: Process = { region, write, meanGapUs: 1e6 / rate, rng: this.o.rng.stream(`workload/${id}/${write ? 'writes' : 'reads'}`) };
        this.o.sched.at(this.gap(p), this.arriveBound, p);
      }
    });
  }

  private gap(p: Process): number {
    return this.o.arrivals === 'constant' ? p.meanGapUs : -p.meanGapUs * Math.log(1 - p.rng.next());
  }

  private arrive(p: Process): void {
    const { sched, keys } = this.o;
    const now = sched.now;
    const next = now + this.gap(p);
    if (next < this.o.endUs) sched.at(next, this.arriveBound, p);
    const region = p.region;
    const rng = this.keyRng[region] as Rng;
    const row = this.o.pickRow ? this.o.pickRow(region, rng) : keys.row(keys.pickTable(rng), keys.pickKey(rng));
    const table = keys.tableOf(row);
    const session = region * this.o.sessionsPerRegion + (this.sessionRng[region] as Rng).int(this.o.sessionsPerRegion);
    this.issue({ write: p.write, region, session, row, table, bytes: this.o.rowBytes[table] ?? 0, invokeUs: now, done: false });
  }

  private issue(op: Op): void {
    op.invokeUs = this.o.sched.now;
    if (this.history) this.emit(op, 'invoke', op.invokeUs, null);
    if (this.dark[op.region]) {
      // The region's clients are down with it: the users there get nothing.
      this.fail(op);
      return;
    }
    if (op.write) {
      this.o.events.writeInvoked(op);
      (this.topology as Topology).write(op);
    } else (this.topology as Topology).read(op);
  }

  private fail(op: Op): void {
    if (op.done) return;
    op.done = true;
    if (this.history) this.emit(op, 'fail', this.o.sched.now, null);
    if (op.write) this.o.events.writeFailed(op);
    else this.o.events.readFailed(op);
  }

  // --- outcomes, reported by the topology ------------------------------------

  /** The write's ack reached its client at `ackUs` (≥ now for same-region answers); `c` says what committed it. */
  writeAcked(op: Op, ackUs: number, c: CommitRef): void {
    if (op.done) return;
    op.done = true;
    if (ackUs - op.invokeUs > this.o.clientTimeoutUs) {
      // The client had given up: indeterminate to it, failed for availability.
      if (this.history) this.emit(op, 'info', op.invokeUs + this.o.clientTimeoutUs, null);
      this.o.events.writeFailed(op);
      return;
    }
    this.sessions.wrote(op.session, ackUs, c.lsn, c.epoch);
    if (this.history) this.emit(op, 'ok', ackUs, c.version, c.node.region);
    this.o.events.writeAcked(op, ackUs, c);
    const raw = this.o.readAfterWrite;
    if (raw.probability > 0 && (this.rawRng[op.region] as Rng).next() < raw.probability) {
      const at = ackUs + Math.max(0, raw.delay(this.rawRng[op.region] as Rng));
      if (at < this.o.endUs) {
        // Written out in the same field order as `arrive`'s, so every operation has one shape.
        const read: Op = { write: false, region: op.region, session: op.session, row: op.row, table: op.table, bytes: op.bytes, invokeUs: at, done: false };
        this.o.sched.at(at, this.followUpBound, read);
      }
    }
  }

  /** The write failed (refused, lost, timed out); `atUs` is when the client learned it. */
  writeFailed(op: Op): void {
    this.fail(op);
  }

  /** A read was served with `version`; the answer reaches the client at `endUs`. */
  readServed(op: Op, version: number, endUs: number): void {
    if (op.done) return;
    op.done = true;
    if (endUs - op.invokeUs > this.o.clientTimeoutUs) {
      if (this.history) this.emit(op, 'fail', op.invokeUs + this.o.clientTimeoutUs, null);
      this.o.events.readFailed(op);
      return;
    }
    if (this.history) this.emit(op, 'ok', endUs, version);
    this.o.events.readServed(op, version, endUs);
  }

  readFailed(op: Op): void {
    this.fail(op);
  }

  /** Schedules the client-side timeout of an operation that may never be answered. */
  armTimeout(op: Op): void {
    this.o.sched.at(op.invokeUs + this.o.clientTimeoutUs, this.timeoutBound, op);
  }
  private readonly timeoutBound = (op: Op) => this.timedOut(op);

  /** The client gave up waiting: a write may still have committed (history `info`), a read simply failed. */
  private timedOut(op: Op): void {
    if (op.done || !op.write || !this.history) return this.fail(op);
    this.emit(op, 'info', this.o.sched.now, null);
    op.done = true;
    this.o.events.writeFailed(op);
  }
}
