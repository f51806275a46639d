// Key and table choice: which row an operation touches.
// Rows are numbered table × keyCount + key. Zipf popularity uses a
// precomputed CDF and a binary search (O(log n) per draw, no allocation).
import type { Rng } from '../core/rng.ts';

export interface KeySpaceOptions {
  keyCount: number;
  distribution: 'uniform' | 'zipf';
  /** Zipf exponent. */
  s: number;
  /** Table shares (sum to 1). */
  shares: readonly number[];
}

export class KeySpace {
  readonly keyCount: number;
  readonly tableCount: number;
  private readonly keyCdf: Float64Array | undefined;
  private readonly tableCdf: Float64Array;

  constructor(o: KeySpaceOptions) {
    this.keyCount = o.keyCount;
    this.tableCount = o.shares.length;
    this.tableCdf = cumulative(o.shares);
    if (o.distribution === 'zipf') {
      const w = new Float64Array(o.keyCount);
      for (let k = 0; k < o.keyCount; k++) w[k] = 1 / Math.pow(k + 1, o.s);
      this.keyCdf = cumulative(w);
    }
  }

  /** Total rows (tables × keys). */
  get rowCount(): number {
    return this.tableCount * this.keyCount;
  }

  pickTable(rng: Rng): number {
    return this.tableCount === 1 ? 0 : search(this.tableCdf, rng.next());
  }

  pickKey(rng: Rng): number {
    return this.keyCdf ? search(this.keyCdf, rng.next()) : rng.int(this.keyCount);
  }

  row(table: number, key: number): number {
    return table * this.keyCount + key;
  }

  tableOf(row: number): number {
    return Math.floor(row / this.keyCount);
  }

  keyOf(row: number): number {
    return row % this.keyCount;
  }
}

function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i] as number;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += (weights[i] as number) / sum;
    cdf[i] = acc;
  }
  cdf[weights.length - 1] = 1;
  return cdf;
}

/** First index whose CDF value exceeds u. */
function search(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
