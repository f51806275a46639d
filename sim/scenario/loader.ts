// Loading a scenario: YAML text → plain object → variant and --set overrides
// → zod schema → cross-field checks → a typed Scenario in model units.
//
//   read (≤ 10 MB) → parse YAML (one document, no bombs, no __proto__)
//     → apply variant `set`, then CLI `--set` (overrides.ts)
//     → ScenarioSchema (schema.ts) → validateScenario (validate.ts)
//
// Owns locating every problem in the source: each is reported as
// `file:line:col: path.to.field: message` (or `--set expr: ...` when an
// override wrote the value), all at once, as one InputError. It does not
// define fields or defaults (schema.ts), cross-field rules (validate.ts) or
// the override syntax (overrides.ts).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../cli/errors.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';
import { isForbiddenKey, isPlainObject, parseSet, schemaFormsAt, schemaHasPath, schemaKeysAt, setAtPath, splitPath } from './overrides.ts';
import { closest, validateScenario, type PathSegment, type Problem } from './validate.ts';

/** Largest scenario file accepted, in bytes. */
export const MAX_SCENARIO_BYTES = 10 * 1024 * 1024;
/** YAML alias expansions allowed (yaml's maxAliasCount); refuses "billion laughs" input. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and lists accepted. */
const MAX_DEPTH = 64;
/** YAML syntax errors reported per file (one typo can cascade). */
const MAX_SYNTAX_ERRORS = 20;
/** Problems reported per load; the rest are counted. */
const MAX_PROBLEMS = 200;

/** Options for loading a scenario. */
export interface LoadOptions {
  /** `--set path=value` expressions, applied last, in order. */
  sets?: readonly string[];
  /** Variant whose `set` is applied to the base scenario. Omitted (or `base` when no variant has that name): none. */
  variant?: string;
}

/** A loaded, validated scenario. */
export interface LoadedScenario {
  scenario: Scenario;
  /** The file label used in messages (the path as given). */
  file: string;
  /** The applied variant's name; `base` when none. */
  variant: string;
  /** Located warnings (`file:line:col: path: message`); they do not stop the run. */
  warnings: string[];
  /** sha256 (hex) of the source text, the applied variant name and the --set expressions. */
  contentHash: string;
  /** The plain object after overrides, before the schema (defaults, units). */
  raw: unknown;
}

/** Reads and loads a scenario file. Throws InputError listing every problem. */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  return loadScenarioFromText(readScenarioText(file), file, opts);
}

/** Loads a scenario from text; `fileLabel` names it in messages. Throws InputError listing every problem. */
export function loadScenarioFromText(text: string, fileLabel: string, opts: LoadOptions = {}): LoadedScenario {
  const sets = opts.sets ?? [];
  const source = parseSource(text, fileLabel);
  const raw = source.raw;
  const problems: Located[] = [];
  const variants = readVariants(source, problems);

  const working = structuredClone(raw);
  const origins: Origin[] = [];
  const variant = pickVariant(variants, opts.variant, fileLabel);
  if (variant) {
    for (const entry of variant.entries) {
      if (entry.path === undefined) continue; // reported by readVariants
      const problem = setAtPath(working, entry.path, entry.value);
      if (problem !== undefined) problems.push(source.at(entry.key, [...entry.where, entry.text], problem));
      else origins.push({ kind: 'variant', path: entry.path, key: entry.key, value: entry.valueNode });
    }
  }
  for (const expr of sets) {
    try {
      const o = parseSet(expr);
      const problem = !schemaHasPath(o.path) ? `unknown field "${o.path.join('.')}"` : setAtPath(working, o.path, o.value);
      if (problem !== undefined) problems.push(unlocated(`--set ${expr}: ${problem}`));
      else origins.push({ kind: 'cli', path: o.path, expr });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems.map(unlocated));
    }
  }

  const locator = new Locator(source, origins);
  const parsed = ScenarioSchema.safeParse(working);
  let partial: Partial<Scenario>;
  let repaired: PathSegment[][] = [];
  if (parsed.success) {
    partial = parsed.data;
  } else {
    const found: Problem[] = [];
    for (const issue of parsed.error.issues) translateIssue(issue, [], working, found);
    problems.push(...dedupe(found).map((p) => locator.locate(p)));
    ({ partial, repaired } = salvage(working));
  }
  const checked = validateScenario(partial, { written: working });
  problems.push(...checked.errors.filter((p) => !touchesRepaired(p, repaired)).map((p) => locator.locate(p)));
  if (problems.length > 0 || !parsed.success) {
    const lines = sortLocated(problems).map((p) => p.text);
    if (lines.length > MAX_PROBLEMS) lines.splice(MAX_PROBLEMS, Infinity, `${fileLabel}: ${lines.length - MAX_PROBLEMS} more problems not shown`);
    throw new InputError(lines);
  }

  const variantName = variant ? variant.name : 'base';
  const hash = createHash('sha256').update(text).update(`\0variant=${variantName}`);
  for (const s of sets) hash.update(`\0set=${s}`);
  return {
    scenario: parsed.data,
    file: fileLabel,
    variant: variantName,
    warnings: sortLocated(checked.warnings.map((p) => locator.locate(p))).map((p) => p.text),
    contentHash: hash.digest('hex'),
    raw: working,
  };
}

/** The names of a scenario file's variants, in file order. Throws InputError if the file cannot be read or parsed. */
export function listVariants(file: string): string[] {
  return variantNames(parseSource(readScenarioText(file), file));
}

/** What `repsim validate` found in one file. */
export interface FileValidation {
  file: string;
  /** Variant names, in file order. */
  variants: string[];
  /** Located problems; base problems as is, a variant's own prefixed `variant NAME: `. Empty when valid. */
  problems: string[];
  /** Located warnings, prefixed the same way. */
  warnings: string[];
}

/**
 * Loads the base scenario and every variant, collecting all problems and
 * warnings. A problem of the base is reported once, not again per variant.
 */
export function validateAllVariants(file: string): FileValidation {
  const result: FileValidation = { file, variants: [], problems: [], warnings: [] };
  let text: string;
  let source: Source;
  try {
    text = readScenarioText(file);
    source = parseSource(text, file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    result.problems.push(...e.problems);
    return result;
  }
  result.variants = variantNames(source);
  const base = tryLoad(text, file, undefined);
  result.problems.push(...base.problems);
  result.warnings.push(...base.warnings);
  const seenProblems = new Set(base.problems);
  const seenWarnings = new Set(base.warnings);
  for (const name of new Set(result.variants)) {
    const v = tryLoad(text, file, name);
    result.problems.push(...v.problems.filter((p) => !seenProblems.has(p)).map((p) => `variant ${name}: ${p}`));
    result.warnings.push(...v.warnings.filter((w) => !seenWarnings.has(w)).map((w) => `variant ${name}: ${w}`));
  }
  return result;
}

function tryLoad(text: string, file: string, variant: string | undefined): { problems: string[]; warnings: string[] } {
  try {
    const loaded = loadScenarioFromText(text, file, variant === undefined ? {} : { variant });
    return { problems: [], warnings: loaded.warnings };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { problems: e.problems, warnings: [] };
  }
}

// --- Reading and parsing ---------------------------------------------------------

/** Reads a scenario file as UTF-8, refusing missing, unreadable and oversized files. */
function readScenarioText(file: string): string {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: cannot read scenario: it is a directory`);
    if (st.size > MAX_SCENARIO_BYTES) throw new InputError(`${file}: cannot read scenario: ${tooBig(st.size)}`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read scenario: ${readFailure(e)}`);
  }
}

function tooBig(bytes: number): string {
  return `file is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`;
}

function readFailure(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}

/** A parsed YAML source: the document (for positions) and its plain JS value. */
interface Source {
  label: string;
  doc: Document.Parsed;
  lines: LineCounter;
  raw: Record<string, unknown>;
  /** Locates a message at a node (or at the start of the file when the node is missing). */
  at(node: Node | null | undefined, path: readonly PathSegment[], message: string): Located;
  /** `label:line:col` of a node, and its line and column. */
  pos(node: Node | null | undefined): { where: string; line: number; col: number };
}

/** Parses YAML text into a Source, refusing syntax errors, several documents, hostile keys, alias bombs and deep nesting. */
function parseSource(text: string, label: string): Source {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCENARIO_BYTES) throw new InputError(`${label}: cannot read scenario: ${tooBig(bytes)}`);
  const lines = new LineCounter();
  const posAt = (offset: number): { where: string; line: number; col: number } => {
    const { line, col } = lines.linePos(offset);
    return { where: `${label}:${line}:${col}`, line, col };
  };
  let docs: Document.Parsed[];
  try {
    docs = [...parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' })];
  } catch (e) {
    throw new InputError(`${label}: cannot parse scenario: ${e instanceof Error ? e.message : String(e)}`);
  }
  const doc = docs[0];
  if (doc === undefined) throw new InputError(`${label}:1:1: (root): the scenario is empty`);
  const syntax: Located[] = [];
  for (const d of docs) {
    for (const err of [...d.errors, ...d.warnings]) {
      const p = posAt(err.pos[0]);
      syntax.push({ ...p, text: `${p.where}: YAML: ${firstLine(err.message)}` });
    }
  }
  if (syntax.length > 0) {
    const shown = syntax.slice(0, MAX_SYNTAX_ERRORS).map((s) => s.text);
    if (syntax.length > MAX_SYNTAX_ERRORS) shown.push(`${label}: ${syntax.length - MAX_SYNTAX_ERRORS} more YAML errors not shown`);
    throw new InputError(shown);
  }
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    throw new InputError(`${posAt(second.range[0]).where}: (root): a scenario file holds one YAML document; found ${docs.length} (remove the "---" separators)`);
  }

  const source: Source = {
    label,
    doc,
    lines,
    raw: {},
    pos(node) {
      return node?.range ? posAt(node.range[0]) : { where: `${label}:1:1`, line: 1, col: 1 };
    },
    at(node, path, message) {
      const p = source.pos(node);
      return { line: p.line, col: p.col, text: `${p.where}: ${showPath(path)}: ${message}` };
    },
  };

  const hostile: Located[] = [];
  const aliases: { node: Node; path: PathSegment[] }[] = [];
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
  walk(doc.contents, [], 0);
  if (hostile.length > 0) throw new InputError(sortLocated(hostile).map((h) => h.text));

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      const culprit = aliases.find((a) => isAlias(a.node) && containsAlias(a.node.resolve(doc) ?? null, 0)) ?? aliases[0];
      throw new InputError(
        source.at(culprit?.node, culprit?.path ?? [], `too many alias expansions (limit ${MAX_ALIAS_COUNT}); refusing what looks like a "billion laughs" YAML bomb`).text,
      );
    }
    throw new InputError(`${label}: cannot parse scenario: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isPlainObject(raw)) {
    throw new InputError(`${source.pos(doc.contents).where}: (root): a scenario is a YAML mapping (name:, regions:, network:, ...); found ${describeValue(raw)}`);
  }
  source.raw = raw;
  return source;
}

function containsAlias(node: Node | null, depth: number): boolean {
  if (depth > MAX_DEPTH || node === null) return false;
  if (isAlias(node)) return true;
  if (isMap(node)) return node.items.some((p) => containsAlias(p.value as Node | null, depth + 1));
  if (isSeq(node)) return node.items.some((i) => containsAlias(i as Node | null, depth + 1));
  return false;
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).trim();
}

// --- Variants --------------------------------------------------------------------

/** One `set` entry of a variant: its dotted key, parsed path, value and nodes. */
interface VariantEntry {
  text: string;
  path: string[] | undefined;
  value: unknown;
  key: Node;
  valueNode: Node | null;
  /** Path of the variant's `set` mapping, e.g. ['variants', 1, 'set']. */
  where: PathSegment[];
}

interface VariantInfo {
  name: string;
  entries: VariantEntry[];
}

function variantNames(source: Source): string[] {
  const list = source.raw['variants'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((v: unknown) => (isPlainObject(v) && typeof v['name'] === 'string' ? [v['name']] : []));
}

/** Reads every variant's `set` entries, reporting keys that are not schema fields. */
function readVariants(source: Source, problems: Located[]): VariantInfo[] {
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

function pickVariant(variants: VariantInfo[], name: string | undefined, label: string): VariantInfo | undefined {
  if (name === undefined) return undefined;
  const found = variants.find((v) => v.name === name);
  if (found) return found;
  if (name === 'base') return undefined;
  const known = variants.map((v) => v.name);
  const hint = closest(name, known);
  throw new InputError(
    `${label}: unknown variant "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; ${known.length > 0 ? `variants are ${known.join(', ')}` : 'the scenario has no variants'}`,
  );
}

// --- Locating problems -------------------------------------------------------------

/** A formatted problem with its position, for sorting (line Infinity: not in the file). */
interface Located {
  line: number;
  col: number;
  text: string;
}

function unlocated(text: string): Located {
  return { line: Infinity, col: 0, text };
}

function sortLocated(list: Located[]): Located[] {
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Where an overridden value came from: a variant's `set` entry or a CLI `--set`. */
type Origin =
  | { kind: 'variant'; path: string[]; key: Node; value: Node | null }
  | { kind: 'cli'; path: string[]; expr: string };

interface Found {
  node: Node | null;
  key: Node | null;
  /** Segments matched. */
  matched: number;
  /** The deepest node reached. */
  deepest: Node | null;
}

/** Follows a path through mappings and lists from `start`. */
function findNode(doc: Document.Parsed, start: Node | null, path: readonly PathSegment[]): Found {
  let node: Node | null = start;
  let key: Node | null = null;
  let deepest: Node | null = start;
  for (let i = 0; i < path.length; i++) {
    const seg = String(path[i]);
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { node: null, key: null, matched: i, deepest };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && /^\d+$/.test(seg) && Number(seg) < node.items.length) {
      key = null;
      node = (node.items[Number(seg)] as Node | null) ?? null;
    } else {
      return { node: null, key: null, matched: i, deepest };
    }
    deepest = isEmpty(node) ? key : node;
  }
  return { node, key, matched: path.length, deepest };
}

/** A `key:` with nothing after it: point at the key instead. */
function isEmpty(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1]);
}

function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

/** Maps problems' field paths to `file:line:col` (or the override that wrote the value). */
class Locator {
  constructor(
    private readonly source: Source,
    private readonly origins: readonly Origin[],
  ) {}

  /** Formats a problem as `file:line:col: path: message`. */
  locate(p: Problem): Located {
    const target = p.anchor === 'parent' ? p.path.slice(0, -1) : p.path;
    const wantKey = p.anchor === 'key';
    const { doc } = this.source;
    // 1. An override wrote this value (or an ancestor of it): point there.
    const cover = [...this.origins].reverse().find((o) => isPrefix(o.path, target));
    if (cover) return this.fromOrigin(cover, target.slice(cover.path.length), wantKey, p);
    // 2. The file has it.
    const f = findNode(doc, doc.contents, target);
    if (f.matched === target.length) return this.source.at(pick(f, wantKey), p.path, p.message);
    // 3. An override created it (e.g. a new workload.regions key).
    const created = [...this.origins].reverse().find((o) => isPrefix(target, o.path));
    if (created) return this.fromOrigin(created, [], true, p);
    // 4. The nearest enclosing node.
    return this.source.at(f.deepest, p.path, p.message);
  }

  private fromOrigin(o: Origin, rest: readonly PathSegment[], wantKey: boolean, p: Problem): Located {
    if (o.kind === 'cli') return unlocated(`--set ${o.expr}: ${showPath(p.path)}: ${p.message}`);
    if (rest.length === 0) return this.source.at(wantKey || isEmpty(o.value) ? o.key : o.value, p.path, p.message);
    const f = findNode(this.source.doc, o.value, rest);
    return this.source.at(f.matched === rest.length ? pick(f, wantKey) : (f.deepest ?? o.key), p.path, p.message);
  }
}

/** The node to point at: the key for unknown keys, empty values and block collections (`rtt:` rather than its first entry). */
function pick(f: Found, wantKey: boolean): Node | null {
  if (f.key && (wantKey || isEmpty(f.node) || isBlockCollection(f.node))) return f.key;
  return f.node;
}

function isBlockCollection(node: Node | null): boolean {
  return (isMap(node) || isSeq(node)) && !node.flow;
}

/** A field path as shown in messages: dotted, `(root)` when empty. */
function showPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

// --- Translating schema issues ------------------------------------------------------

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && /^\d+$/.test(String(seg)) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, String(seg))) cur = cur[String(seg)];
    else return { found: false, value: undefined };
  }
  return { found: cur !== undefined, value: cur };
}

function toSegment(k: PropertyKey): PathSegment {
  return typeof k === 'number' ? k : String(k);
}

/** Turns one zod issue into plain-language problems (a union issue may give several). */
function translateIssue(issue: Issue, base: readonly PathSegment[], raw: unknown, out: Problem[]): void {
  const path = [...base, ...issue.path.map(toSegment)];
  const { found, value } = valueAt(raw, path);
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && !found && path.length > 0) {
    out.push({ path, message: 'required field is missing', anchor: 'parent' });
    return;
  }
  switch (issue.code) {
    case 'invalid_type':
      out.push({ path, message: typeMessage(issue.expected, value) });
      return;
    case 'invalid_union': {
      const branch = pickBranch(issue.errors, path, raw);
      const tag = branch ? undefined : discriminatorMismatch(issue.errors, value);
      if (branch) for (const i of branch) translateIssue(i, path, raw, out);
      else if (tag) out.push({ path: [...path, tag.key], message: tag.message });
      else out.push({ path, message: `expected ${orList(schemaFormsAt(path))}; got ${describeValue(value)}` });
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      if (values.length === 1) {
        out.push({ path, message: `expected ${JSON.stringify(issue.values[0])}, got ${describeValue(value)}` });
        return;
      }
      const hint = typeof value === 'string' ? closest(value, values) : undefined;
      if (value === null) {
        out.push({ path, message: `is empty; expected one of ${values.join(', ')}` });
        return;
      }
      out.push({ path, message: `${describeValue(value)} is not one of ${values.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}` });
      return;
    }
    case 'unrecognized_keys': {
      const present = isPlainObject(value) ? Object.keys(value) : [];
      const allowed = schemaKeysAt(path).filter((k) => !present.includes(k));
      for (const k of issue.keys) {
        const hint = closest(k, allowed);
        out.push({ path: [...path, k], message: `unknown field${hint ? ` (did you mean "${hint}"?)` : ''}`, anchor: 'key' });
      }
      return;
    }
    case 'too_small':
    case 'too_big': {
      out.push({ path, message: rangeMessage(issue, value) });
      return;
    }
    default:
      out.push({ path, message: issue.message });
  }
}

function typeMessage(expected: string, value: unknown): string {
  if (expected === 'int') return `must be a whole number (got ${describeValue(value)})`;
  if (expected === 'number' && typeof value === 'number') return `must be a finite number (got ${describeValue(value)})`;
  const nouns: Record<string, string> = {
    string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', tuple: 'a list', object: 'a mapping', record: 'a mapping',
  };
  return `expected ${nouns[expected] ?? expected}, got ${describeValue(value)}`;
}

function rangeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = String(small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
    case 'set': {
      const n = Array.isArray(value) ? value.length : 0;
      return small ? `needs at least ${limit} item${limit === '1' ? '' : 's'} (has ${n})` : `has ${n} items; at most ${limit} allowed`;
    }
    case 'string':
      return small ? `must be at least ${limit} characters` : `must be at most ${limit} characters`;
    default: {
      const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return `must be ${op} ${limit} (got ${describeValue(value)})`;
    }
  }
}

/**
 * Picks the union alternative the author most likely meant: the one with the
 * fewest structural mismatches (wrong type, wrong `dist:` literal, missing or
 * unknown keys). Undefined when no alternative stands out.
 */
function pickBranch(branches: Issue[][], path: readonly PathSegment[], raw: unknown): Issue[] | undefined {
  let best: Issue[] | undefined;
  let bestScore = Infinity;
  let tie = false;
  for (const branch of branches) {
    let score = 0;
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const i of branch) {
      const full = [...path, ...i.path.map(toSegment)];
      if (i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union')) score += 10;
      else if (i.code === 'invalid_value' && i.values.length === 1) score += 10;
      else if ((i.code === 'invalid_type' || i.code === 'invalid_union') && !valueAt(raw, full).found) {
        score += 1;
        missing.push(String(full[full.length - 1]));
      } else if (i.code === 'unrecognized_keys') {
        score += i.keys.length;
        unknown.push(...i.keys);
      } else score += 0.5;
    }
    if (unknown.some((k) => closest(k, missing) !== undefined)) score -= 0.5; // a typo of a field this form needs
    if (score < bestScore) {
      best = branch;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  return tie || bestScore >= 10 ? undefined : best;
}

/**
 * When every mapping alternative of a union failed on the same literal key
 * (e.g. `dist:`), the value of that key is the problem: name the allowed ones.
 */
function discriminatorMismatch(branches: Issue[][], value: unknown): { key: string; message: string } | undefined {
  if (!isPlainObject(value)) return undefined;
  let key: string | undefined;
  const allowed: string[] = [];
  for (const branch of branches) {
    if (branch.some((i) => i.path.length === 0 && i.code === 'invalid_type')) continue; // a scalar alternative
    const lit = branch.find((i) => i.code === 'invalid_value' && i.values.length === 1 && i.path.length === 1);
    if (!lit || lit.code !== 'invalid_value') return undefined;
    const k = String(lit.path[0]);
    if (key !== undefined && key !== k) return undefined;
    key = k;
    allowed.push(String(lit.values[0]));
  }
  if (key === undefined || !Object.hasOwn(value, key)) return undefined;
  const got = value[key];
  const hint = typeof got === 'string' ? closest(got, allowed) : undefined;
  return { key, message: `${describeValue(got)} is not one of ${allowed.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}` };
}

function orList(forms: string[]): string {
  if (forms.length <= 1) return forms[0] ?? 'a different value';
  return `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}`;
}

/** A value as shown in messages. */
function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${showPath(p.path)}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** What could still be parsed of an invalid scenario, and which values were dropped to get there. */
interface Salvaged {
  partial: Partial<Scenario>;
  /** Paths of invalid values removed (so defaults stood in) before a field parsed. */
  repaired: PathSegment[][];
}

/**
 * Parses each top-level field on its own so cross-field checks can still run
 * on the fields that are valid. A field that fails is retried with its
 * invalid values removed (defaults stand in), a few rounds at most; list items
 * are never removed, so paths stay true.
 */
function salvage(working: unknown): Salvaged {
  const out: Salvaged = { partial: {}, repaired: [] };
  if (!isPlainObject(working)) return out;
  const partial: Record<string, unknown> = {};
  const shape = ScenarioSchema.shape as Record<string, z.ZodType>;
  for (const [key, schema] of Object.entries(shape)) {
    const value: unknown = structuredClone(working[key]);
    const removed: PathSegment[][] = [];
    for (let round = 0; round < 4; round++) {
      const r = schema.safeParse(value);
      if (r.success) {
        partial[key] = r.data;
        out.repaired.push(...removed);
        break;
      }
      let progressed = false;
      for (const issue of r.error.issues) {
        const at = issue.path.map(toSegment);
        const targets = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...at, k]) : [at];
        for (const t of targets) {
          if (removeAt(value, t)) {
            progressed = true;
            removed.push([key, ...t]);
          }
        }
      }
      if (!progressed) break;
    }
  }
  out.partial = partial as Partial<Scenario>;
  return out;
}

/** Deletes a mapping entry at `path` inside `root`; false when there is none (or it is a list item). */
function removeAt(root: unknown, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  const last = String(path[path.length - 1]);
  if (!parent.found || !isPlainObject(parent.value) || !Object.hasOwn(parent.value, last)) return false;
  delete parent.value[last];
  return true;
}

/**
 * True when a cross-field problem may only exist because a value was removed
 * during salvage: its path and a removed path are nested, or are siblings.
 */
function touchesRepaired(p: Problem, repaired: readonly PathSegment[][]): boolean {
  const parentOf = (x: readonly PathSegment[]): string => showPath(x.slice(0, -1));
  return repaired.some((r) => isPrefix(r, p.path) || isPrefix(p.path, r) || parentOf(r) === parentOf(p.path));
}
