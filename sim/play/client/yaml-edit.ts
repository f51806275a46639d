// Reading and writing single fields of the scenario's YAML text, keeping the
// rest of it as written: the controls and the fault timeline edit the text
// through these, and read it back after every keystroke in the editor. A
// value that is already there is replaced in place (its source range), and
// so is a fault added to or removed from a block list; anything else (a new
// key, a removed one) goes through the yaml package's document model, which
// keeps comments and order but re-spaces them. Pure.
import { Document as YamlDocument, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';

function parse(text: string): Document | undefined {
  const doc = parseDocument(text);
  return doc.errors.length > 0 || !isMap(doc.contents) ? undefined : doc;
}

function print(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** The plain value at `path`, or undefined (also when the text does not parse). */
export function readField(text: string, path: readonly (string | number)[]): unknown {
  const doc = parse(text);
  if (doc === undefined) return undefined;
  const v: unknown = doc.getIn(path, false);
  return v !== null && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v;
}

/** The text with `path` set to `value` (undefined: removed), or undefined when the text does not parse as a mapping. */
export function writeField(text: string, path: readonly (string | number)[], value: unknown): string | undefined {
  const doc = parse(text);
  if (doc === undefined) return undefined;
  if (value === undefined) {
    if (!doc.hasIn(path)) return text;
    doc.deleteIn(path);
    return print(doc);
  }
  const node = doc.getIn(path, true);
  const src = scalarSource(value);
  if (isScalar(node) && node.range && src !== undefined) return text.slice(0, node.range[0]) + src + text.slice(node.range[1]);
  doc.setIn(path, value);
  return print(doc);
}

/** A scalar as YAML writes it on one line (plain, or quoted when it must be), or undefined for a collection. */
function scalarSource(value: unknown): string | undefined {
  if (value === null || typeof value === 'object') return undefined;
  const s = new YamlDocument(value).toString({ lineWidth: 0 }).trimEnd();
  return s.includes('\n') ? undefined : s;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  const i = text.indexOf('\n', at);
  return i === -1 ? text.length : i;
}

/** The `faults:` list as plain values ([] when absent or unparsable). */
export function readFaults(text: string): Record<string, unknown>[] {
  const v = readField(text, ['faults']);
  return Array.isArray(v) ? v.filter((f): f is Record<string, unknown> => f !== null && typeof f === 'object' && !Array.isArray(f)) : [];
}

/** The text with fault `index` removed. */
export function removeFault(text: string, index: number): string | undefined {
  const doc = parse(text);
  if (doc === undefined) return undefined;
  const faults = doc.get('faults', true);
  if (!isSeq(faults) || index >= faults.items.length) return undefined;
  const items = faults.items as Array<{ range?: [number, number, number] | null }>;
  const item = items[index];
  const next = items[index + 1];
  if (!faults.flow && item?.range) {
    // The item's lines: from its dash's line to the next item's line (or the end of its own last line).
    const from = lineStart(text, item.range[0]);
    const to = next?.range ? lineStart(text, next.range[0]) : Math.min(text.length, lineEnd(text, Math.max(item.range[0], item.range[1] - 1)) + 1);
    if (text.slice(from, item.range[0]).trim() === '-') return text.slice(0, from) + text.slice(to);
  }
  faults.items.splice(index, 1);
  return print(doc);
}

/** The text with `fault` appended to `faults:` (created when missing). */
export function addFault(text: string, fault: Record<string, unknown>): string | undefined {
  const doc = parse(text);
  if (doc === undefined) return undefined;
  const faults = doc.get('faults', true);
  const node = doc.createNode(fault);
  node.flow = true;
  const items = isSeq(faults) ? (faults.items as Array<{ range?: [number, number, number] | null }>) : [];
  const first = items[0];
  const last = items[items.length - 1];
  if (isSeq(faults) && !faults.flow && first?.range && last?.range) {
    // A block list: one more `- { ... }` line after the last item, indented as the first.
    const dash = text.slice(lineStart(text, first.range[0]), first.range[0]);
    if (dash.trim() === '-') {
      const end = lineEnd(text, Math.max(last.range[0], last.range[1] - 1));
      return `${text.slice(0, end)}\n${dash}${new YamlDocument(node).toString({ lineWidth: 0, flowCollectionPadding: true }).trimEnd()}${text.slice(end)}`;
    }
  }
  if (isSeq(faults)) faults.items.push(node);
  else doc.set('faults', doc.createNode([fault]));
  return print(doc);
}

/** The region ids in `regions:` (in order; [] when unparsable). */
export function readRegions(text: string): string[] {
  const v = readField(text, ['regions']);
  return Array.isArray(v) ? v.map((r) => (r !== null && typeof r === 'object' ? (r as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string') : [];
}

/** The names of `variants:` in file order ([] when unparsable). */
export function readVariantNames(text: string): string[] {
  const v = readField(text, ['variants']);
  return Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' ? (x as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === 'string') : [];
}
