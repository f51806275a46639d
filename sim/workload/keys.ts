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
  /**
   * Zipf key popularity as a Walker/Vose alias table, O(1) per draw: per key
   * [probability, alias] side by side, so a draw reads one cache line.
   */
  private readonly aliasPairs: Float64Array | undefined;
  private readonly tableCdf: Float64Array;

  constructor(o: KeySpaceOptions) {
    this.keyCount = o.keyCount;
    this.tableCount = o.shares.length;
    this.tableCdf = cumulative(o.shares);
    if (o.distribution === 'zipf') {
      const w = new Float64Array(o.keyCount);
      for (let k = 0; k < o.keyCount; k++) w[k] = 1 / Math.pow(k + 1, o.s);
      const t = aliasTable(w);
      const pairs = new Float64Array(2 * o.keyCount);
      for (let k = 0; k < o.keyCount; k++) {
        pairs[2 * k] = t.prob[k] as number;
        pairs[2 * k + 1] = t.alias[k] as number;
      }
      this.aliasPairs = pairs;
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
    const x = rng.next() * this.keyCount;
    const pairs = this.aliasPairs;
    if (!pairs) return Math.floor(x);
    const i = Math.floor(x);
    return x - i < (pairs[2 * i] as number) ? i : (pairs[2 * i + 1] as number);
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

/** Vose's alias method: for each column a probability and an alias (exact sampling of any finite distribution). */
function aliasTable(weights: Float64Array): { prob: Float64Array; alias: Int32Array } {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i] as number;
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = ((weights[i] as number) * n) / sum;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = n - 1; i >= 0; i--) ((scaled[i] as number) < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    prob[s] = scaled[s] as number;
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    ((scaled[l] as number) < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { prob, alias };
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
