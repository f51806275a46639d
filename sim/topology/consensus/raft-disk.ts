// One replica's disk: entries are written in order, each taking a sample of
// the durability time (times the slow-apply factor), so a write completes
// after the one before it. The disk owns the durable prefix (a crash keeps
// exactly it) and the incarnation (bumped at every crash: writes started
// before it never complete).
//
// The leader's own writes complete without an event each: they queue here
// in completion order and are taken as durable whenever the durable index is
// read at or after their time (raft-replicate.ts arms one wake-up when the
// leader's own disk is what holds the commit back). A follower's writes
// complete as its acknowledgements' events (raft-follow.ts), which set the
// durable index themselves.
import type { Rng } from '../../core/rng.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { Scheduler } from '../../core/scheduler.ts';
import { Fifo } from '../../core/fifo.ts';
import type { ReplicaLog } from './log.ts';

/** Numbers per queued own write: [doneUs (whole µs), index, id, incarnation]. */
const STRIDE = 4;

export class ReplicaDisk {
  /** The disk is busy with earlier writes until then, µs. */
  busyUntilUs = 0;
  /** Slow-apply fault: every write takes this many times its sample. */
  factor = 1;
  /** Bumped at every crash: disk writes started before it never complete. */
  incarnation = 0;
  /** A wake-up for the leader's own writes is scheduled (raft-replicate.ts). */
  wakeArmed = false;
  /** Highest durable index as of the last settling of the own-write queue (read durableIndex). */
  private durableUpTo = 0;
  /** The leader's own writes not yet taken as durable, in completion order, STRIDE numbers each. */
  private readonly own = new Fifo<number>();

  constructor(
    private readonly sched: Scheduler,
    private readonly log: ReplicaLog,
    private readonly durability: Sampler,
    private readonly rng: Rng,
  ) {}

  /** The time one more entry takes to write, µs. */
  sample(): number {
    return this.durability(this.rng) * this.factor;
  }

  /** Queues the leader's own write of entry `id` at `index`, after whatever the disk is writing. */
  writeOwn(index: number, id: number): void {
    const doneUs = Math.max(this.sched.now, this.busyUntilUs) + this.sample();
    this.busyUntilUs = doneUs;
    const q = this.own;
    // Queued at the first whole µs at or after completion (the clock reads whole µs, so a write done at
    // x.4 is durable from x + 1 either way). Queued unrounded, the wake-up for it was scheduled at x (the
    // scheduler rounds to the nearest µs), settled nothing, and re-armed at x again, forever.
    q.push(Math.ceil(doneUs));
    q.push(index);
    q.push(id);
    q.push(this.incarnation);
  }

  /** Highest index this replica's disk holds (entries written in order; a crash keeps exactly this prefix). */
  get durableIndex(): number {
    this.settle();
    return this.durableUpTo;
  }

  set durableIndex(index: number) {
    this.durableUpTo = index;
  }

  /** Takes the own writes completed by now as durable (unless a crash or a truncation came first). */
  settle(): void {
    const q = this.own;
    const now = this.sched.now;
    while (!q.isEmpty() && (q.peek(0) as number) <= now) {
      const index = q.peek(1) as number;
      if (q.peek(3) === this.incarnation && this.log.idAt(index) === q.peek(2) && index > this.durableUpTo) this.durableUpTo = index;
      q.drop(STRIDE);
    }
  }

  /** Completion time of the oldest own write not yet settled (undefined: none queued). */
  nextOwnDoneUs(): number | undefined {
    return this.own.peek(0);
  }
}
