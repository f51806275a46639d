// The event loop: a clock and a binary heap keyed (time, sequence).
//
// Time is an integer number of microseconds. Events at equal times run in the
// order they were scheduled (the sequence number breaks ties), so every run is
// reproducible. The scheduler knows nothing of databases or networks: it calls
// `fn(arg)` at the scheduled time. Passing a pre-bound function and a payload
// (instead of a fresh closure per event) keeps the hot path allocation-light.
//
// Storage: an event's handler, payload and generation live in arrays indexed
// by a slot; the heap holds each event's (time, sequence, slot) in three
// parallel typed arrays in heap order, so comparisons read adjacent memory
// rather than chasing slots. Freed slots are reused, so a long run allocates
// only as much as its peak number of pending events.
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
  private fns: Array<Handler<unknown> | undefined> = new Array(this.cap);
  private args: unknown[] = new Array(this.cap);
  private gens = new Int32Array(this.cap);
  /** The heap, in heap order: each entry's time, sequence number and slot. */
  private heapTimes = new Float64Array(this.cap);
  private heapSeqs = new Float64Array(this.cap);
  private heapSlots = new Int32Array(this.cap);
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
    this.fns[slot] = fn as Handler<unknown>;
    this.args[slot] = arg;
    this.push(t, this.nextSeq++, slot);
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
      const top = this.heapSlots[0] as number;
      const t = this.heapTimes[0] as number;
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

  /**
   * Runs up to `budget` more events, counting them by their handler's name
   * (a bound method's property name, `anonymous` when it has none): what a
   * run that stopped making progress keeps doing. Not for the hot path.
   */
  sample(budget: number): Map<string, number> {
    const counts = new Map<string, number>();
    let n = 0;
    while (n < budget && this.size > 0) {
      const top = this.heapSlots[0] as number;
      const t = this.heapTimes[0] as number;
      this.popTop();
      const fn = this.fns[top];
      const arg = this.args[top];
      this.fns[top] = undefined;
      this.args[top] = undefined;
      if ((this.gens[top] as number) < GEN_LIMIT - 1) this.free.push(top);
      if (fn === undefined) continue;
      this.now = t;
      n++;
      const name = fn.name || 'anonymous';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      fn(arg);
    }
    this.executed += n;
    return counts;
  }

  /** Inserts (t, seq, slot), sifting up: an entry moves above its parent only if strictly earlier in (time, sequence). */
  private push(t: number, seq: number, slot: number): void {
    const times = this.heapTimes;
    const seqs = this.heapSeqs;
    const slots = this.heapSlots;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (t > pt || (t === pt && seq > (seqs[parent] as number))) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      slots[i] = slots[parent] as number;
      i = parent;
    }
    times[i] = t;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Removes the top entry: the last entry sifts down from the root. */
  private popTop(): void {
    const n = --this.size;
    if (n === 0) return;
    const times = this.heapTimes;
    const seqs = this.heapSeqs;
    const slots = this.heapSlots;
    const t = times[n] as number;
    const seq = seqs[n] as number;
    const slot = slots[n] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let ct = times[l] as number;
      const r = l + 1;
      if (r < n) {
        const rt = times[r] as number;
        if (rt < ct || (rt === ct && (seqs[r] as number) < (seqs[l] as number))) {
          c = r;
          ct = rt;
        }
      }
      if (ct > t || (ct === t && (seqs[c] as number) > seq)) break;
      times[i] = ct;
      seqs[i] = seqs[c] as number;
      slots[i] = slots[c] as number;
      i = c;
    }
    times[i] = t;
    seqs[i] = seq;
    slots[i] = slot;
  }

  private newSlot(): number {
    const slot = this.nextSlot++;
    if (slot >= SLOT_SPAN) throw new Error(`invariant: more than ${SLOT_SPAN} events pending`);
    if (slot >= this.cap) this.grow();
    return slot;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const gens = new Int32Array(cap);
    gens.set(this.gens);
    const times = new Float64Array(cap);
    times.set(this.heapTimes);
    const seqs = new Float64Array(cap);
    seqs.set(this.heapSeqs);
    const slots = new Int32Array(cap);
    slots.set(this.heapSlots);
    this.gens = gens;
    this.heapTimes = times;
    this.heapSeqs = seqs;
    this.heapSlots = slots;
    this.fns.length = cap;
    this.args.length = cap;
    this.cap = cap;
  }
}
