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
//
// Cancellation is lazy and O(1): a timer id names a slot and the slot's
// generation (bumped each time the slot is reused), so `cancel` can tell a
// pending event from one that already ran, and marks it by dropping its
// handler; the loop discards it when it reaches the top of the heap.

/** Slots are numbered below this; a timer id is `generation * SLOT_SPAN + slot`. */
const SLOT_SPAN = 2 ** 26;
/** Generations stay below this so ids stay exact integers (< 2^53); a slot whose generation reaches GEN_LIMIT − 1 is retired. */
const GEN_LIMIT = 2 ** 27;

/** An event callback. */
export type Handler<T> = (arg: T) => void;

/** Handle of a scheduled event, for `cancel`. Opaque; never 0, never reused. */
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
  private gens = new Int32Array(this.cap);
  private heap = new Int32Array(this.cap);
  private size = 0;
  private free: number[] = [];
  private nextSlot = 0;
  private nextSeq = 0;
  private stopRequested = false;

  /** Number of pending events (cancelled ones included until they surface). */
  get pending(): number {
    return this.size;
  }

  /**
   * Schedules `fn(arg)` at absolute time `atUs`, rounded to an integer; a time
   * in the past is clamped to now. Throws on NaN and on +Infinity.
   */
  at<T>(atUs: number, fn: Handler<T>, arg: T): TimerId {
    let t = Math.round(atUs) + 0; // + 0 turns -0 (from -0.4, say) into 0, so the clock never reads -0
    if (!(t >= this.now && t !== Infinity)) {
      if (Number.isNaN(t) || t === Infinity) throw new Error(`invariant: event scheduled at ${t} (now=${this.now}); times must be finite`);
      t = this.now;
    }
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.newSlot();
    const gen = (this.gens[slot] as number) + 1;
    this.gens[slot] = gen;
    this.times[slot] = t;
    this.seqs[slot] = this.nextSeq++;
    this.fns[slot] = fn as Handler<unknown>;
    this.args[slot] = arg;
    this.push(slot);
    return gen * SLOT_SPAN + slot;
  }

  /** Schedules `fn(arg)` after `delayUs` (≥ 0). */
  after<T>(delayUs: number, fn: Handler<T>, arg: T): TimerId {
    return this.at(this.now + delayUs, fn, arg);
  }

  /** Cancels a pending event; cancelling one that already ran (or was cancelled) is harmless. */
  cancel(id: TimerId): void {
    if (!(Number.isSafeInteger(id) && id >= SLOT_SPAN)) return;
    const slot = id % SLOT_SPAN;
    if (slot >= this.nextSlot || this.gens[slot] !== (id - slot) / SLOT_SPAN) return;
    // A pending slot of this generation still holds its handler; dropping it marks the event cancelled.
    this.fns[slot] = undefined;
    this.args[slot] = undefined;
  }

  /** Asks the loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs events with time ≤ `untilUs`, at most `budget` of them. On return
   * because of `until` (or `empty` with a finite bound), the clock is advanced
   * to `untilUs` rounded down to an integer; it never moves backwards.
   */
  run(untilUs = Infinity, budget = Infinity): RunResult {
    if (Number.isNaN(untilUs) || !(budget >= 0)) throw new Error(`invariant: run(untilUs=${untilUs}, budget=${budget}) needs a bound and a budget ≥ 0`);
    const bound = Math.floor(untilUs);
    let n = 0;
    this.stopRequested = false;
    while (this.size > 0) {
      const top = this.heap[0] as number;
      const t = this.times[top] as number;
      if (t > bound) {
        if (bound > this.now) this.now = bound;
        this.executed += n;
        return { reason: 'until', events: n };
      }
      if (n >= budget) {
        this.executed += n;
        return { reason: 'budget', events: n };
      }
      this.popTop();
      const fn = this.fns[top];
      const arg = this.args[top];
      this.fns[top] = undefined;
      this.args[top] = undefined;
      if ((this.gens[top] as number) < GEN_LIMIT - 1) this.free.push(top); // else retire: its next id would not be exact
      if (fn === undefined) continue; // cancelled
      this.now = t;
      n++;
      fn(arg);
      if (this.stopRequested) {
        this.executed += n;
        return { reason: 'stopped', events: n };
      }
    }
    if (bound !== Infinity && bound > this.now) this.now = bound;
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

  private newSlot(): number {
    const slot = this.nextSlot++;
    if (slot >= SLOT_SPAN) throw new Error(`invariant: more than ${SLOT_SPAN} events pending`);
    if (slot >= this.cap) this.grow();
    return slot;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    const gens = new Int32Array(cap);
    gens.set(this.gens);
    const heap = new Int32Array(cap);
    heap.set(this.heap);
    this.times = times;
    this.seqs = seqs;
    this.gens = gens;
    this.heap = heap;
    this.fns.length = cap;
    this.args.length = cap;
    this.cap = cap;
  }
}
