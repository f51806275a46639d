// t-visibility and k-staleness (docs/model.md), in fixed memory.
//
// For each judged read whose key had a write acknowledged before the read
// began, t = read start − the ack of the latest such write; the read is
// consistent if it reflects that write. Reads are counted in fine bins of t
// (1 µs below 1 ms, then 900 bins a decade: 1% resolution up to 1000 s),
// consistent and not. From them:
//   points  P(consistent) over each documented range [point, next point)
//   tP      the smallest t at which P(consistent | t) reaches p, where
//           P(consistent | t) is the isotonic (non-decreasing) fit of the
//           binned fractions — pool-adjacent-violators, the maximum-likelihood
//           estimate of a visibility-time CDF from such "seen by t or not"
//           observations. Null when it never reaches p.
// k-staleness: P(the read returns one of the k newest acknowledged versions),
// i.e. fewer than k acknowledged writes missed (PBS §3's definition; k = 1 is
// a consistent read).

/** The documented t points, ms. */
export const VISIBILITY_POINTS_MS = [0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
const K_MAX = 5;
const FINE = 1000;
const PER_DECADE = 900;
const DECADES = 6;
const BINS = FINE + PER_DECADE * DECADES + 1;

/** Bin of t (µs ≥ 0). */
function binOf(tUs: number): number {
  if (tUs < FINE) return Math.max(0, Math.floor(tUs));
  let lo = FINE;
  for (let d = 0; d < DECADES; d++) {
    const hi = lo * 10;
    if (tUs < hi) return FINE + d * PER_DECADE + Math.floor((tUs - lo) / (lo / 100));
    lo = hi;
  }
  return BINS - 1;
}

/** Lower edge of a bin, µs. */
function binStartUs(b: number): number {
  if (b < FINE) return b;
  if (b >= BINS - 1) return FINE * 10 ** DECADES;
  const d = Math.floor((b - FINE) / PER_DECADE);
  const lo = FINE * 10 ** d;
  return lo + ((b - FINE) % PER_DECADE) * (lo / 100);
}

export interface VisibilitySummary {
  points: Array<{ tMs: number; p: number | null; reads: number }>;
  t99Ms: number | null;
  t999Ms: number | null;
}

export class Visibility {
  private readonly consistent = new Float64Array(BINS);
  private readonly total = new Float64Array(BINS);
  /** Judged reads by versions missed: 0 … K_MAX−1, and K_MAX for K_MAX or more. */
  private readonly behind = new Float64Array(K_MAX + 1);

  /** A read started `tUs` after the ack of the latest write to its key; `ok` if it reflects it. */
  record(tUs: number, ok: boolean): void {
    const b = binOf(tUs);
    this.total[b]!++;
    if (ok) this.consistent[b]!++;
  }

  /** A judged read missed `versions` acknowledged writes (0 = consistent). */
  recordBehind(versions: number): void {
    this.behind[Math.min(versions, K_MAX)]!++;
  }

  summary(): VisibilitySummary {
    const pts = VISIBILITY_POINTS_MS.map((ms) => ({ tMs: ms, ok: 0, n: 0 }));
    for (let b = 0; b < BINS; b++) {
      const n = this.total[b] as number;
      if (n === 0) continue;
      const ms = binStartUs(b) / 1000;
      let i = pts.length - 1;
      while (i > 0 && (pts[i] as { tMs: number }).tMs > ms) i--;
      const p = pts[i] as { ok: number; n: number };
      p.ok += this.consistent[b] as number;
      p.n += n;
    }
    const fit = this.isotonic();
    return {
      points: pts.map((p) => ({ tMs: p.tMs, p: p.n === 0 ? null : round6(p.ok / p.n), reads: p.n })),
      t99Ms: this.reaching(fit, 0.99),
      t999Ms: this.reaching(fit, 0.999),
    };
  }

  /** [{k, p}] for k = 1 … 5 (empty when no read was judged). */
  kStaleness(): Array<{ k: number; p: number }> {
    const all = this.behind.reduce((a, b) => a + b, 0);
    if (all === 0) return [];
    const out: Array<{ k: number; p: number }> = [];
    let within = 0;
    for (let k = 1; k <= K_MAX; k++) {
      within += this.behind[k - 1] as number;
      out.push({ k, p: round6(within / all) });
    }
    return out;
  }

  /** Pool-adjacent-violators over the non-empty bins: blocks [firstBin, value]. */
  private isotonic(): Array<{ bin: number; value: number }> {
    const bins: number[] = [];
    const sums: number[] = [];
    const weights: number[] = [];
    for (let b = 0; b < BINS; b++) {
      const n = this.total[b] as number;
      if (n === 0) continue;
      bins.push(b);
      sums.push(this.consistent[b] as number);
      weights.push(n);
      while (sums.length > 1) {
        const k = sums.length - 1;
        if ((sums[k - 1] as number) / (weights[k - 1] as number) <= (sums[k] as number) / (weights[k] as number)) break;
        sums[k - 1] = (sums[k - 1] as number) + (sums[k] as number);
        weights[k - 1] = (weights[k - 1] as number) + (weights[k] as number);
        sums.pop();
        weights.pop();
        bins.pop();
      }
    }
    return bins.map((bin, i) => ({ bin, value: (sums[i] as number) / (weights[i] as number) }));
  }

  /** Start of the first fitted block at or above p; 0 when even the smallest t observed is. */
  private reaching(fit: Array<{ bin: number; value: number }>, p: number): number | null {
    for (let i = 0; i < fit.length; i++) {
      const blk = fit[i] as { bin: number; value: number };
      if (blk.value >= p) return i === 0 ? 0 : round6(binStartUs(blk.bin) / 1000);
    }
    return null;
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Per row, the two latest acknowledged writes and their ack times: the
 * reference write of a read (the latest write acknowledged before it began)
 * is almost always one of them; a read that began before both falls back to
 * no reference (it is left out of t-visibility). Memory: one 64-byte record
 * per row up to the highest row written (one cache line: a read's lookup is
 * one memory access), with four more numbers the owner may keep there
 * (`aux`, `spare`: the staleness checker's top version of the row and its
 * single pending entry).
 */
export class LatestAcks {
  /** Per row, STRIDE numbers: [last, lastAckUs, prev, prevAckUs, aux, spare ×3]; version 0 = none. */
  private rows = new Float64Array(STRIDE * 1024);
  /** Ack time of the write the last `reference` call found (valid when it returned a version > 0). */
  refAckUs = 0;

  private ensure(row: number): Float64Array {
    let a = this.rows;
    if (STRIDE * row + STRIDE > a.length) {
      let n = a.length;
      while (n < STRIDE * row + STRIDE) n *= 2;
      const b = new Float64Array(n);
      b.set(a);
      this.rows = a = b;
    }
    return a;
  }

  onAck(row: number, version: number, ackUs: number): void {
    const a = this.ensure(row);
    const i = STRIDE * row;
    a[i + 2] = a[i] as number;
    a[i + 3] = a[i + 1] as number;
    a[i] = version;
    a[i + 1] = ackUs;
  }

  /** The owner's number for `row` (0 until set). */
  aux(row: number): number {
    const i = STRIDE * row + 4;
    return i < this.rows.length ? (this.rows[i] as number) : 0;
  }

  setAux(row: number, value: number): void {
    this.ensure(row)[STRIDE * row + 4] = value;
  }

  /** The owner's spare number `k` (0 … 2) for `row` (0 until set). */
  spare(row: number, k: number): number {
    const i = STRIDE * row + 5 + k;
    return i < this.rows.length ? (this.rows[i] as number) : 0;
  }

  setSpare(row: number, k: number, value: number): void {
    this.ensure(row)[STRIDE * row + 5 + k] = value;
  }

  /** A write that will not survive (abandoned at a failover) is no reference. */
  forget(row: number, version: number): void {
    const a = this.rows;
    const i = STRIDE * row;
    if (i + STRIDE > a.length) return;
    if (a[i] === version) {
      a[i] = a[i + 2] as number;
      a[i + 1] = a[i + 3] as number;
      a[i + 2] = 0;
    } else if (a[i + 2] === version) a[i + 2] = 0;
  }

  /**
   * The latest write to `row` acknowledged before `startUs` (at or before,
   * when `inclusive`): returns its version, or 0 when none, and leaves its
   * ack time in `refAckUs`.
   */
  reference(row: number, startUs: number, inclusive: boolean): number {
    const a = this.rows;
    const i = STRIDE * row;
    if (i + STRIDE <= a.length) {
      const v = a[i] as number;
      const ack = a[i + 1] as number;
      if (v !== 0 && (ack < startUs || (inclusive && ack === startUs))) {
        this.refAckUs = ack;
        return v;
      }
      const pv = a[i + 2] as number;
      const pack = a[i + 3] as number;
      if (pv !== 0 && (pack < startUs || (inclusive && pack === startUs))) {
        this.refAckUs = pack;
        return pv;
      }
    }
    return 0;
  }
}

/** Numbers per row in LatestAcks (a 64-byte record). */
const STRIDE = 8;
