// The writes a consensus run acknowledged to their clients, and what became
// of them: after the run, an acknowledged write that no replica's log holds
// at its index is lost (RPO). Lost writes acknowledged by a leader of an
// older term, grouped per (region, term), are split-brain occurrences: a
// deposed leader acknowledged writes the group's history does not contain.
// Both stay 0 while Raft's invariants hold; they measure, they do not assume.
//
// Memory stays bounded: `settle` drops the writes every replica has applied
// at their index with the committed id there (those are held everywhere; a
// later truncation of one would be flagged by the safety checks), and counts
// at once any whose index was committed with another entry.
import type { RaftNode } from './raft.ts';
import { grow } from './log.ts';

export interface LostWrites {
  count: number;
  ids: number[];
  ackTimes: number[];
  firstAckUs: number;
  lastAckUs: number;
}

export interface SplitBrainEpisode {
  region: number;
  term: number;
  firstAckUs: number;
  lastAckUs: number;
  writes: number;
}

export class AckedWrites {
  private ids = new Int32Array(1024);
  private index = new Int32Array(1024);
  private term = new Int32Array(1024);
  private region = new Int32Array(1024);
  private ackUs = new Float64Array(1024);
  count = 0;
  private lost: number[] = [];
  /** Writes already found lost by `settle` (their rows in the arrays were kept at the front). */
  private settledLost = 0;

  add(id: number, index: number, term: number, region: number, ackUs: number): void {
    const i = this.count++;
    if (i >= this.ids.length) {
      this.ids = grow(this.ids, i + 1);
      this.index = grow(this.index, i + 1);
      this.term = grow(this.term, i + 1);
      this.region = grow(this.region, i + 1);
      this.ackUs = grow(this.ackUs, i + 1);
    }
    this.ids[i] = id;
    this.index[i] = index;
    this.term[i] = term;
    this.region[i] = region;
    this.ackUs[i] = ackUs;
  }

  /**
   * Forgets the writes at indices ≤ `appliedEverywhere` that the index holds
   * as committed (`committedAt`); keeps, as lost, any it does not.
   */
  settle(appliedEverywhere: number, committedAt: (index: number) => number): void {
    const newlyLost: number[] = [];
    const kept: number[] = [];
    for (let i = this.settledLost; i < this.count; i++) {
      const at = this.index[i] as number;
      if (at > appliedEverywhere) kept.push(i);
      else if (committedAt(at) !== (this.ids[i] as number)) newlyLost.push(i);
    }
    const rows = [...newlyLost, ...kept];
    const snap = { ids: this.ids.slice(), index: this.index.slice(), term: this.term.slice(), region: this.region.slice(), ackUs: this.ackUs.slice() };
    let to = this.settledLost;
    for (const from of rows) {
      this.ids[to] = snap.ids[from] as number;
      this.index[to] = snap.index[from] as number;
      this.term[to] = snap.term[from] as number;
      this.region[to] = snap.region[from] as number;
      this.ackUs[to] = snap.ackUs[from] as number;
      to++;
    }
    this.settledLost += newlyLost.length;
    this.count = to;
  }

  /** The acknowledged writes no replica holds (call once, at the end of the run). */
  lostOn(nodes: readonly RaftNode[]): LostWrites {
    const out: LostWrites = { count: 0, ids: [], ackTimes: [], firstAckUs: Infinity, lastAckUs: -Infinity };
    this.lost = [];
    for (let i = 0; i < this.count; i++) {
      const id = this.ids[i] as number;
      const at = this.index[i] as number;
      if (i >= this.settledLost && nodes.some((x) => x.log.idAt(at) === id)) continue;
      const t = this.ackUs[i] as number;
      out.count++;
      out.ids.push(id);
      out.ackTimes.push(t);
      if (t < out.firstAckUs) out.firstAckUs = t;
      if (t > out.lastAckUs) out.lastAckUs = t;
      this.lost.push(i);
    }
    return out;
  }

  /** Lost writes grouped by the (region, term) of the leader that acknowledged them (after lostOn). */
  splitBrain(): SplitBrainEpisode[] {
    const eps: SplitBrainEpisode[] = [];
    for (const i of this.lost) {
      const region = this.region[i] as number;
      const term = this.term[i] as number;
      const t = this.ackUs[i] as number;
      let e = eps.find((x) => x.region === region && x.term === term);
      if (!e) eps.push((e = { region, term, firstAckUs: t, lastAckUs: t, writes: 0 }));
      e.firstAckUs = Math.min(e.firstAckUs, t);
      e.lastAckUs = Math.max(e.lastAckUs, t);
      e.writes++;
    }
    return eps;
  }
}
