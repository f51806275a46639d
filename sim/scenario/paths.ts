// Field paths: the `['faults', 0, 'at']` that names a value in a scenario.
// Owns how a path is shown in messages, prefix tests, and reading the value a
// path names in a plain object. It does not write values (overrides.ts) or
// find a path's node in the YAML source (source.ts). Imports nothing, so
// every other scenario module can use it without a cycle.

/** A non-null, non-array object (a YAML mapping once parsed). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One segment of a field path: a mapping key or a list index. */
export type PathSegment = string | number;

/** A field path as shown in messages: dotted, `(root)` when empty. */
export function showPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** True when `prefix` is `path` or one of its ancestors (segments compared as strings). */
export function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

/** A zod issue's path key as a path segment. */
export function toSegment(k: PropertyKey): PathSegment {
  return typeof k === 'number' ? k : String(k);
}

/**
 * The value `path` names inside `root` (own mapping keys and in-range list
 * indexes only). `found` is false when the path leads nowhere or to undefined.
 */
export function valueAt(root: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && /^\d+$/.test(String(seg)) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, String(seg))) cur = cur[String(seg)];
    else return { found: false, value: undefined };
  }
  return { found: cur !== undefined, value: cur };
}
