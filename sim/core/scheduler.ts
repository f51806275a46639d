// The event loop: a clock and a binary heap keyed (time, sequence).
//
// Time is an integer number of microseconds. Events at equal times run in the
// order they were scheduled (the sequence number breaks ties), so every run is
// reproducible. The scheduler knows nothing of databases or networks: it calls
// `fn(arg)` at the scheduled time. Passing a pre-bound function and a payload
// (instead of a fresh closure per event) keeps the hot path allocation-light.
//
// Storage: events live in parallel typed arrays indexed by a slot; the heap is
// an Int32Array of slots. Freed slots are reused, so a long run allocates only
// as much as its peak number of pending events.

/** An event callback. */
export type Handler<T> = (arg: T) => void;

/** Handle of a scheduled event, for `cancel`. */
export type TimerId = number;

export interface RunResult {
  /** Why the loop stopped. */
  reason: 'until' | 'empty' | 'budget' | 'stopped';
  /** Events executed by this call. */
  events: number;
}

export class Scheduler {
  /** Current simulated time, integer microseconds. */
  now = 0;
  /** Events executed since construction. */
  executed = 0;

  private cap = 1024;
  private times = new Float64Array(this.cap);
  private seqs = new Float64Array(this.cap);
  private fns: Array<Handler<unknown> | undefined> = new Array(this.cap);
  private args: unknown[] = new Array(this.cap);
  private heap = new Int32Array(this.cap);
  private size = 0;
  private free: number[] = [];
  private nextSlot = 0;
  private nextSeq = 0;
  private cancelled = new Set<number>();
  private stopRequested = false;

  /** Number of pending events (cancelled ones included until they surface). */
  get pending(): number {
    return this.size;
  }

  /** Schedules `fn(arg)` at absolute time `atUs` (≥ now; rounded to an integer). */
  at<T>(atUs: number, fn: Handler<T>, arg: T): TimerId {
    let t = Math.round(atUs);
    if (!(t >= this.now)) {
      if (Number.isNaN(t)) throw new Error(`invariant: event scheduled at NaN (now=${this.now})`);
      t = this.now;
    }
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.nextSlot++;
    if (slot >= this.cap) this.grow();
    const seq = this.nextSeq++;
    this.times[slot] = t;
    this.seqs[slot] = seq;
    this.fns[slot] = fn as Handler<unknown>;
    this.args[slot] = arg;
    this.push(slot);
    return seq;
  }

  /** Schedules `fn(arg)` after `delayUs` (≥ 0). */
  after<T>(delayUs: number, fn: Handler<T>, arg: T): TimerId {
    return this.at(this.now + delayUs, fn, arg);
  }

  /** Cancels a pending event; cancelling one that already ran is harmless. */
  cancel(id: TimerId): void {
    if (id >= 0 && id < this.nextSeq) this.cancelled.add(id);
  }

  /** Asks the loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs events with time ≤ `untilUs`, at most `budget` of them. On return
   * because of `until`, the clock is advanced to `untilUs`.
   */
  run(untilUs = Infinity, budget = Infinity): RunResult {
    let n = 0;
    this.stopRequested = false;
    while (this.size > 0) {
      const top = this.heap[0] as number;
      const t = this.times[top] as number;
      if (t > untilUs) {
        this.now = untilUs;
        this.executed += n;
        return { reason: 'until', events: n };
      }
      if (n >= budget) {
        this.executed += n;
        return { reason: 'budget', events: n };
      }
      this.popTop();
      const seq = this.seqs[top] as number;
      const fn = this.fns[top] as Handler<unknown>;
      const arg = this.args[top];
      this.fns[top] = undefined;
      this.args[top] = undefined;
      this.free.push(top);
      if (this.cancelled.size > 0 && this.cancelled.delete(seq)) continue;
      this.now = t;
      n++;
      fn(arg);
      if (this.stopRequested) {
        this.executed += n;
        return { reason: 'stopped', events: n };
      }
    }
    if (untilUs !== Infinity) this.now = Math.max(this.now, untilUs);
    this.executed += n;
    return { reason: 'empty', events: n };
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] as number;
    const tb = this.times[b] as number;
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private push(slot: number): void {
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as number;
      if (!this.less(slot, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  private popTop(): void {
    const heap = this.heap;
    const last = heap[--this.size] as number;
    if (this.size === 0) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.less(heap[r] as number, heap[l] as number)) c = r;
      const cs = heap[c] as number;
      if (!this.less(cs, last)) break;
      heap[i] = cs;
      i = c;
    }
    heap[i] = last;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    const heap = new Int32Array(cap);
    heap.set(this.heap);
    this.times = times;
    this.seqs = seqs;
    this.heap = heap;
    this.fns.length = cap;
    this.args.length = cap;
    this.cap = cap;
  }
}
