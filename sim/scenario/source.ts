// The YAML source of a scenario, with positions: parses the text (one
// document, no syntax errors) and maps nodes and field paths to
// `file:line:col`. It does not refuse hostile input (hostile.ts), turn the
// document into a plain value, or decide which node a problem points at when
// overrides are involved (locator.ts).
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { InputError } from '../core/errors.ts';
import { showPath, type PathSegment } from './paths.ts';
import type { Located } from './problems.ts';


/** A parsed YAML document and the way back from its nodes to `file:line:col`. */
export interface SourceMap {
  /** The file label used in messages. */
  label: string;
  doc: Document.Parsed;
  /** Locates a message at a node (or at the start of the file when the node is missing). */
  at(node: Node | null | undefined, path: readonly PathSegment[], message: string): Located;
  /** `label:line:col` of a node, and its line and column. */
  pos(node: Node | null | undefined): { where: string; line: number; col: number };
}

/** A source map with the document's plain value, a mapping (what the overrides and the schema read). */
export interface Source extends SourceMap {
  raw: Record<string, unknown>;
}

/**
 * Parses YAML text (YAML 1.2, unique keys). Throws InputError for an empty
 * file, for a syntax error (the first one, located: the ones after it are
 * almost always its echoes, e.g. one tab used for indentation gives eight)
 * and for a file of several documents.
 */
export function parseYaml(text: string, label: string): SourceMap {
  const lines = new LineCounter();
  const posAt = (offset: number): { where: string; line: number; col: number } => {
    const { line, col } = lines.linePos(offset);
    return { where: `${label}:${line}:${col}`, line, col };
  };
  let docs: Document.Parsed[];
  try {
    docs = [...parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' })];
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`${label}: (root): ${tooDeep()}`);
    throw new InputError(`${label}: cannot parse scenario: ${e instanceof Error ? e.message : String(e)}`);
  }
  const doc = docs[0];
  if (doc === undefined) throw new InputError(`${label}:1:1: (root): the scenario is empty`);
  const syntax: Located[] = [];
  for (const d of docs) {
    for (const err of [...d.errors, ...d.warnings]) {
      const p = posAt(err.pos[0]);
      syntax.push({ ...p, text: `${p.where}: YAML: ${plainSyntaxMessage(err.message)}` });
    }
  }
  const first = syntax.sort((a, b) => a.line - b.line || a.col - b.col)[0];
  if (first !== undefined) throw new InputError(first.text);
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed;
    throw new InputError(`${posAt(second.range[0]).where}: (root): a scenario file holds one YAML document; found ${docs.length} (remove the "---" separators)`);
  }

  const pos = (node: Node | null | undefined): { where: string; line: number; col: number } =>
    node?.range ? posAt(node.range[0]) : { where: `${label}:1:1`, line: 1, col: 1 };
  return {
    label,
    doc,
    pos,
    at(node, path, message) {
      const p = pos(node);
      return { line: p.line, col: p.col, text: `${p.where}: ${showPath(path)}: ${message}` };
    },
  };
}

function tooDeep(): string {
  return 'nested too deeply to read (the YAML reader ran out of stack on [ ] or { } inside each other); a scenario nests a handful of levels';
}

/** The parser's message in plain words: its first line, with a hint where the parser's own is cryptic. */
function plainSyntaxMessage(message: string): string {
  const line = (message.split('\n')[0] ?? message).trim();
  if (/Maximum call stack size exceeded/.test(line)) return tooDeep();
  if (/^Tabs are not allowed as indentation/.test(line)) return `${line}; indent with spaces`;
  return line;
}

/** Where findNode got to. */
export interface Found {
  /** The node the whole path names (null when not matched, or when the key has no value). */
  node: Node | null;
  /** The mapping key of the last matched segment (null for a list item). */
  key: Node | null;
  /** Segments matched. */
  matched: number;
  /** The deepest node reached. */
  deepest: Node | null;
}

/** Follows a path through mappings and lists (and aliases) from `start`. */
export function findNode(doc: Document.Parsed, start: Node | null, path: readonly PathSegment[]): Found {
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

/** A `key:` with nothing after it (messages point at the key instead). */
export function isEmpty(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1]);
}
