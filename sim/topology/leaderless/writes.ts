// Facts about every write a leaderless run issues, by write id (dense from
// 1): its row, timestamp, when it was invoked and acknowledged, and the
// LWW-greatest acknowledged write of its row when it was invoked (for lost
// updates). Columnar, grown by doubling: 48 bytes a write.

export class WriteFacts {
  private cap = 1024;
  row = new Float64Array(this.cap);
  hi = new Float64Array(this.cap);
  lo = new Float64Array(this.cap);
  invokeUs = new Float64Array(this.cap);
  /** NaN until the client has the ack. */
  ackUs = new Float64Array(this.cap);
  bestAtInvoke = new Float64Array(this.cap);
  /** Highest id added. */
  count = 0;

  add(row: number, hi: number, lo: number, invokeUs: number, bestAtInvoke: number): number {
    const id = ++this.count;
    if (id >= this.cap) this.grow();
    this.row[id] = row;
    this.hi[id] = hi;
    this.lo[id] = lo;
    this.invokeUs[id] = invokeUs;
    this.ackUs[id] = NaN;
    this.bestAtInvoke[id] = bestAtInvoke;
    return id;
  }

  /** Neither write was acknowledged before the other was invoked (SPEC §2: concurrent). Unacked counts as never. */
  concurrent(a: number, b: number): boolean {
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
    this.bestAtInvoke = g(this.bestAtInvoke);
    this.cap = cap;
  }
}
