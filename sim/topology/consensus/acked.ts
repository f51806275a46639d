// The writes a consensus run acknowledged to their clients, and what became
// of them: after the run, an acknowledged write that no replica's log holds
// at its index is lost — the module reports each as a run event (`lostAcked`)
// and the ledger counts RPO. It stays 0 while Raft's invariants hold; it
// measures, it does not assume. (Deposed leaders' writes and split-brain are
// the ledger's, from the acks themselves.)
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

export class AckedWrites {
  private ids = new Int32Array(1024);
  private index = new Int32Array(1024);
  private ackUs = new Float64Array(1024);
  count = 0;
  /** Writes already found lost by `settle` (their rows in the arrays were kept at the front). */
  private settledLost = 0;

  add(id: number, index: number, ackUs: number): void {
    const i = this.count++;
    if (i >= this.ids.length) {
      this.ids = grow(this.ids, i + 1);
      this.index = grow(this.index, i + 1);
      this.ackUs = grow(this.ackUs, i + 1);
    }
    this.ids[i] = id;
    this.index[i] = index;
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
    const snap = { ids: this.ids.slice(), index: this.index.slice(), ackUs: this.ackUs.slice() };
    let to = this.settledLost;
    for (const from of rows) {
      this.ids[to] = snap.ids[from] as number;
      this.index[to] = snap.index[from] as number;
      this.ackUs[to] = snap.ackUs[from] as number;
      to++;
    }
    this.settledLost += newlyLost.length;
    this.count = to;
  }

  /** The acknowledged writes no replica holds (call once, at the end of the run). */
  lostOn(nodes: readonly RaftNode[]): LostWrites {
    const out: LostWrites = { count: 0, ids: [], ackTimes: [], firstAckUs: Infinity, lastAckUs: -Infinity };
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
    }
    return out;
  }
}
