// Flag definitions shared by the commands, each checked by yargs while the
// command line is parsed (strict mode, choices, requiresArg, and a coerce
// that throws InputError), so a bad flag stops the command before any
// scenario is loaded, any simulation starts or any file is opened.
import type { Options } from 'yargs';
import { InputError } from '../core/errors.ts';

const MAX_SEED = Number.MAX_SAFE_INTEGER; // 2^53 - 1: every seed is exact

/** The one value of a flag given once; an InputError when it was repeated. */
function single(flag: string, v: unknown): unknown {
  if (Array.isArray(v)) throw new InputError(`--${flag}: given ${v.length} times (${v.map(String).join(', ')}); give it once`);
  return v;
}

/** Parses a whole number in [min, max] written in plain digits. */
export function parseWholeNumber(flag: string, v: unknown, min: number, max: number): number {
  const text = String(single(flag, v)).trim();
  const range = max === MAX_SEED ? `from ${min} to 2^53-1 (${MAX_SEED})` : `from ${min} to ${max}`;
  if (!/^\d+$/.test(text)) throw new InputError(`--${flag}: expected a whole number ${range}, got "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InputError(`--${flag}: expected a whole number ${range}, got ${text}`);
  return n;
}

/** A seed: plain digits, at most 2^53-1 (larger ones cannot be represented exactly). */
export function seedOption(describe: string): Options {
  return { type: 'string', requiresArg: true, describe, coerce: (v: unknown) => parseWholeNumber('seed', v, 0, MAX_SEED) };
}

/** A whole-number flag in [min, max]; no default here (the command applies it, so a default is never re-checked). */
export function countOption(flag: string, min: number, max: number, describe: string): Options {
  return { type: 'string', requiresArg: true, describe, coerce: (v: unknown) => parseWholeNumber(flag, v, min, max) };
}

/** The one non-empty value of a string flag. */
export function valueCoerce(flag: string, v: unknown): string {
  const s = String(single(flag, v));
  if (s.trim() === '') throw new InputError(`--${flag}: needs a value, got an empty string`);
  return s;
}

/** A string flag that takes exactly one non-empty value. */
export function valueOption(flag: string, describe: string): Options {
  return { type: 'string', requiresArg: true, describe, coerce: (v: unknown) => valueCoerce(flag, v) };
}

/** A repeatable string flag (`--set a=1 --set b=2`); each use needs a value. */
export function listOption(flag: string, describe: string): Options {
  return {
    type: 'string',
    array: true,
    requiresArg: true,
    describe,
    coerce: (v: unknown) => {
      const list = (Array.isArray(v) ? v : [v]).map(String);
      if (list.some((s) => s.trim() === '')) throw new InputError(`--${flag}: needs a value, got an empty string`);
      return list;
    },
  };
}

/** The largest seed a run may use. */
export const SEED_MAX = MAX_SEED;
/** Worker threads a batch may ask for. */
export const MAX_WORKERS = 256;
/** Seeds per point a sweep or comparison may ask for (a sweep's grid is params x variants x this). */
export const MAX_SEEDS = 1_000_000;
