// Judging leaderless reads (docs/metrics.md, §6), from what the run recorded: the
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
// Like the other judges it reads the model's state (the replicas, through
// the topology's `everywhere`) and the writes' facts, and never changes them.
import type { ReadJudge, ReadVerdict } from '../../measure/events.ts';
import type { Leaderless, ReadAnswer } from './leaderless.ts';
import { compareVersion } from './store.ts';

const MAX_PER_ROW = 4096;

export class LeaderlessJudge implements ReadJudge {
  readonly visibility = true;
  /** Per row: its acknowledged writes not yet reflected everywhere (undefined: none). */
  private readonly pending: Array<number[] | undefined>;
  /**
   * Per row, four numbers side by side (one cache line for a read): the two
   * latest acknowledged writes and their ack times — last, lastAck, prev,
   * prevAck (the reference write of a read is the latest acked before it
   * began).
   */
  private readonly rows: Float64Array;
  /** Per session, side by side: the row of its last acknowledged write (−1: none), that write, the row it last read (−1: none), the version it read there. */
  private readonly sessions: Float64Array;
  /** The answer of the read about to be judged (set by the topology's sink just before the read is reported). */
  answer: ReadAnswer | undefined;
  private readonly v: ReadVerdict = { stale: false, stalenessUs: 0, versionsBehind: 0, ryw: false, monotonic: false, tUs: -1, consistent: true };

  constructor(private readonly topo: Leaderless, sessionCount: number, rowCount: number, private readonly isSet: (row: number) => boolean) {
    this.pending = new Array<number[] | undefined>(rowCount).fill(undefined);
    this.rows = new Float64Array(rowCount * 4);
    this.sessions = new Float64Array(sessionCount * 4);
    for (let k = 0; k < sessionCount; k++) {
      this.sessions[4 * k] = -1;
      this.sessions[4 * k + 2] = -1;
    }
  }

  /** `session`'s write `id` to `row` was acknowledged at `ackUs`. */
  onAck(session: number, row: number, id: number, ackUs: number): void {
    const ss = this.sessions;
    ss[4 * session] = row;
    ss[4 * session + 1] = id;
    const rs = this.rows;
    const r = 4 * row;
    rs[r + 2] = rs[r] as number;
    rs[r + 3] = rs[r + 1] as number;
    rs[r] = id;
    rs[r + 1] = ackUs;
    let list = this.pending[row];
    if (!list) this.pending[row] = list = [];
    let k = 0;
    for (const w of list) if (!this.topo.everywhere(w)) list[k++] = w;
    list.length = k;
    if (!this.topo.everywhere(id)) list.push(id);
    if (list.length > MAX_PER_ROW) list.shift();
    if (list.length === 0) this.pending[row] = undefined;
  }

  /** Whether `answer` reflects write `w`. */
  reflects(answer: ReadAnswer, w: number): boolean {
    const f = this.topo.facts;
    if (this.isSet(f.row[w] as number)) return answer.members?.has(w) ?? false;
    return compareVersion(answer.hi, answer.lo, answer.id, f.hi[w] as number, f.lo[w] as number, w) >= 0;
  }

  /** The latest write to `row` acknowledged at or before `startUs` (0: none known). */
  private reference(row: number, startUs: number): number {
    const rs = this.rows;
    const r = 4 * row;
    if ((rs[r] as number) > 0 && (rs[r + 1] as number) <= startUs) return rs[r] as number;
    if ((rs[r + 2] as number) > 0 && (rs[r + 3] as number) <= startUs) return rs[r + 2] as number;
    // Two or more acks since the read began: the newest earlier one still pending (rare).
    const f = this.topo.facts;
    let best = 0;
    for (const w of this.pending[row] ?? []) if ((f.ackUs[w] as number) <= startUs && (best === 0 || (f.ackUs[w] as number) > (f.ackUs[best] as number))) best = w;
    return best;
  }

  /** Judges the read whose answer was set in `answer`: by `session` of `row`, begun at `startUs`. */
  onRead(_region: number, session: number, row: number, _version: number, startUs: number): ReadVerdict {
    const answer = this.answer as ReadAnswer;
    const f = this.topo.facts;
    const v = this.v;
    let behind = 0;
    let oldest = Infinity;
    const list = this.pending[row];
    if (list)
      for (const w of list) {
        const ack = f.ackUs[w] as number;
        if (ack <= startUs && !this.reflects(answer, w)) {
          behind++;
          if (ack < oldest) oldest = ack;
        }
      }
    v.stale = behind > 0;
    v.versionsBehind = behind;
    v.stalenessUs = behind > 0 ? startUs - oldest : 0;
    const ref = this.reference(row, startUs);
    v.tUs = ref > 0 ? startUs - (f.ackUs[ref] as number) : -1;
    v.consistent = ref > 0 ? this.reflects(answer, ref) : true;
    const ss = this.sessions;
    const k = 4 * session;
    const lastWrite = ss[k + 1] as number;
    v.ryw = ss[k] === row && (f.ackUs[lastWrite] as number) <= startUs && !this.reflects(answer, lastWrite);
    const lastRead = ss[k + 3] as number;
    v.monotonic = ss[k + 2] === row && lastRead > 0 && !this.reflects(answer, lastRead);
    if (!v.monotonic) {
      ss[k + 2] = row;
      ss[k + 3] = answer.id;
    }
    return v;
  }
}
