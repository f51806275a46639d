// Committed writes per row with their timestamps, for follower reads "as of"
// a past timestamp (CockroachDB's follower_read_timestamp()). Committed
// history is the same on every replica (Raft's log matching), so one copy
// serves all; a replica may answer as of `ts` only once its closed
// timestamp has reached `ts` (consensus.ts checks that). Only the window a
// read can still ask about is kept: per row, the last write at or before the
// horizon and every write after it.

export class CommittedHistory {
  /** Per row: flat [tsUs, id, tsUs, id, ...] in commit order. */
  private readonly rows: Array<number[] | undefined> = [];

  constructor(private readonly horizonUs: number) {}

  /** Entry `id` writing `row` with timestamp `tsUs` committed; `nowTsUs` is the committing leader's clock. */
  record(row: number, tsUs: number, id: number, nowTsUs: number): void {
    let list = this.rows[row];
    if (!list) {
      while (this.rows.length < row) this.rows.push(undefined);
      this.rows[row] = list = [];
    }
    list.push(tsUs, id);
    const cutoff = nowTsUs - this.horizonUs;
    let drop = 0;
    while (drop + 2 < list.length && (list[drop + 2] as number) <= cutoff) drop += 2;
    if (drop > 0) list.splice(0, drop);
  }

  /** The version of `row` as of `tsUs`: the last committed write with a timestamp ≤ tsUs (0: none). */
  asOf(row: number, tsUs: number): number {
    const list = this.rows[row];
    if (!list) return 0;
    for (let i = list.length - 2; i >= 0; i -= 2) if ((list[i] as number) <= tsUs) return list[i + 1] as number;
    return 0;
  }
}
