// The sweep grid: `--param path=v1,v2,...` (repeatable) × variants × seeds,
// expanded in one deterministic order, and the key and fingerprint that let
// shards, resumes and merges recognise their runs. Pure: no I/O.
//
// Order: the first --param is the outermost loop, then the next --param, ...,
// then variants (in the order given), then seeds (innermost). Item i of that
// order is the run with grid index i; shards and results.jsonl use it.
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.ts';
import { parseSet, schemaHasPath, splitPath } from '../scenario/overrides.ts';
import { REPSIM_VERSION } from '../core/version.ts';

/** A swept value as written in results.jsonl `params` (the YAML scalar the text parses to). */
export type ParamValue = string | number | boolean | null;

/** One swept parameter: its dotted path and its values, as typed and as parsed. */
export interface SweepParam {
  path: string;
  /** The values as typed on the command line (passed on as `--set path=text`). */
  texts: string[];
  /** The values parsed as YAML scalars, in the same order. */
  values: ParamValue[];
}

/** What defines a grid. Everything a merge needs to rebuild it without the scenario file. */
export interface GridSpec {
  /** sha256 of the scenario file's text. */
  scenarioHash: string;
  params: SweepParam[];
  /** Variant names; `base` when the scenario has none. */
  variants: string[];
  seeds: number[];
  /** `--set` expressions applied to every run, before the swept values (compare's --set). */
  sets?: string[];
}

/** One run of the grid. */
export interface GridItem {
  /** Position in grid order (0-based). */
  index: number;
  variant: string;
  seed: number;
  /** path → parsed value, in --param order. */
  params: Record<string, ParamValue>;
  /** The `--set` expressions that apply the parameter values. */
  sets: string[];
  /** Identity of the run within the grid; see runKey. */
  key: string;
}

/** Identity of a run: variant, seed and parameter values (in path order). Computed the same way from a results line. */
export function runKey(variant: string, seed: number, params: Record<string, unknown>, paths: readonly string[]): string {
  return JSON.stringify([variant, seed, paths.map((p) => params[p] ?? null)]);
}

/** Parses one `--param path=v1,v2,...`. Throws InputError (unknown path, empty or duplicate values, non-scalar value). */
export function parseParam(expr: string): SweepParam {
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new InputError(`--param ${expr}: expected path=v1,v2,..., e.g. --param topology.replication.shipInterval=0ms,10ms,50ms`);
  const path = expr.slice(0, eq).trim();
  const segments = splitPath(path);
  if (!Array.isArray(segments)) throw new InputError(`--param ${expr}: ${segments.problem}`);
  if (!schemaHasPath(segments)) throw new InputError(`--param ${expr}: unknown field "${path}"`);
  const texts = expr.slice(eq + 1).split(',').map((t) => t.trim());
  if (texts.some((t) => t === '')) throw new InputError(`--param ${expr}: empty value in the list`);
  const values: ParamValue[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    const v = parseSet(`${path}=${text}`).value;
    if (v !== null && typeof v === 'object') throw new InputError(`--param ${expr}: "${text}" is not a scalar; sweep values must be scalars (numbers, strings, booleans)`);
    const id = JSON.stringify(v);
    if (seen.has(id)) throw new InputError(`--param ${expr}: value "${text}" is listed twice`);
    seen.add(id);
    values.push(v as ParamValue);
  }
  return { path, texts, values };
}

/** Parses every --param; refuses the same path twice. */
export function parseParams(exprs: readonly string[]): SweepParam[] {
  const params = exprs.map(parseParam);
  const paths = new Set<string>();
  for (const p of params) {
    if (paths.has(p.path)) throw new InputError(`--param ${p.path}: given twice; list all its values in one --param`);
    paths.add(p.path);
  }
  return params;
}

/** Number of runs in the grid. */
export function gridSize(spec: GridSpec): number {
  return spec.params.reduce((n, p) => n * p.values.length, 1) * spec.variants.length * spec.seeds.length;
}

/**
 * The grid's items in grid order (see the file header), generated one at a
 * time: a grid of millions of runs is never held in memory. Parameter
 * combinations are counted like an odometer, the last --param fastest.
 */
export function* gridItems(spec: GridSpec): Generator<GridItem> {
  const paths = spec.params.map((p) => p.path);
  if (spec.params.some((p) => p.values.length === 0)) return;
  const combo = spec.params.map(() => 0);
  let index = 0;
  for (;;) {
    const params: Record<string, ParamValue> = {};
    const sets: string[] = [...(spec.sets ?? [])];
    spec.params.forEach((p, k) => {
      const i = combo[k] as number;
      params[p.path] = p.values[i] as ParamValue;
      sets.push(`${p.path}=${p.texts[i] as string}`);
    });
    for (const variant of spec.variants) {
      for (const seed of spec.seeds) {
        yield { index: index++, variant, seed, params, sets, key: runKey(variant, seed, params, paths) };
      }
    }
    let k = spec.params.length - 1;
    while (k >= 0 && (combo[k] as number) + 1 >= (spec.params[k] as SweepParam).values.length) combo[k--] = 0;
    if (k < 0) return;
    combo[k] = (combo[k] as number) + 1;
  }
}

/** The whole grid as a list (for small grids and merges; a run streams gridItems). */
export function expandGrid(spec: GridSpec): GridItem[] {
  return [...gridItems(spec)];
}

/** A short hash naming the grid (scenario content, params, variants, seeds, repsim version). Shards of one sweep share it. */
export function gridFingerprint(spec: GridSpec): string {
  const canonical = JSON.stringify({
    version: REPSIM_VERSION,
    scenario: spec.scenarioHash,
    params: spec.params.map((p) => ({ path: p.path, values: p.values })),
    variants: spec.variants,
    seeds: spec.seeds,
    sets: spec.sets ?? [],
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** Seeds first, first+1, ..., first+count−1. */
export function seedRange(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
