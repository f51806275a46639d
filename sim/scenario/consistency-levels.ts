// Consistency levels of a leaderless (Dynamo / Cassandra) store: how many
// replica answers, and from which regions, a coordinator waits for.
//
//   ONE, TWO, THREE     that many replicas, anywhere
//   QUORUM              ⌊N/2⌋ + 1 of all N replicas
//   LOCAL_QUORUM        ⌊n/2⌋ + 1 of the n replicas in the coordinator's region
//                       (a region without replicas falls back to QUORUM)
//   EACH_QUORUM         ⌊n_r/2⌋ + 1 in every region r that holds replicas
//   ALL                 every replica
//   an integer k        k replicas, anywhere
//
// Owns the arithmetic only; the coordinator counts the answers.

export type ConsistencyLevel = 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'ALL' | number;

/** What a coordinator waits for: `total` answers, and at least `perRegion[r]` from region r. */
export interface Requirement {
  total: number;
  /** Per-region minimums, or undefined when any replicas will do. */
  perRegion: Int32Array | undefined;
}

const majority = (n: number) => Math.floor(n / 2) + 1;

/** The requirement of `level` for a coordinator in `coordinator`, given replicas per region. */
export function requirement(level: ConsistencyLevel, replicasPerRegion: readonly number[], coordinator: number): Requirement {
  const n = replicasPerRegion.reduce((a, b) => a + b, 0);
  const any = (k: number): Requirement => {
    if (!(k >= 1 && k <= n)) throw new Error(`invariant: consistency level ${String(level)} needs ${k} of ${n} replicas`);
    return { total: k, perRegion: undefined };
  };
  switch (level) {
    case 'ONE':
      return any(1);
    case 'TWO':
      return any(2);
    case 'THREE':
      return any(3);
    case 'QUORUM':
      return any(majority(n));
    case 'ALL':
      return any(n);
    case 'LOCAL_QUORUM': {
      const local = replicasPerRegion[coordinator] ?? 0;
      if (local === 0) return any(majority(n));
      const perRegion = new Int32Array(replicasPerRegion.length);
      perRegion[coordinator] = majority(local);
      return { total: majority(local), perRegion };
    }
    case 'EACH_QUORUM': {
      const perRegion = new Int32Array(replicasPerRegion.length);
      let total = 0;
      replicasPerRegion.forEach((c, r) => {
        if (c > 0) total += perRegion[r] = majority(c);
      });
      return { total, perRegion };
    }
    default:
      return any(level);
  }
}

/** Whether `answered` answers in total, `byRegion` per region, meet the requirement. */
export function satisfied(req: Requirement, answered: number, byRegion: ArrayLike<number>): boolean {
  if (answered < req.total) return false;
  const per = req.perRegion;
  if (per) for (let r = 0; r < per.length; r++) if ((byRegion[r] as number) < (per[r] as number)) return false;
  return true;
}

/** The number of replicas a level asks for (for validation): undefined when it depends on the region. */
export function replicasNeeded(level: ConsistencyLevel, n: number): number | undefined {
  switch (level) {
    case 'ONE': return 1;
    case 'TWO': return 2;
    case 'THREE': return 3;
    case 'QUORUM': return majority(n);
    case 'ALL': return n;
    case 'LOCAL_QUORUM':
    case 'EACH_QUORUM': return undefined;
    default: return level;
  }
}
