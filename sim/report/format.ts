// Number formatting shared by tables and chart labels: about three
// significant digits, thousands grouped, integers (counts) without decimals,
// a true minus sign. Pure.
import type { MeanCi } from './stats.ts';

/** Decimals that give about three significant digits for numbers up to |x|. */
export function decimalsFor(x: number): number {
  const abs = Math.abs(x);
  return !Number.isFinite(abs) || abs === 0 || abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
}

/**
 * A number for tables: `decimals` places (default: about three significant
 * digits), thousands grouped, a true minus sign; integers (counts) without
 * decimals.
 */
export function formatNumber(x: number, decimals: number = decimalsFor(x)): string {
  if (Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x)) decimals = 0;
  const text = x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace('-', '−');
}

/** "mean ± halfWidth" (or just the mean for one seed), both with `decimals` places. */
export function formatMeanCi(ci: MeanCi, decimals: number = decimalsFor(ci.mean)): string {
  const mean = formatNumber(ci.mean, decimals);
  return Number.isFinite(ci.halfWidth) ? `${mean} ± ${formatNumber(ci.halfWidth, decimals)}` : mean;
}
