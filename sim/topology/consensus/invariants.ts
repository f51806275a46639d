// Safety checks of a consensus group, asserted as the run goes (Raft paper
// §5.4, Figure 3): election safety (at most one leader per term), leader
// completeness (a new leader holds every committed entry), state machine
// safety (a committed index never changes), acknowledged writes durable on a
// majority when acknowledged, and lease safety (no leaseholder read once a
// newer leader may serve, while clocks are within the offset bound). Reads
// the replicas; changes nothing. Violations are messages for the summary.
import type { RaftNode } from './raft.ts';

/** Most violations kept (the summary shows the first 20). */
const MAX_VIOLATIONS = 100;

export class ConsensusInvariants {
  readonly violations: string[] = [];
  private readonly leaderOfTerm = new Map<number, number>();
  /** Entry id committed at each index (0: not known committed yet). */
  private committedId = new Int32Array(1024);
  /** Highest index known committed. */
  committedIndex = 0;
  /** Terms whose leader began to serve, with the true time it did: (term, µs) pairs. */
  private readonly servingFrom: number[] = [];
  /** Leaseholder reads served while clocks were beyond the offset bound after a newer leader could serve. */
  leaseReadsBeyondClockBound = 0;

  constructor(private readonly nodes: readonly RaftNode[], private readonly voters: readonly number[], private readonly quorum: number) {}

  fail(message: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(message);
  }

  /** Election safety and leader completeness, at each election. */
  leaderElected(n: RaftNode): void {
    const other = this.leaderOfTerm.get(n.term);
    if (other !== undefined && other !== n.id) this.fail(`invariant: at most one leader per term — replicas ${other} and ${n.id} both lead term ${n.term}`);
    this.leaderOfTerm.set(n.term, n.id);
    for (let i = 1; i <= this.committedIndex; i++) {
      if (n.log.idAt(i) !== this.committedId[i]) {
        this.fail(`invariant: leader completeness — replica ${n.id}, leader of term ${n.term}, lacks committed entry ${this.committedId[i]} at index ${i}`);
        return;
      }
    }
  }

  /** State machine safety: index `i` holds `id` wherever it is committed or applied. */
  committed(i: number, id: number, by: number): void {
    if (i >= this.committedId.length) {
      let n = this.committedId.length;
      while (n <= i) n *= 2;
      const a = new Int32Array(n);
      a.set(this.committedId);
      this.committedId = a;
    }
    const was = this.committedId[i] as number;
    if (was === 0) {
      this.committedId[i] = id;
      if (i > this.committedIndex) this.committedIndex = i;
    } else if (was !== id) {
      this.fail(`invariant: a committed entry never changes — index ${i} held entry ${was}, replica ${by} committed ${id}`);
    }
  }

  /** The entry committed at `i` (0 when none is known). */
  committedAt(i: number): number {
    return i < this.committedId.length ? (this.committedId[i] as number) : 0;
  }

  /** Acknowledged ⇒ durable on a majority of voters at the moment of the ack. */
  acknowledging(index: number, id: number): void {
    let holders = 0;
    for (const v of this.voters) {
      const r = this.nodes[v] as RaftNode;
      if (r.durableIndex >= index && r.log.idAt(index) === id) holders++;
    }
    if (holders < this.quorum) this.fail(`invariant: an acknowledged write is on a majority — entry ${id} at index ${index} is durable on ${holders} of ${this.voters.length} voters when acknowledged`);
  }

  /** The leader of `term` began to serve at true time `atUs`. */
  serving(term: number, atUs: number): void {
    for (let i = 0; i < this.servingFrom.length; i += 2) if (this.servingFrom[i] === term) return;
    this.servingFrom.push(term, atUs);
  }

  /**
   * A leaseholder read by the leader of `term` at true time `atUs`. A newer
   * leader already serving means the lease had expired in true time: a
   * violation while clocks are within the bound, a counted hazard beyond it.
   */
  leaseRead(n: RaftNode, atUs: number, clocksWithinBound: boolean): void {
    for (let i = 0; i < this.servingFrom.length; i += 2) {
      const t = this.servingFrom[i] as number;
      const from = this.servingFrom[i + 1] as number;
      if (t > n.term && from <= atUs) {
        if (clocksWithinBound) this.fail(`invariant: no read under an expired lease — replica ${n.id} (term ${n.term}) served a leaseholder read at ${atUs}us, after the leader of term ${t} began serving at ${from}us`);
        else this.leaseReadsBeyondClockBound++;
        return;
      }
    }
  }
}
