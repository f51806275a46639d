// A scenario's variants, as the loader applies them: reading each variant's
// `set` entries from the YAML (with their nodes, so a problem points at the
// entry that caused it), choosing one by name and writing its entries into
// the working copy. It does not parse `set` paths or write values
// (overrides.ts), and does not check variant names for duplicates
// (validate.ts).
import { isMap, isScalar, type Node } from 'yaml';
import { InputError } from '../core/errors.ts';
import type { Origin } from './locator.ts';
import { schemaHasPath, setAtPath, splitPath } from './overrides.ts';
import { isPlainObject, type PathSegment } from './paths.ts';
import type { Located } from './problems.ts';
import { findNode, type Source } from './source.ts';
import { didYouMean } from './wording.ts';

/** One `set` entry of a variant: its dotted key, parsed path, value and nodes. */
export interface VariantEntry {
  /** The key as written, e.g. `failover.fencing`. */
  text: string;
  /** The key split into segments; undefined when it is malformed or names no field (already reported). */
  path: string[] | undefined;
  value: unknown;
  key: Node;
  valueNode: Node | null;
  /** Path of the variant's `set` mapping, e.g. ['variants', 1, 'set']. */
  where: PathSegment[];
}

/** A named variant and its `set` entries, in file order. */
export interface VariantInfo {
  name: string;
  entries: VariantEntry[];
}

/** The names of the variants that have a string `name`, in file order. */
export function variantNames(source: Source): string[] {
  const list = source.raw['variants'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((v: unknown) => (isPlainObject(v) && typeof v['name'] === 'string' ? [v['name']] : []));
}

/** Reads every variant's `set` entries, reporting (into `problems`) keys that are not schema fields. */
export function readVariants(source: Source, problems: Located[]): VariantInfo[] {
  const list = source.raw['variants'];
  if (!Array.isArray(list)) return [];
  const out: VariantInfo[] = [];
  list.forEach((v: unknown, i) => {
    if (!isPlainObject(v) || typeof v['name'] !== 'string') return;
    const info: VariantInfo = { name: v['name'], entries: [] };
    out.push(info);
    const set = v['set'];
    const where: PathSegment[] = ['variants', i, 'set'];
    const setNode = findNode(source.doc, source.doc.contents, where);
    if (!isPlainObject(set) || !isMap(setNode.node)) return;
    for (const pair of setNode.node.items) {
      if (!isScalar(pair.key)) continue;
      const text = String(pair.key.value);
      const key = pair.key as Node;
      const split = splitPath(text);
      let path: string[] | undefined;
      if (!Array.isArray(split)) problems.push(source.at(key, [...where, text], split.problem));
      else if (!schemaHasPath(split)) problems.push(source.at(key, [...where, text], 'unknown field'));
      else path = split;
      info.entries.push({ text, path, value: set[text], key, valueNode: (pair.value as Node | null) ?? null, where });
    }
  });
  return out;
}

/**
 * The variant named `name`; undefined when no name is given, or for `base`
 * when no variant has that name. Throws InputError for any other unknown name.
 */
export function pickVariant(variants: readonly VariantInfo[], name: string | undefined, label: string): VariantInfo | undefined {
  if (name === undefined) return undefined;
  const found = variants.find((v) => v.name === name);
  if (found) return found;
  if (name === 'base') return undefined;
  const known = variants.map((v) => v.name);
  throw new InputError(
    `${label}: unknown variant "${name}"${didYouMean(name, known)}; ${known.length > 0 ? `variants are ${known.join(', ')}` : 'the scenario has no variants'}`,
  );
}

/**
 * Writes the variant's valid entries into `working` (mutating it), in order.
 * A value that cannot be written is reported into `problems` at its entry;
 * returns where each written value came from.
 */
export function applyVariant(variant: VariantInfo, working: unknown, source: Source, problems: Located[]): Origin[] {
  const origins: Origin[] = [];
  for (const entry of variant.entries) {
    if (entry.path === undefined) continue; // reported by readVariants
    const problem = setAtPath(working, entry.path, entry.value);
    if (problem !== undefined) problems.push(source.at(entry.key, [...entry.where, entry.text], problem));
    else origins.push({ kind: 'variant', path: entry.path, key: entry.key, value: entry.valueNode });
  }
  return origins;
}
