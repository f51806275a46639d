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
import type { WriteTable } from '../db/conflict.ts';
import type { Op } from '../workload/op.ts';
import type { TraceEvent } from './history.ts';

/** What a topology knows of a committed write when its ack reaches the client. */
export interface CommitRef {
  /** The node that committed it (its WAL holds the record at `lsn`). */
  node: DbNode;
  /** Write id: the version the write created. */
  version: number;
  lsn: number;
  /** Epoch of the primary that committed it (0 where there are no epochs). */
  epoch: number;
  commitUs: number;
}

/** A failover as the controller ran it (region indices, µs). */
export interface FailoverRecord {
  from: number;
  to: number;
  reason: string;
  faultAtUs: number;
  startedAtUs: number;
  completedAtUs: number;
  epoch: number;
  /** Index of its loss tally (the n-th failover started, from 0). */
  tally: number;
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
  /** The monitor's lag sample of a channel. */
  lagSample(source: number, target: number, nowUs: number, lagUs: number): void;
  /** A channel's lag crossed upward from level `from` to `to` (1 warning, 2 critical). */
  lagAlert(from: number, to: number): void;

  // --- failover and rejoin (control) ------------------------------------------
  /** A failover began; its losses are charged to tally `tally`. */
  failoverStarted(tally: number): void;
  /** The controller refused to fail over (no candidate, too much lag). */
  failoverRefused(): void;
  /** A promotion completed: epoch `rec.epoch` began at `rec.completedAtUs`. */
  promoted(rec: FailoverRecord): void;
  /** An acknowledged write of `row` will not survive (its timeline was abandoned). */
  writeAbandoned(row: number, version: number): void;
  /** `region` abandons epoch `epoch`'s timeline after `lsn`; what it discards is charged to `tally`. */
  rewound(region: number, epoch: number, lsn: number, tally: number): void;
  /** The WAL record at `index` of `node` is discarded (rewind, rebuild, end of run). */
  walDiscarded(node: DbNode, index: number, tally: number): void;
  /** End of run: these nodes hold the surviving timeline. */
  converged(survivors: readonly DbNode[]): void;

  /** A line for the trace (faults, failovers, alerts, ...). */
  trace(e: TraceEvent): void;
}

/** What a read reflects: the topology's staleness oracle (SPEC §2). */
export type StalenessOracle =
  /** Write ids order versions; `minVisible(row)` is the lowest version of the row any copy shows. */
  | { kind: 'versions'; minVisible: (row: number) => number }
  /** Writers resolve conflicts; `reflects(r, row, w)`: region r shows write w or one that displaces it. */
  | { kind: 'reflects'; reflects: (region: number, row: number, w: number) => boolean };

/** What a topology asks the measurement to judge. */
export interface MeasureSpec {
  oracle: StalenessOracle;
  /** Epochs and promotions: acks go through the ledger (divergent writes of a zombie primary, RPO). */
  epochs: boolean;
  /** Concurrent writers: conflicts and lost updates, judged in the write table's order. */
  conflicts?: { writes: WriteTable; lww: (table: number) => boolean } | undefined;
}

const NAMES: ReadonlyArray<keyof RunEvents> = [
  'writeInvoked', 'writeAcked', 'writeFailed', 'readServed', 'readFailed', 'applied', 'replicaApplied', 'lagSample', 'lagAlert',
  'failoverStarted', 'failoverRefused', 'promoted', 'writeAbandoned', 'rewound', 'walDiscarded', 'converged', 'trace',
];

type Handler = (...args: never[]) => void;
const NOTHING: Handler = () => {};

/**
 * Fans each event out to its subscribers, in subscription order. Subscribe
 * before the run starts; a listener implements only the events it needs.
 * Each event's dispatcher is rebuilt at subscription: no subscriber costs a
 * no-op call, one is called directly, several in turn.
 */
export class EventHub implements RunEvents {
  private readonly handlers = new Map<keyof RunEvents, Handler[]>(NAMES.map((k) => [k, []]));

  writeInvoked!: RunEvents['writeInvoked'];
  writeAcked!: RunEvents['writeAcked'];
  writeFailed!: RunEvents['writeFailed'];
  readServed!: RunEvents['readServed'];
  readFailed!: RunEvents['readFailed'];
  applied!: RunEvents['applied'];
  replicaApplied!: RunEvents['replicaApplied'];
  lagSample!: RunEvents['lagSample'];
  lagAlert!: RunEvents['lagAlert'];
  failoverStarted!: RunEvents['failoverStarted'];
  failoverRefused!: RunEvents['failoverRefused'];
  promoted!: RunEvents['promoted'];
  writeAbandoned!: RunEvents['writeAbandoned'];
  rewound!: RunEvents['rewound'];
  walDiscarded!: RunEvents['walDiscarded'];
  converged!: RunEvents['converged'];
  trace!: RunEvents['trace'];

  constructor() {
    for (const k of NAMES) this.rebuild(k);
  }

  subscribe(listener: Partial<RunEvents>): void {
    for (const k of NAMES) {
      const f = listener[k] as Handler | undefined;
      if (!f) continue;
      (this.handlers.get(k) as Handler[]).push(f.bind(listener) as Handler);
      this.rebuild(k);
    }
  }

  private rebuild(k: keyof RunEvents): void {
    const hs = (this.handlers.get(k) as Handler[]).slice();
    const n = hs.length;
    const dispatch: Handler = n === 0 ? NOTHING : n === 1 ? (hs[0] as Handler) : (...args: never[]) => {
      for (let i = 0; i < n; i++) (hs[i] as Handler)(...args);
    };
    (this as unknown as Record<keyof RunEvents, Handler>)[k] = dispatch;
  }
}
