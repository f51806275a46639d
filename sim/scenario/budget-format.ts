// How the resource budget words numbers: counts, bytes, seconds, and a
// field's value in its unit (for "this field fits up to about ...").
import { formatDurationUs } from '../core/units.ts';
import type { Term } from './budget-terms.ts';

export function fmtValue(v: number, t: Term): string {
  if (t.unit === 'us') return formatDurationUs(t.scaling === 'inverse' ? Math.ceil(v) : Math.floor(v));
  if (t.unit === 'rate') return `${fmtCount(Math.floor(v))}/s`;
  return fmtCount(Math.max(1, Math.floor(v)));
}

/** 1234567 → "1.23M"; small numbers as integers. */
export function fmtCount(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e9) return `${+(x / 1e9).toPrecision(3)}G`;
  if (x >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e4) return `${+(x / 1e3).toPrecision(3)}k`;
  if (x > 0 && x < 10) return String(+x.toPrecision(2));
  return String(Math.round(x));
}

/** Bytes in decimal units: "9.6 GB". */
export function fmtBytes(b: number): string {
  if (b >= 1e12) return `${+(b / 1e12).toPrecision(3)} TB`;
  if (b >= 1e9) return `${+(b / 1e9).toPrecision(3)} GB`;
  if (b >= 1e6) return `${+(b / 1e6).toPrecision(3)} MB`;
  return `${Math.round(b / 1e3)} kB`;
}

export function fmtSeconds(s: number): string {
  if (s >= 2 * 86400) return `${+(s / 86400).toPrecision(3)} days`;
  if (s >= 2 * 3600) return `${+(s / 3600).toPrecision(3)} hours`;
  if (s >= 120) return `${Math.round(s / 60)} minutes`;
  return `${Math.round(s)} s`;
}
