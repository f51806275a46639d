// Session guarantees checker: read-your-writes and monotonic reads (SPEC §2).
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
 */
export class RecentReads {
  /** Per session, RECENT_READS pairs [row, version seen] side by side (row -1: free). Slot k of session s is pair s × RECENT_READS + k. */
  private readonly pairs: Float64Array;
  private readonly next: Uint8Array;

  constructor(sessionCount: number) {
    this.pairs = new Float64Array(sessionCount * RECENT_READS * 2);
    for (let i = 0; i < this.pairs.length; i += 2) this.pairs[i] = -1;
    this.next = new Uint8Array(sessionCount);
  }

  /** The slot remembering (session, row), or -1. */
  find(session: number, row: number): number {
    const base = session * RECENT_READS;
    const p = this.pairs;
    for (let k = 0; k < RECENT_READS; k++) if (p[2 * (base + k)] === row) return base + k;
    return -1;
  }

  /** A slot for (session, row), taking the session's oldest. */
  claim(session: number, row: number): number {
    const k = this.next[session] as number;
    this.next[session] = (k + 1) % RECENT_READS;
    const slot = session * RECENT_READS + k;
    this.pairs[2 * slot] = row;
    return slot;
  }

  version(slot: number): number {
    return this.pairs[2 * slot + 1] as number;
  }

  setVersion(slot: number, version: number): void {
    this.pairs[2 * slot + 1] = version;
  }

  /** Calls `visit` with every remembered version. */
  forEachVersion(visit: (version: number) => void): void {
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) if ((p[i] as number) >= 0) visit(p[i + 1] as number);
  }
}

export class SessionChecker {
  /** Per session: [last written row (-1: none), its version, its ack time, unused] side by side. */
  private readonly lastWrite: Float64Array;
  private readonly recent: RecentReads;
  /** The last read's verdicts (set by `onRead`). */
  ryw = false;
  monotonic = false;

  constructor(sessionCount: number) {
    this.lastWrite = new Float64Array(sessionCount * 4);
    for (let i = 0; i < this.lastWrite.length; i += 4) this.lastWrite[i] = -1;
    this.recent = new RecentReads(sessionCount);
  }

  /** The session's write to `row` (creating `version`) was acknowledged at `ackUs`. */
  onWriteAck(session: number, row: number, version: number, ackUs: number): void {
    const i = 4 * session;
    this.lastWrite[i] = row;
    this.lastWrite[i + 1] = version;
    this.lastWrite[i + 2] = ackUs;
  }

  /** Judges a session's read: sets `ryw` and `monotonic` to the guarantees it broke. */
  onRead(session: number, row: number, version: number, startUs: number): void {
    const w = this.lastWrite;
    const i = 4 * session;
    this.ryw = w[i] === row && (w[i + 2] as number) < startUs && version < (w[i + 1] as number);
    const recent = this.recent;
    let monotonic = false;
    const slot = recent.find(session, row);
    if (slot < 0) recent.setVersion(recent.claim(session, row), version);
    else if (version < recent.version(slot)) monotonic = true;
    else if (version > recent.version(slot)) recent.setVersion(slot, version);
    this.monotonic = monotonic;
  }
}
