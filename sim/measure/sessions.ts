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
  private readonly row: Int32Array;
  private readonly seen: Float64Array;
  private readonly next: Uint8Array;

  constructor(sessionCount: number) {
    this.row = new Int32Array(sessionCount * RECENT_READS).fill(-1);
    this.seen = new Float64Array(sessionCount * RECENT_READS);
    this.next = new Uint8Array(sessionCount);
  }

  /** The slot remembering (session, row), or -1. */
  find(session: number, row: number): number {
    const base = session * RECENT_READS;
    for (let k = 0; k < RECENT_READS; k++) if (this.row[base + k] === row) return base + k;
    return -1;
  }

  /** A slot for (session, row), taking the session's oldest. */
  claim(session: number, row: number): number {
    const k = this.next[session] as number;
    this.next[session] = (k + 1) % RECENT_READS;
    const slot = session * RECENT_READS + k;
    this.row[slot] = row;
    return slot;
  }

  version(slot: number): number {
    return this.seen[slot] as number;
  }

  setVersion(slot: number, version: number): void {
    this.seen[slot] = version;
  }

  /** Calls `visit` with every remembered version. */
  forEachVersion(visit: (version: number) => void): void {
    for (let k = 0; k < this.seen.length; k++) if ((this.row[k] as number) >= 0) visit(this.seen[k] as number);
  }
}

export class SessionChecker {
  private readonly lastWriteRow: Int32Array;
  private readonly lastWriteVersion: Float64Array;
  private readonly lastWriteAckUs: Float64Array;
  private readonly recent: RecentReads;

  constructor(sessionCount: number) {
    this.lastWriteRow = new Int32Array(sessionCount).fill(-1);
    this.lastWriteVersion = new Float64Array(sessionCount);
    this.lastWriteAckUs = new Float64Array(sessionCount);
    this.recent = new RecentReads(sessionCount);
  }

  /** The session's write to `row` (creating `version`) was acknowledged at `ackUs`. */
  onWriteAck(session: number, row: number, version: number, ackUs: number): void {
    this.lastWriteRow[session] = row;
    this.lastWriteVersion[session] = version;
    this.lastWriteAckUs[session] = ackUs;
  }

  /** Judges a session's read; returns which guarantees it broke. */
  onRead(session: number, row: number, version: number, startUs: number): { ryw: boolean; monotonic: boolean } {
    const ryw =
      this.lastWriteRow[session] === row && (this.lastWriteAckUs[session] as number) < startUs && version < (this.lastWriteVersion[session] as number);
    const recent = this.recent;
    let monotonic = false;
    const slot = recent.find(session, row);
    if (slot < 0) recent.setVersion(recent.claim(session, row), version);
    else if (version < recent.version(slot)) monotonic = true;
    else if (version > recent.version(slot)) recent.setVersion(slot, version);
    return { ryw, monotonic };
  }
}
