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
   * Zipf key popularity as a Walker/Vose alias table, O(1) per draw. A draw
   * picks a column uniformly, so the table is read at random: it is kept
   * small (8 bytes a key: 800 KB for 100,000 keys, where a core's cache can
   * hold it) as per column [probability rounded down to a 32-bit float,
   * alias] side by side in one buffer (`aliasProb` and `aliasKey` view it).
   * The exact probabilities (`aliasExact`) are read only when a draw falls
   * within a 32-bit float's rounding of a column's probability (about one
   * draw in four million), so every draw is the one the exact table gives.
   */
  private readonly aliasProb: Float32Array | undefined;
  private readonly aliasKey: Int32Array | undefined;
  private readonly aliasExact: Float64Array | undefined;
  private readonly tableCdf: Float64Array;

  constructor(o: KeySpaceOptions) {
    this.keyCount = o.keyCount;
    this.tableCount = o.shares.length;
    this.tableCdf = cumulative(o.shares);
    if (o.distribution === 'zipf') {
      const w = new Float64Array(o.keyCount);
      for (let k = 0; k < o.keyCount; k++) w[k] = 1 / Math.pow(k + 1, o.s);
      const t = aliasTable(w);
      const buf = new ArrayBuffer(8 * o.keyCount);
      const prob = new Float32Array(buf);
      const key = new Int32Array(buf);
      for (let k = 0; k < o.keyCount; k++) {
        prob[2 * k] = floorToFloat32(t.prob[k] as number);
        key[2 * k + 1] = t.alias[k] as number;
      }
      this.aliasProb = prob;
      this.aliasKey = key;
      this.aliasExact = t.prob;
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
    const prob = this.aliasProb;
    if (!prob) return Math.floor(x);
    const i = Math.floor(x);
    const f = x - i;
    const p = prob[2 * i] as number; // ≤ the exact probability, by less than one part in 2^23
    if (f < p) return i;
    // Above p·(1 + 2^-22) is above the exact probability too; between the two, ask the exact table.
    if (f > p * FLOAT32_ABOVE || f >= ((this.aliasExact as Float64Array)[i] as number)) return (this.aliasKey as Int32Array)[2 * i + 1] as number;
    return i;
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

/**
 * p·FLOAT32_ABOVE is at least any number whose 32-bit float rounded down is
 * p (a normal float's ulp is at most p·2^-23; twice that covers the
 * product's rounding). Below the normal range (p < 2^-126) the bound fails,
 * but no draw falls there: a non-zero f = x − ⌊x⌋ is far larger.
 */
const FLOAT32_ABOVE = 1 + 2 ** -22;

/** The largest 32-bit float ≤ x (x ≥ 0). */
export function floorToFloat32(x: number): number {
  const f = Math.fround(x);
  if (f <= x) return f;
  // Rounded up: step down one ulp (x > 0 here, so f > 0 and its bit pattern steps down by one).
  F32[0] = f;
  U32[0] = (U32[0] as number) - 1;
  return F32[0] as number;
}
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

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
export function aliasTable(weights: Float64Array): { prob: Float64Array; alias: Int32Array } {
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
