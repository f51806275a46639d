// The gateway's client timeouts: one sweep per gateway every
// TIMEOUT_SWEEP_US hands each operation past its client timeout and still
// unanswered to the workload, instead of one event per operation (a
// timed-out client is told at most that late).
import type { Scheduler } from '../../core/scheduler.ts';
import { Fifo } from '../../core/fifo.ts';
import type { Op } from '../../db/op.ts';
import type { Workload } from '../../workload/workload.ts';

/** Granularity of the client-timeout sweep, µs. */
export const TIMEOUT_SWEEP_US = 100_000;

export class TimeoutSweep {
  /** Operations by issue time (= deadline order). */
  private readonly deadlines = new Fifo<Op>();
  private sweepAtUs = Infinity;
  private readonly sweepBound = () => this.sweep();

  constructor(private readonly sched: Scheduler, private readonly workload: Workload, private readonly clientTimeoutUs: number) {}

  watch(op: Op): void {
    this.deadlines.push(op);
    if (this.sweepAtUs === Infinity) this.arm(op.invokeUs + this.clientTimeoutUs);
  }

  private arm(atUs: number): void {
    this.sweepAtUs = Math.max(atUs, this.sched.now + TIMEOUT_SWEEP_US);
    this.sched.at(this.sweepAtUs, this.sweepBound, undefined);
  }

  private sweep(): void {
    this.sweepAtUs = Infinity;
    const now = this.sched.now;
    const q = this.deadlines;
    for (let op = q.peek(); op !== undefined; op = q.peek()) {
      if (op.invokeUs + this.clientTimeoutUs > now) break;
      q.drop(1);
      if (op.done) continue;
      this.workload.armTimeout(op);
    }
    const next = q.peek();
    if (next) this.arm(next.invokeUs + this.clientTimeoutUs);
  }
}
