// Facts about every write a leaderless run issues, by write id (dense from
// 1): its row, timestamp, and when it was invoked and acknowledged.
// Columnar, grown by doubling: 40 bytes a write. Also the order the conflict
// counter judges leaderless writes in (sim/measure/conflicts.ts): LWW by
// (timestamp, id), and concurrency by real time — neither write was
// acknowledged before the other was invoked (without vector clocks, real-time
// precedence stands in for causality; docs/metrics.md).
import type { WriteOrder } from '../../measure/events.ts';
import { compareVersion } from './store.ts';

export class WriteFacts implements WriteOrder {
  private cap = 1024;
  row = new Float64Array(this.cap);
  hi = new Float64Array(this.cap);
  lo = new Float64Array(this.cap);
  invokeUs = new Float64Array(this.cap);
  /** NaN until the client has the ack. */
  ackUs = new Float64Array(this.cap);
  /** Highest id added. */
  count = 0;

  add(row: number, hi: number, lo: number, invokeUs: number): number {
    const id = ++this.count;
    if (id >= this.cap) this.grow();
    this.row[id] = row;
    this.hi[id] = hi;
    this.lo[id] = lo;
    this.invokeUs[id] = invokeUs;
    this.ackUs[id] = NaN;
    return id;
  }

  /** Write a beats write b under last-writer-wins (anything beats 0). */
  beats(a: number, b: number): boolean {
    if (b === 0) return true;
    if (a === 0) return false;
    return compareVersion(this.hi[a] as number, this.lo[a] as number, a, this.hi[b] as number, this.lo[b] as number, b) > 0;
  }

  /** Facts are kept for the whole run: nothing to compact. */
  addHolder(): void {}

  /** Neither write was acknowledged before the other was invoked. Unacked counts as never. */
  concurrent(a: number, b: number): boolean {
    if (a === b) return false;
    const ackA = this.ackUs[a] as number;
    const ackB = this.ackUs[b] as number;
    return !(ackA < (this.invokeUs[b] as number)) && !(ackB < (this.invokeUs[a] as number));
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.row = g(this.row);
    this.hi = g(this.hi);
    this.lo = g(this.lo);
    this.invokeUs = g(this.invokeUs);
    this.ackUs = g(this.ackUs);
    this.cap = cap;
  }
}
