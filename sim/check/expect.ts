// The `expect:` block (docs/scenario-format.md): bounds on metrics, asserted by `repsim
// check` and `repsim swarm`. Pure: it reads a summary, never runs anything.
//
//   expect:
//     splitBrain.occurrences: 0                  # applies to every variant
//     async-stonith: { rpo.lostAckedWrites: { max: 10 } }   # one variant only
//
// A key is a metric path into the summary's `metrics` (dots; list elements
// by index, `failovers.length` for a list's length), or the name of a
// variant (or `base`) mapping to such paths. A bound is a number (exact),
// a boolean (a number metric is true when non-zero), or {min, max, equals}
// (inclusive; any subset, at least one). A path that names no metric is bad
// input (InputError, exit 2) — never a vacuous pass.
import { InputError } from '../core/errors.ts';
import type { Summary } from '../scenario/summary-types.ts';

/** A bound on one metric. */
export type Bound = number | boolean | { min?: number; max?: number; equals?: number };

/** One asserted bound and what the run produced. */
export interface ExpectResult {
  /** Metric path, e.g. `splitBrain.occurrences`. */
  path: string;
  bound: Bound;
  actual: number | boolean;
  ok: boolean;
  /** `splitBrain.occurrences = 1, expected 0` style, for failure lines. */
  message: string;
}

/**
 * The bounds that apply to `variant`: top-level metric paths plus the
 * variant's own block. `variants` are the scenario's variant names (keys
 * equal to one of them, or `base`, are per-variant blocks).
 */
export function boundsFor(expect: Record<string, unknown>, variant: string, variants: readonly string[], file: string): Array<{ path: string; bound: Bound; where: string }> {
  const out: Array<{ path: string; bound: Bound; where: string }> = [];
  const problems: string[] = [];
  const names = new Set([...variants, 'base']);
  for (const [key, value] of Object.entries(expect)) {
    if (names.has(key) && isPlainObject(value) && !isRangeBound(value)) {
      if (key !== variant) continue;
      for (const [path, b] of Object.entries(value)) {
        const bound = parseBound(b);
        if (typeof bound === 'string') problems.push(`${file}: expect.${key}.${path}: ${bound}`);
        else out.push({ path, bound, where: `expect.${key}.${path}` });
      }
      continue;
    }
    const bound = parseBound(value);
    if (typeof bound === 'string') problems.push(`${file}: expect.${key}: ${bound}${isPlainObject(value) ? ` (and no variant is named "${key}")` : ''}`);
    else out.push({ path: key, bound, where: `expect.${key}` });
  }
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

/**
 * Evaluates the bounds that apply to `variant` against a summary. Throws
 * InputError (every problem at once) for an unknown metric or a bad bound.
 */
export function evaluateExpect(expect: Record<string, unknown>, summary: Summary, opts: { variant: string; variants: readonly string[]; file: string }): ExpectResult[] {
  const bounds = boundsFor(expect, opts.variant, opts.variants, opts.file);
  const problems: string[] = [];
  const results: ExpectResult[] = [];
  for (const { path, bound, where } of bounds) {
    const actual = metricAt(summary.metrics, path);
    if (typeof actual === 'string') {
      problems.push(`${opts.file}: ${where}: ${actual}`);
      continue;
    }
    const ok = satisfies(actual, bound);
    results.push({ path, bound, actual, ok, message: `${path} = ${String(actual)}, expected ${describeBound(bound)}` });
  }
  if (problems.length > 0) throw new InputError(problems);
  return results;
}

/** The number (or boolean) at a dotted path, or a message saying why there is none. */
export function metricAt(metrics: unknown, path: string): number | boolean | string {
  const segs = path.split('.');
  let cur: unknown = metrics;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    if (Array.isArray(cur)) {
      if (seg === 'length') cur = cur.length;
      else if (/^\d+$/.test(seg)) {
        const n = Number(seg);
        if (n >= cur.length) return `metric "${path}": ${segs.slice(0, i).join('.')} has ${cur.length} elements in this run`;
        cur = cur[n];
      } else return `unknown metric "${path}"`;
    } else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) {
      cur = cur[seg];
    } else {
      return `unknown metric "${path}"`;
    }
  }
  if (typeof cur === 'number' || typeof cur === 'boolean') return cur;
  return `metric "${path}" is not a number (it is ${Array.isArray(cur) ? 'a list; use .length or an index' : 'a group; name one of its fields'})`;
}

function satisfies(actual: number | boolean, bound: Bound): boolean {
  const asNumber = typeof actual === 'boolean' ? Number(actual) : actual;
  if (typeof bound === 'boolean') return (typeof actual === 'boolean' ? actual : actual !== 0) === bound;
  if (typeof bound === 'number') return asNumber === bound;
  if (bound.equals !== undefined && asNumber !== bound.equals) return false;
  if (bound.min !== undefined && asNumber < bound.min) return false;
  if (bound.max !== undefined && asNumber > bound.max) return false;
  return true;
}

export function describeBound(b: Bound): string {
  if (typeof b !== 'object') return String(b);
  const parts: string[] = [];
  if (b.equals !== undefined) parts.push(`= ${b.equals}`);
  if (b.min !== undefined) parts.push(`≥ ${b.min}`);
  if (b.max !== undefined) parts.push(`≤ ${b.max}`);
  return parts.join(' and ');
}

/** A valid bound, or a message. */
function parseBound(v: unknown): Bound | string {
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (!isPlainObject(v)) return `a bound is a number, a boolean or {min, max, equals}; got ${JSON.stringify(v)}`;
  if (!isRangeBound(v)) return `a bound is a number, a boolean or {min, max, equals}; got keys ${Object.keys(v).join(', ') || '(none)'}`;
  const out: { min?: number; max?: number; equals?: number } = {};
  for (const k of ['min', 'max', 'equals'] as const) {
    const x = v[k];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x)) return `${k} must be a finite number`;
    out[k] = x;
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) return `min (${out.min}) is above max (${out.max})`;
  return out;
}

function isRangeBound(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === 'min' || k === 'max' || k === 'equals');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
