// Small-sample statistics for reports and `repsim compare`: the mean of a
// metric over seeds with a two-sided 95% Student t confidence interval.
// Owns the t quantile table; knows nothing of summaries or charts.

/** Mean of a sample with its two-sided 95% confidence interval (Student t). */
export interface MeanCi {
  /** Number of values. */
  n: number;
  /** Arithmetic mean; NaN when n = 0. */
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN when n < 2. */
  sd: number;
  /** t(0.975, n − 1) · sd / √n; NaN when n < 2 (one seed gives no interval). */
  halfWidth: number;
  /** mean − halfWidth (NaN when n < 2). Not clamped: a count's interval may dip below 0. */
  low: number;
  /** mean + halfWidth (NaN when n < 2). */
  high: number;
}

/** t(0.975, df) for df = 1..30 (standard tables, 3 decimals). */
const T_975: readonly number[] = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Standard normal 0.975 quantile. */
const Z_975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t distribution with `df` degrees of
 * freedom: the table for df ≤ 30, beyond that the Cornish–Fisher expansion
 * around the normal quantile (error < 1e-5 for df > 30).
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`tQuantile975: df must be a positive integer, got ${df}`);
  const tabled = T_975[df - 1];
  if (tabled !== undefined) return tabled;
  const z = Z_975;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

/** Mean and two-sided 95% t-interval of `values` (e.g. one metric over seeds). */
export function meanCi95(values: readonly number[]): MeanCi {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, halfWidth: NaN, low: NaN, high: NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: NaN, halfWidth: NaN, low: NaN, high: NaN };
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  const halfWidth = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}
