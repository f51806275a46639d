// Session guarantees checker: read-your-writes and monotonic reads (SPEC §2).
//
// read-your-writes: a session reads a row it last wrote, after that write
// was acknowledged to it, and gets an older version.
// monotonic reads: a session reads a row again and gets an older version
// than it saw before (the last few rows a session read are remembered).
// State is fixed-size per session.

/** Rows per session remembered for monotonic-read checking. */
const RECENT_READS = 4;

export class SessionChecker {
  private readonly lastWriteRow: Int32Array;
  private readonly lastWriteVersion: Float64Array;
  private readonly lastWriteAckUs: Float64Array;
  private readonly readRow: Int32Array;
  private readonly readVersion: Float64Array;
  private readonly readNext: Uint8Array;

  constructor(sessionCount: number) {
    this.lastWriteRow = new Int32Array(sessionCount).fill(-1);
    this.lastWriteVersion = new Float64Array(sessionCount);
    this.lastWriteAckUs = new Float64Array(sessionCount);
    this.readRow = new Int32Array(sessionCount * RECENT_READS).fill(-1);
    this.readVersion = new Float64Array(sessionCount * RECENT_READS);
    this.readNext = new Uint8Array(sessionCount);
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
    let monotonic = false;
    const base = session * RECENT_READS;
    let slot = -1;
    for (let k = 0; k < RECENT_READS; k++) {
      if (this.readRow[base + k] === row) {
        slot = base + k;
        if (version < (this.readVersion[slot] as number)) monotonic = true;
        break;
      }
    }
    if (slot < 0) {
      const k = this.readNext[session] as number;
      slot = base + k;
      this.readNext[session] = (k + 1) % RECENT_READS;
      this.readRow[slot] = row;
      this.readVersion[slot] = version;
    } else if (version > (this.readVersion[slot] as number)) {
      this.readVersion[slot] = version;
    }
    return { ryw, monotonic };
  }
}
