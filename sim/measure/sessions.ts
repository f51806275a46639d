// Session guarantees checker: read-your-writes and monotonic reads (docs/metrics.md).
//
// read-your-writes: a session reads a row it last wrote, after that write
// was acknowledged to it, and gets an older version.
// monotonic reads: a session reads a row again and gets an older version
// than it saw before (the last few rows a session read are remembered).
// State is fixed-size per session.

/** Rows per session remembered for monotonic-read checking. */
const RECENT_READS = 4;

/**
 * The last few rows each session read and the version it saw of each
 * (fixed size, oldest slot reused first). Shared by the session checkers of
 * every topology; what "older" means is theirs to say.
 *
 * Layout: one record of `STRIDE` numbers per session, side by side, so a
 * read touches one or two adjacent cache lines: `HEAD` numbers a checker may
 * use for its own per-session state (`data[base(s) + k]`, k < HEAD), the
 * index of the oldest slot, then RECENT_READS pairs [row (-1: free), version
 * seen]. A slot is the index of its pair's row.
 */
export class RecentReads {
  /** Numbers at the start of each session's record left to the owner. */
  static readonly HEAD = 3;
  private static readonly STRIDE = 16;
  readonly data: Float64Array;

  constructor(sessionCount: number) {
    const S = RecentReads.STRIDE;
    this.data = new Float64Array(sessionCount * S);
    for (let s = 0; s < sessionCount; s++) for (let k = 0; k < RECENT_READS; k++) this.data[s * S + RecentReads.HEAD + 1 + 2 * k] = -1;
  }

  /** Start of a session's record in `data`. */
  base(session: number): number {
    return session * RecentReads.STRIDE;
  }

  /** The slot remembering (session, row), or -1. */
  find(session: number, row: number): number {
    const first = session * RecentReads.STRIDE + RecentReads.HEAD + 1;
    const d = this.data;
    for (let k = 0; k < RECENT_READS; k++) if (d[first + 2 * k] === row) return first + 2 * k;
    return -1;
  }

  /** A slot for (session, row), taking the session's oldest. */
  claim(session: number, row: number): number {
    const at = session * RecentReads.STRIDE + RecentReads.HEAD;
    const d = this.data;
    const k = d[at] as number;
    d[at] = (k + 1) % RECENT_READS;
    const slot = at + 1 + 2 * k;
    d[slot] = row;
    return slot;
  }

  version(slot: number): number {
    return this.data[slot + 1] as number;
  }

  setVersion(slot: number, version: number): void {
    this.data[slot + 1] = version;
  }
}

export class SessionChecker {
  /** Per session, in the head of its recent-reads record: [last written row (-1: none), its version, its ack time]. */
  private readonly recent: RecentReads;
  /** The last read's verdicts (set by `onRead`). */
  ryw = false;
  monotonic = false;

  constructor(sessionCount: number) {
    this.recent = new RecentReads(sessionCount);
    for (let s = 0; s < sessionCount; s++) this.recent.data[this.recent.base(s)] = -1;
  }

  /** The session's write to `row` (creating `version`) was acknowledged at `ackUs`. */
  onWriteAck(session: number, row: number, version: number, ackUs: number): void {
    const w = this.recent.data;
    const i = this.recent.base(session);
    w[i] = row;
    w[i + 1] = version;
    w[i + 2] = ackUs;
  }

  /** Judges a session's read: sets `ryw` and `monotonic` to the guarantees it broke. */
  onRead(session: number, row: number, version: number, startUs: number): void {
    const recent = this.recent;
    const w = recent.data;
    const i = recent.base(session);
    this.ryw = w[i] === row && (w[i + 2] as number) < startUs && version < (w[i + 1] as number);
    let monotonic = false;
    const slot = recent.find(session, row);
    if (slot < 0) recent.setVersion(recent.claim(session, row), version);
    else if (version < recent.version(slot)) monotonic = true;
    else if (version > recent.version(slot)) recent.setVersion(slot, version);
    this.monotonic = monotonic;
  }
}
