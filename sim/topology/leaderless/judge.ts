// Judging leaderless reads (SPEC §2, §6), from what the run recorded: the
// writes' facts and acknowledgements, the replicas' rows, and each read's
// answer.
//
// "w is reflected by an answer": for a last-writer-wins row, the answer's
// version is w or one that beats w (w can never be shown again); for a set
// row, the answer's union contains w. A read is stale when a write to its
// row acknowledged before it began (ack ≤ start) is not reflected; staleness
// = start − the oldest such ack; versions behind = how many. t-visibility
// uses the latest write acknowledged when the read began: t = start − its
// ack, consistent if reflected. Read-your-writes: the session's last
// acknowledged write, if to this row, is not reflected. Monotonic reads: the
// version the session last read of this row (one row remembered per
// session) is not reflected.
//
// Per row, acknowledged writes are kept until every replica reflects them.
import type { Leaderless, ReadAnswer } from './leaderless.ts';
import { compareVersion } from './store.ts';

export interface Verdict {
  stale: boolean;
  stalenessUs: number;
  behind: number;
  /** t of the latest write acknowledged before the read began, µs; −1 when there was none. */
  tUs: number;
  /** Whether that write is reflected. */
  consistent: boolean;
  ryw: boolean;
  monotonic: boolean;
}

const MAX_PER_ROW = 4096;

export class LeaderlessJudge {
  private readonly pending = new Map<number, number[]>();
  private readonly lastWriteRow: Int32Array;
  private readonly lastWrite: Float64Array;
  private readonly lastReadRow: Int32Array;
  private readonly lastRead: Float64Array;
  readonly verdict: Verdict = { stale: false, stalenessUs: 0, behind: 0, tUs: -1, consistent: true, ryw: false, monotonic: false };

  constructor(private readonly topo: Leaderless, sessionCount: number, private readonly isSet: (row: number) => boolean) {
    this.lastWriteRow = new Int32Array(sessionCount).fill(-1);
    this.lastWrite = new Float64Array(sessionCount);
    this.lastReadRow = new Int32Array(sessionCount).fill(-1);
    this.lastRead = new Float64Array(sessionCount);
  }

  /** Write `id` to `row` by `session` was acknowledged (its ack time is in the facts). */
  onAck(session: number, row: number, id: number): void {
    this.lastWriteRow[session] = row;
    this.lastWrite[session] = id;
    let list = this.pending.get(row);
    if (!list) this.pending.set(row, (list = []));
    let k = 0;
    for (const w of list) if (!this.topo.everywhere(w)) list[k++] = w;
    list.length = k;
    if (!this.topo.everywhere(id)) list.push(id);
    if (list.length > MAX_PER_ROW) list.shift();
    if (list.length === 0) this.pending.delete(row);
  }

  /** Whether `answer` reflects write `w`. */
  reflects(answer: ReadAnswer, w: number): boolean {
    const f = this.topo.facts;
    if (this.isSet(f.row[w] as number)) return answer.members?.has(w) ?? false;
    return compareVersion(answer.hi, answer.lo, answer.id, f.hi[w] as number, f.lo[w] as number, w) >= 0;
  }

  /** Judges a read of `row` by `session` that began at `startUs`; the verdict is left in `this.verdict`. */
  onRead(session: number, row: number, startUs: number, answer: ReadAnswer, refId: number): Verdict {
    const f = this.topo.facts;
    const v = this.verdict;
    let behind = 0;
    let oldest = Infinity;
    const list = this.pending.get(row);
    if (list)
      for (const w of list) {
        const ack = f.ackUs[w] as number;
        if (ack <= startUs && !this.reflects(answer, w)) {
          behind++;
          if (ack < oldest) oldest = ack;
        }
      }
    v.stale = behind > 0;
    v.behind = behind;
    v.stalenessUs = behind > 0 ? startUs - oldest : 0;
    v.tUs = refId > 0 ? startUs - (f.ackUs[refId] as number) : -1;
    v.consistent = refId > 0 ? this.reflects(answer, refId) : true;
    v.ryw = this.lastWriteRow[session] === row && (f.ackUs[this.lastWrite[session] as number] as number) <= startUs && !this.reflects(answer, this.lastWrite[session] as number);
    v.monotonic = this.lastReadRow[session] === row && (this.lastRead[session] as number) > 0 && !this.reflects(answer, this.lastRead[session] as number);
    if (!v.monotonic) {
      this.lastReadRow[session] = row;
      this.lastRead[session] = answer.id;
    }
    return v;
  }
}
