// The client timeouts of a leaderless store's requests: the due queue.
//
// Every request's client timeout falls due at invoke + clientTimeout, so
// requests queue in deadline order and one timer at a time serves them:
// it fires at the deadline of the first request whose timeout still has
// work to do (a read not answered, a write not answered or with replicas
// neither acked nor hinted), and requests whose timeout would change
// nothing are passed over without an event of their own. A request whose
// deadline would break the order (its coordinator resumed from a pause)
// gets its own event.
//
// Owns the queue and its timer only; what a timeout does is the write's or
// the read's business (`timedOut`, given by the store).
import type { Scheduler } from '../../core/scheduler.ts';
import { Fifo } from '../../core/fifo.ts';
import type { RequestState } from './types.ts';

export class DueQueue {
  private readonly q = new Fifo<RequestState>();
  private armed = false;
  private readonly firedBound = () => this.fired();

  constructor(
    private readonly sched: Scheduler,
    private readonly clientTimeoutUs: number,
    /** Replicas in all (a write with all of them marked has no hint left to decide). */
    private readonly n: number,
    private readonly hintedHandoff: boolean,
    private readonly timedOut: (s: RequestState) => void,
  ) {}

  private deadlineOf(s: RequestState): number {
    return s.op.invokeUs + this.clientTimeoutUs;
  }

  /** Nothing left for the timeout to do (a write's hints are decided, the client has its answer). */
  private settled(s: RequestState): boolean {
    return s.done && (!s.isWrite || s.marked === this.n || !this.hintedHandoff);
  }

  watch(s: RequestState): void {
    const d = this.deadlineOf(s);
    const q = this.q;
    if (d < this.sched.now || (!q.isEmpty() && d < this.deadlineOf(q.last() as RequestState))) {
      this.sched.at(d, this.timedOut, s);
      return;
    }
    q.push(s);
    if (!this.armed) {
      this.armed = true;
      this.sched.at(d, this.firedBound, undefined);
    }
  }

  // The entries served stay queued until the pass ends (dropped at once
  // then): a request watched from inside a timeout is ordered against the
  // last entry pushed, served or not, as it always was.
  private fired(): void {
    this.armed = false;
    const now = this.sched.now;
    const q = this.q;
    let k = 0;
    while (k < q.length) {
      const s = q.peek(k) as RequestState;
      if (this.settled(s)) {
        k++;
        continue;
      }
      const d = this.deadlineOf(s);
      if (d > now) {
        this.armed = true;
        this.sched.at(d, this.firedBound, undefined);
        break;
      }
      k++;
      this.timedOut(s);
    }
    q.drop(k);
  }
}
