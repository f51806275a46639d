// Guards against hostile input: oversized files, keys that reach
// Object.prototype, mapping keys that are not plain names, nesting too deep
// to walk, and YAML alias bombs ("billion laughs"). Owns the limits and the
// refusals, each located in the source. It does not parse YAML (source.ts) or
// judge whether values make sense (schema.ts, validate.ts); overrides.ts uses
// the same forbidden keys and alias limit for `--set` values.
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { InputError } from '../core/errors.ts';
import type { PathSegment } from './paths.ts';
import { sortLocated, type Located } from './problems.ts';
import type { SourceMap } from './source.ts';

/** Largest scenario file accepted, in bytes. */
export const MAX_SCENARIO_BYTES = 10 * 1024 * 1024;
/** YAML alias expansions allowed (yaml's maxAliasCount); refuses "billion laughs" input. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and lists accepted. */
const MAX_DEPTH = 64;

/** Keys refused anywhere in a scenario or an override: they reach Object.prototype in naive code. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for a key that could reach an object's prototype. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** Throws InputError (`label: cannot read scenario: file is N MB; ...`) when `bytes` exceeds MAX_SCENARIO_BYTES. */
export function refuseOversized(bytes: number, label: string): void {
  if (bytes > MAX_SCENARIO_BYTES) {
    throw new InputError(`${label}: cannot read scenario: file is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`);
  }
}

/** An alias in the document and the field path where it stands. */
export interface AliasUse {
  node: Node;
  path: PathSegment[];
}

/**
 * Walks the document, refusing (all at once, as one InputError in source
 * order) forbidden keys, keys that are not plain scalars and nesting deeper
 * than 64 levels. Returns the aliases found, for toPlainValue to blame.
 */
export function refuseHostileTree(source: SourceMap): AliasUse[] {
  const hostile: Located[] = [];
  const aliases: AliasUse[] = [];
  const walk = (node: Node | null, path: PathSegment[], depth: number): void => {
    if (depth > MAX_DEPTH) {
      hostile.push(source.at(node, path, `nested deeper than ${MAX_DEPTH} levels`));
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) {
          hostile.push(source.at(key ?? node, path, 'a mapping key must be a plain name, not a list, mapping or alias'));
          continue;
        }
        const k = String(key.value);
        if (isForbiddenKey(k)) hostile.push(source.at(key, [...path, k], `key "${k}" is not allowed`));
        else walk(pair.value as Node | null, [...path, k], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node | null, [...path, i], depth + 1));
    } else if (isAlias(node)) {
      aliases.push({ node, path });
    }
  };
  walk(source.doc.contents, [], 0);
  if (hostile.length > 0) throw new InputError(sortLocated(hostile).map((h) => h.text));
  return aliases;
}

/**
 * The document's plain JS value, expanding at most MAX_ALIAS_COUNT aliases.
 * Throws InputError located at the alias that expands to more aliases (or
 * the first alias) when the limit is hit.
 */
export function toPlainValue(source: SourceMap, aliases: readonly AliasUse[]): unknown {
  const { doc } = source;
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      const culprit = aliases.find((a) => isAlias(a.node) && containsAlias(a.node.resolve(doc) ?? null, 0)) ?? aliases[0];
      throw new InputError(
        source.at(culprit?.node, culprit?.path ?? [], `too many alias expansions (limit ${MAX_ALIAS_COUNT}); refusing what looks like a "billion laughs" YAML bomb`).text,
      );
    }
    throw new InputError(`${source.label}: cannot parse scenario: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function containsAlias(node: Node | null, depth: number): boolean {
  if (depth > MAX_DEPTH || node === null) return false;
  if (isAlias(node)) return true;
  if (isMap(node)) return node.items.some((p) => containsAlias(p.value as Node | null, depth + 1));
  if (isSeq(node)) return node.items.some((i) => containsAlias(i as Node | null, depth + 1));
  return false;
}
