// Overrides: `--set path=value` expressions and variant `set` blocks.
// Owns parsing a set expression, checking that a dotted path names a field of
// the scenario schema (walking the zod shapes), and writing a value at a path
// into a plain object. It does not read files, apply variants (variants.ts)
// or locate errors in YAML source (locator.ts); the keys it refuses and its
// alias limit are hostile.ts's.
import { parseDocument, isCollection } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { MAX_ALIAS_COUNT, isForbiddenKey } from './hostile.ts';
import { isPlainObject } from './paths.ts';
import { ScenarioSchema } from './schema.ts';

/** One parsed `--set`: the dotted path split into segments, and the value. */
export interface SetOverride {
  path: string[];
  value: unknown;
}

/**
 * Splits a dotted path (`topology.replication.mode`) into segments.
 * Returns a message instead when a segment is empty or forbidden.
 */
export function splitPath(dotted: string): string[] | { problem: string } {
  const path = dotted.trim().split('.');
  if (path.some((s) => s === '')) return { problem: `"${dotted}" is not a field path (segments separated by single dots)` };
  const bad = path.find(isForbiddenKey);
  if (bad !== undefined) return { problem: `key "${bad}" is not allowed` };
  return path;
}

/**
 * Parses `path=value`. The value is read as a YAML flow scalar or flow
 * collection (`30s`, `none`, `100/s`, `[]`, `{isolate: a}`); text that is not
 * valid flow YAML (e.g. `a: b`) is kept as a plain string. Throws InputError
 * when `=` is missing, the path is malformed, or the value holds a forbidden key.
 */
export function parseSet(expr: string): SetOverride {
  const eq = expr.indexOf('=');
  if (eq < 0) throw new InputError(`--set ${expr}: expected path=value, e.g. --set failover.fencing=none`);
  const path = splitPath(expr.slice(0, eq));
  if (!Array.isArray(path)) throw new InputError(`--set ${expr}: ${path.problem}`);
  const text = expr.slice(eq + 1);
  const value = parseFlowValue(text);
  if (!value.ok) throw new InputError(`--set ${expr}: ${value.problem}`);
  return { path, value: value.value };
}

type FlowValue = { ok: true; value: unknown } | { ok: false; problem: string };

function parseFlowValue(text: string): FlowValue {
  const trimmed = text.trim();
  const doc = parseDocument(text, { prettyErrors: false });
  const node = doc.contents;
  const looksLikeCollection = trimmed.startsWith('[') || trimmed.startsWith('{');
  if (doc.errors.length > 0 || (isCollection(node) && !node.flow)) {
    if (looksLikeCollection) return { ok: false, problem: `value is not valid YAML flow syntax: ${firstLine(doc.errors[0]?.message ?? 'block collection')}` };
    return { ok: true, value: text };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { ok: false, problem: `value refused: ${firstLine(e instanceof Error ? e.message : String(e))}` };
  }
  const bad = findForbiddenKey(value);
  if (bad !== undefined) return { ok: false, problem: `key "${bad}" is not allowed` };
  return { ok: true, value };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function findForbiddenKey(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const bad = findForbiddenKey(x);
      if (bad !== undefined) return bad;
    }
  } else if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (isForbiddenKey(k)) return k;
      const bad = findForbiddenKey(v[k]);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

/**
 * Applies `--set` expressions to a deep clone of `raw` (the plain object read
 * from YAML) and returns the clone; `raw` is not touched. `label` names the
 * overrides in messages (default `--set`). All problems are collected and
 * thrown together as one InputError, e.g.
 * `--set topology.kind2=x: unknown field "topology.kind2"`.
 */
export function applySets(raw: unknown, sets: readonly string[], label = '--set'): unknown {
  const root = structuredClone(raw);
  const problems: string[] = [];
  for (const expr of sets) {
    const r = applySet(root, expr, label);
    if (!r.ok) problems.push(...r.problems);
  }
  if (problems.length > 0) throw new InputError(problems);
  return root;
}

/** What applySet did: the override it wrote, or why it could not. */
export type SetResult = { ok: true; override: SetOverride } | { ok: false; problems: string[] };

/**
 * Applies one `path=value` expression to `root` (mutating it): parses it,
 * checks the path names a schema field, writes the value. Problems read
 * `LABEL EXPR: message` (label default `--set`).
 */
export function applySet(root: unknown, expr: string, label = '--set'): SetResult {
  let o: SetOverride;
  try {
    o = parseSet(expr);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { ok: false, problems: e.problems.map((p) => p.replace(/^--set /, `${label} `)) };
  }
  const problem = !schemaHasPath(o.path) ? `unknown field "${o.path.join('.')}"` : setAtPath(root, o.path, o.value);
  return problem === undefined ? { ok: true, override: o } : { ok: false, problems: [`${label} ${expr}: ${problem}`] };
}

/**
 * Writes `value` at `path` inside `root` (mutating it), creating missing
 * intermediate containers: a list where the schema has a list, otherwise a
 * mapping. A numeric segment indexes a list (at most one past its end).
 * Returns a message when the path runs through a scalar or past a list's end.
 */
export function setAtPath(root: unknown, path: readonly string[], value: unknown): string | undefined {
  if (path.length === 0) return 'empty field path';
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string;
    const last = i === path.length - 1;
    const here = path.slice(0, i).join('.') || '(root)';
    const fresh = (): unknown => (last ? value : schemaIsListAt(path.slice(0, i + 1)) ? [] : {});
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return `${here} is a list; index it with a number, not "${seg}"`;
      const idx = Number(seg);
      if (idx > cur.length) return `index ${idx} is past the end of ${here} (${cur.length} items)`;
      if (last || cur[idx] === undefined || cur[idx] === null) cur[idx] = fresh();
      cur = cur[idx];
    } else if (isPlainObject(cur)) {
      if (isForbiddenKey(seg)) return `key "${seg}" is not allowed`;
      if (last || !Object.hasOwn(cur, seg) || cur[seg] === null || cur[seg] === undefined) {
        Object.defineProperty(cur, seg, { value: fresh(), enumerable: true, writable: true, configurable: true });
      }
      cur = cur[seg];
    } else {
      return `cannot set ${path.join('.')}: ${here} is ${describeKind(cur)}, not a mapping`;
    }
  }
  return undefined;
}

function describeKind(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

// --- Walking the zod schema ---------------------------------------------------

/** The schema node types the walk knows; everything else is a leaf. */
type Walkable = z.core.$ZodType;

/** Unwraps optional/default/prefault/nullable/readonly/catch/lazy/pipe and flattens unions. */
function expand(s: Walkable): Walkable[] {
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodNullable
    || s instanceof z.ZodReadonly || s instanceof z.ZodCatch || s instanceof z.ZodLazy || s instanceof z.ZodNonOptional) {
    return expand(s.unwrap() as Walkable);
  }
  if (s instanceof z.ZodPipe) {
    // A transform's input side holds the shape; a preprocess (transform → schema) holds it on the output side.
    return s.in instanceof z.ZodTransform ? expand(s.out as Walkable) : expand(s.in as Walkable);
  }
  if (s instanceof z.ZodUnion) return (s.options as readonly Walkable[]).flatMap(expand);
  return [s];
}

/** The schema's child at one path segment, if it has one. */
function step(s: Walkable, seg: string): Walkable[] {
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, Walkable>;
    const child = Object.hasOwn(shape, seg) ? shape[seg] : undefined;
    return child ? expand(child) : [];
  }
  if (s instanceof z.ZodRecord) return expand(s.valueType as Walkable);
  if (s instanceof z.ZodArray) return /^\d+$/.test(seg) ? expand(s.element as Walkable) : [];
  if (s instanceof z.ZodTuple) {
    const items = s.def.items as readonly Walkable[];
    const item = /^\d+$/.test(seg) ? items[Number(seg)] : undefined;
    return item ? expand(item) : [];
  }
  if (s instanceof z.ZodUnknown || s instanceof z.ZodAny) return [s];
  return [];
}

/** Every schema node the path can name (several when it runs through a union). */
export function schemasAt(path: readonly (string | number)[]): Walkable[] {
  let cur = expand(ScenarioSchema);
  for (const seg of path) {
    cur = cur.flatMap((s) => step(s, String(seg)));
    if (cur.length === 0) break;
  }
  return cur;
}

/**
 * True when the dotted path names a field of ScenarioSchema: object shapes
 * by key, records by any key, lists and tuples by numeric index.
 */
export function schemaHasPath(path: readonly (string | number)[]): boolean {
  return path.length > 0 && schemasAt(path).length > 0;
}

/** The field names the schema allows at a path (for "did you mean" hints). */
export function schemaKeysAt(path: readonly (string | number)[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(path)) if (s instanceof z.ZodObject) for (const k of Object.keys(s.shape)) keys.add(k);
  return [...keys];
}

function schemaIsListAt(path: readonly string[]): boolean {
  const at = schemasAt(path);
  if (at.length === 0) return /^\d+$/.test(path[path.length - 1] ?? '');
  return at.some((s) => s instanceof z.ZodArray || s instanceof z.ZodTuple);
}

/**
 * Short descriptions of the forms a value at `path` may take, for a value that
 * matches none of a union's alternatives: `a string`, `{dist: uniform, min, max}`.
 */
export function schemaFormsAt(path: readonly (string | number)[]): string[] {
  const forms: string[] = [];
  for (const s of schemasAt(path)) {
    const f = describeForm(s);
    if (!forms.includes(f)) forms.push(f);
  }
  return forms;
}

function describeForm(s: Walkable): string {
  if (s instanceof z.ZodObject) {
    const parts: string[] = [];
    for (const [k, child] of Object.entries(s.shape as Record<string, Walkable>)) {
      if (child instanceof z.ZodLiteral) parts.push(`${k}: ${String(child.value)}`);
      else if (!(child instanceof z.ZodOptional || child instanceof z.ZodDefault || child instanceof z.ZodPrefault)) parts.push(k);
    }
    return `{${parts.join(', ')}}`;
  }
  if (s instanceof z.ZodString) return 'a string';
  if (s instanceof z.ZodNumber) return 'a number';
  if (s instanceof z.ZodBoolean) return 'true or false';
  if (s instanceof z.ZodArray || s instanceof z.ZodTuple) return 'a list';
  if (s instanceof z.ZodRecord) return 'a mapping';
  if (s instanceof z.ZodEnum) return `one of ${s.options.join(', ')}`;
  if (s instanceof z.ZodLiteral) return JSON.stringify(s.value);
  return 'a value';
}
