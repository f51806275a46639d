// The one interface through which the model tells the measurement what
// happened. The workload, the topologies, the monitor and the failover
// controller emit; the recorder, the ledger and the checkers subscribe
// (sim/measure/measurement.ts wires them). Nothing flows back: every method
// returns void, and no model file imports a recorder, ledger or checker.
//
// Events are synchronous calls made at the moment the model knows the fact,
// so a subscriber sees the model's state exactly as it was then (a read's
// verdict is judged against the replicas as they are when it is served).
import type { DbNode } from '../db/node.ts';
import type { Op } from '../db/op.ts';
import type { TraceEvent } from './history.ts';

/** The node that committed a write: a DbNode, or (a topology without a WAL, e.g. consensus) just its region. */
export type CommitNode = DbNode | { readonly region: number; readonly wal?: undefined };

/** What a topology knows of a committed write when its ack reaches the client. */
export interface CommitRef {
  /** The node that committed it (a DbNode's WAL holds the record at `lsn`). */
  node: CommitNode;
  /** Write id: the version the write created. */
  version: number;
  lsn: number;
  /** Epoch of the primary that committed it (consensus: the leader's term; 0 where there are no epochs). */
  epoch: number;
  commitUs: number;
  /** Replication group whose primary or leader committed it (consensus: its Raft group's index; absent: 0). */
  group?: number;
}

/** A failover as the controller ran it, or a Raft group's election won after the start (region indices, µs). */
export interface FailoverRecord {
  /** Region of the old primary or leader (−1: none known). */
  from: number;
  to: number;
  reason: string;
  faultAtUs: number;
  startedAtUs: number;
  completedAtUs: number;
  epoch: number;
  /** Index of its loss tally (the n-th failover started, from 0). */
  tally: number;
  /** Replication group whose epoch began (consensus: the Raft group's index; absent: 0). */
  group?: number;
  /** The group's name in the summary (consensus with per-table placement). */
  groupName?: string;
}

export interface RunEvents {
  // --- client operations (emitted by the workload) ---------------------------
  /** A write is handed to the topology (its region's clients are up). */
  writeInvoked(op: Op): void;
  /** A write's ack reached its client at `ackUs`, within the client timeout. */
  writeAcked(op: Op, ackUs: number, c: CommitRef): void;
  /** A write failed for its client (refused, timed out, answer lost or late). */
  writeFailed(op: Op): void;
  /** A read was served with `version`; its answer reaches the client at `endUs`, within the timeout. */
  readServed(op: Op, version: number, endUs: number): void;
  readFailed(op: Op): void;

  // --- replication (topologies, monitor) --------------------------------------
  /** A write committed at `origin` at `commitUs` became visible in region `target` at `doneUs`. */
  applied(origin: number, target: number, commitUs: number, doneUs: number): void;
  /** Multi-writer: remote write `write` reached region `region` at `atUs` while it held version `held` of the row. */
  replicaApplied(region: number, write: number, held: number, atUs: number): void;
  /** End of run: a write committed at `commitUs` was still not applied in region `target` at `endUs` (its lag counts as its age then). */
  unapplied(origin: number, target: number, commitUs: number, endUs: number): void;
  /** The monitor's lag sample of a channel. */
  lagSample(source: number, target: number, nowUs: number, lagUs: number): void;
  /** A channel's lag crossed upward from level `from` to `to` (1 warning, 2 critical). */
  lagAlert(from: number, to: number): void;

  // --- failover and rejoin (control) ------------------------------------------
  /** A failover began; its losses are charged to tally `tally`. */
  failoverStarted(tally: number): void;
  /** The controller refused to fail over (no candidate, too much lag). */
  failoverRefused(): void;
  /** A promotion completed (a new primary, or a Raft leader that may serve): epoch `rec.epoch` of its group began at `rec.completedAtUs`. */
  promoted(rec: FailoverRecord): void;
  /** A committed write of `row` will not survive (its timeline was abandoned); the measurement forgets it if it was acknowledged. */
  writeAbandoned(row: number, version: number): void;
  /** `region` abandons epoch `epoch`'s timeline after `lsn`; what it discards is charged to `tally`. */
  rewound(region: number, epoch: number, lsn: number, tally: number): void;
  /** The WAL record at `index` of `node` is discarded (rewind, rebuild, end of run). */
  walDiscarded(node: DbNode, index: number, tally: number): void;
  /** End of run: these nodes hold the surviving timeline. */
  converged(survivors: readonly DbNode[]): void;
  /** End of run (leaderless, consensus): an acknowledged write of `row` that no replica holds and none will receive (RPO), charged to failover tally `tally` (absent, −1: none). */
  lostAcked(row: number, version: number, ackUs: number, bytes: number, tally?: number): void;

  /** A line for the trace (faults, failovers, alerts, ...). */
  trace(e: TraceEvent): void;
}

/** A read's verdict (docs/metrics.md). */
export interface ReadVerdict {
  stale: boolean;
  stalenessUs: number;
  versionsBehind: number;
  ryw: boolean;
  monotonic: boolean;
  /**
   * t-visibility (docs/model.md), from judges that report it: read start − the ack
   * of the latest write to the row acknowledged before the read began (−1:
   * none), and whether the read reflects that write.
   */
  tUs?: number;
  consistent?: boolean;
}

/** Judges reads against the acknowledged writes it has heard of (staleness and session checkers). */
export interface ReadJudge {
  /** `session`'s write to `row`, creating `version`, was acknowledged at `ackUs`. */
  onAck(session: number, row: number, version: number, ackUs: number): void;
  /** A read by `session` in `region` of `row` that began at `startUs` returned `version`. */
  onRead(region: number, session: number, row: number, version: number, startUs: number): ReadVerdict;
  /** True when the verdicts carry t-visibility (`tUs`, `consistent`): the summary then reports it. */
  readonly visibility?: boolean;
}

/** What a read reflects: the topology's staleness oracle (docs/metrics.md). */
export type StalenessOracle =
  /** Write ids order versions; `minVisible(row)` is the lowest version of the row any copy shows. */
  | { kind: 'versions'; minVisible: (row: number) => number }
  /** Writers resolve conflicts; `reflects(r, row, w)`: region r shows write w or one that displaces it. */
  | { kind: 'reflects'; reflects: (region: number, row: number, w: number) => boolean }
  /** The topology's own read judge (leaderless: a read is judged by the answer its coordinator assembled). */
  | { kind: 'judge'; judge: ReadJudge };

/** The order the conflict counter judges writes in (active-active: sim/db/write-table.ts; leaderless: its write facts). */
export interface WriteOrder {
  /** Write a beats write b under last-writer-wins (anything beats 0). */
  beats(a: number, b: number): boolean;
  /** Neither write happened before the other. */
  concurrent(a: number, b: number): boolean;
  /** Registers a visitor of the write ids a holder still refers to (for compaction). */
  addHolder(visit: (mark: (id: number) => void) => void): void;
}

/** What a topology asks the measurement to judge. */
export interface MeasureSpec {
  oracle: StalenessOracle;
  /**
   * Acks come from the primary or leader of an epoch (single-primary; consensus, whose epochs are
   * terms): the ledger books them per epoch (deposed writes, split-brain, RTO) and against the WAL
   * record they name (RPO on a rewind).
   */
  epochs: boolean;
  /**
   * A deposed primary's writes are on a timeline its successor abandons (single-primary): none is a
   * yardstick for staleness, and with fencing on none may be acknowledged. Absent: a deposed leader's
   * acknowledged writes are committed in its group's log (consensus), yardsticks like any other.
   */
  deposedDiverge?: boolean;
  /** Concurrent writers: conflicts and lost updates, judged in the write table's order. */
  conflicts?: { writes: WriteOrder; lww: (table: number) => boolean } | undefined;
}

type Handlers = { [K in keyof RunEvents]: Array<RunEvents[K]> };
const NAMES: ReadonlyArray<keyof RunEvents> = [
  'writeInvoked', 'writeAcked', 'writeFailed', 'readServed', 'readFailed', 'applied', 'replicaApplied', 'unapplied', 'lagSample', 'lagAlert',
  'failoverStarted', 'failoverRefused', 'promoted', 'writeAbandoned', 'rewound', 'walDiscarded', 'converged', 'lostAcked', 'trace',
];

/**
 * Fans each event out to its subscribers, in subscription order. Subscribe
 * before the run starts; a listener implements only the events it needs.
 */
export class EventHub implements RunEvents {
  private readonly h = Object.fromEntries(NAMES.map((k) => [k, []])) as unknown as Handlers;

  subscribe(listener: Partial<RunEvents>): void {
    for (const k of NAMES) {
      const f = listener[k];
      if (f) (this.h[k] as Array<(...a: never[]) => void>).push(f.bind(listener) as (...a: never[]) => void);
    }
  }

  writeInvoked(op: Op): void { for (const f of this.h.writeInvoked) f(op); }
  writeAcked(op: Op, ackUs: number, c: CommitRef): void { for (const f of this.h.writeAcked) f(op, ackUs, c); }
  writeFailed(op: Op): void { for (const f of this.h.writeFailed) f(op); }
  readServed(op: Op, version: number, endUs: number): void { for (const f of this.h.readServed) f(op, version, endUs); }
  readFailed(op: Op): void { for (const f of this.h.readFailed) f(op); }
  applied(origin: number, target: number, commitUs: number, doneUs: number): void { for (const f of this.h.applied) f(origin, target, commitUs, doneUs); }
  replicaApplied(region: number, write: number, held: number, atUs: number): void { for (const f of this.h.replicaApplied) f(region, write, held, atUs); }
  unapplied(origin: number, target: number, commitUs: number, endUs: number): void { for (const f of this.h.unapplied) f(origin, target, commitUs, endUs); }
  lagSample(source: number, target: number, nowUs: number, lagUs: number): void { for (const f of this.h.lagSample) f(source, target, nowUs, lagUs); }
  lagAlert(from: number, to: number): void { for (const f of this.h.lagAlert) f(from, to); }
  failoverStarted(tally: number): void { for (const f of this.h.failoverStarted) f(tally); }
  failoverRefused(): void { for (const f of this.h.failoverRefused) f(); }
  promoted(rec: FailoverRecord): void { for (const f of this.h.promoted) f(rec); }
  writeAbandoned(row: number, version: number): void { for (const f of this.h.writeAbandoned) f(row, version); }
  rewound(region: number, epoch: number, lsn: number, tally: number): void { for (const f of this.h.rewound) f(region, epoch, lsn, tally); }
  walDiscarded(node: DbNode, index: number, tally: number): void { for (const f of this.h.walDiscarded) f(node, index, tally); }
  converged(survivors: readonly DbNode[]): void { for (const f of this.h.converged) f(survivors); }
  lostAcked(row: number, version: number, ackUs: number, bytes: number, tally = -1): void { for (const f of this.h.lostAcked) f(row, version, ackUs, bytes, tally); }
  trace(e: TraceEvent): void { for (const f of this.h.trace) f(e); }
}
