// The measurement of one run: the recorder, the ledger and the checkers,
// subscribed to the run's events (sim/measure/events.ts). Which read judge
// and which checkers apply follows from what the topology declares
// (`MeasureSpec`): its staleness oracle, whether its acks come from the
// primary or leader of an epoch (deposed writes, split-brain and RTO through
// the ledger), and whether concurrent writers can conflict.
import type { Op } from '../db/op.ts';
import type { CommitRef, EventHub, MeasureSpec, RunEvents } from './events.ts';
import type { TraceWriter } from './history.ts';
import { Recorder, type ReadJudge } from './recorder.ts';
import { Ledger } from './ledger.ts';
import { VersionJudge } from './judges.ts';
import { ReplicaStaleness } from './replica-staleness.ts';
import { ConflictCounter } from './conflicts.ts';

export type { MeasureSpec, StalenessOracle } from './events.ts';

export interface MeasurementOptions {
  regionCount: number;
  sessionCount: number;
  rowCount: number;
  warmupUs: number;
  filtered: ReadonlySet<number>;
  /** With fencing on, a zombie primary's ack is an invariant violation. */
  fencingOn: boolean;
  trace: TraceWriter | undefined;
}

export class Measurement {
  readonly recorder: Recorder;
  readonly ledger: Ledger;
  readonly conflicts: ConflictCounter | undefined;
  readonly judge: ReadJudge;
  private readonly epochs: boolean;
  private readonly deposedDiverge: boolean;
  private readonly filtered: ReadonlySet<number>;

  constructor(o: MeasurementOptions, spec: MeasureSpec) {
    const oracle = spec.oracle;
    this.judge = oracle.kind === 'versions'
      ? new VersionJudge(o.sessionCount, oracle.minVisible)
      : oracle.kind === 'judge' ? oracle.judge
      : new ReplicaStaleness(o.sessionCount, o.regionCount, oracle.reflects);
    this.recorder = new Recorder({ regionCount: o.regionCount, warmupUs: o.warmupUs, judge: this.judge });
    this.ledger = new Ledger(o.trace);
    // Fencing is the failover controller's: it forbids a deposed primary's acks where those diverge.
    this.ledger.fencingOn = o.fencingOn && spec.deposedDiverge === true;
    if (spec.conflicts) {
      this.conflicts = new ConflictCounter({ rowCount: o.rowCount, writes: spec.conflicts.writes, warmupUs: o.warmupUs, lww: spec.conflicts.lww, filtered: o.filtered });
      const c = this.conflicts;
      // The conflict counter compares writes by the table's order, so it holds the ids it keeps.
      // The read judge does not: it only asks the topology whether a write is reflected, and a
      // write the table dropped was reflected everywhere for good (see `Reflects`).
      spec.conflicts.writes.addHolder((mark) => c.visitWrites(mark));
    }
    this.epochs = spec.epochs;
    this.deposedDiverge = spec.deposedDiverge === true;
    this.filtered = o.filtered;
  }

  /** Subscribes every part to the run's events. */
  subscribeTo(hub: EventHub): void {
    const { recorder, ledger, epochs, deposedDiverge, filtered } = this;
    // The ledger judges an ack first: whether it is divergent decides, inside the measurement,
    // whether the recorder's read judge takes it as a yardstick.
    const acks: Pick<RunEvents, 'writeAcked'> = {
      writeAcked(op: Op, ackUs: number, c: CommitRef): void {
        // A zombie primary's writes are divergent (its timeline is abandoned), and filtered tables
        // are not replicated (see README, "Replication filters"): neither is a yardstick for staleness.
        const deposed = epochs && ledger.acked(c, ackUs, op.bytes);
        const divergent = deposed && deposedDiverge;
        recorder.acked(op, ackUs, c.version, !divergent && !filtered.has(op.table));
      },
    };
    hub.subscribe(acks);
    // writeFailed, readServed, readFailed, applied, lagSample, lagAlert.
    hub.subscribe(recorder);
    hub.subscribe(ledger);
    if (this.judge instanceof VersionJudge) {
      const judge = this.judge;
      hub.subscribe({ writeAbandoned: (row, version) => judge.forget(row, version) });
    }
    if (this.conflicts) hub.subscribe(this.conflicts);
  }
}
