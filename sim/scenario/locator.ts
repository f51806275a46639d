// Pointing at a problem: maps a problem's field path to the place the author
// should look — the YAML node in the file, the variant `set` entry that wrote
// the value, or the `--set` expression. It does not find problems or word
// them (issues.ts, validate.ts), and does not parse YAML (source.ts).
import { isMap, isSeq, type Node } from 'yaml';
import { isPrefix, showPath, type PathSegment } from './paths.ts';
import { unlocated, type Located, type Problem } from './problems.ts';
import { findNode, isEmpty, type Found, type SourceMap } from './source.ts';

/** Where an overridden value came from: a variant's `set` entry or a CLI `--set`. */
export type Origin =
  | { kind: 'variant'; path: string[]; key: Node; value: Node | null }
  | { kind: 'cli'; path: string[]; expr: string };

/** Maps problems' field paths to `file:line:col` (or the override that wrote the value). */
export class Locator {
  /** `origins` in the order the overrides were applied; a later one wins. */
  constructor(
    private readonly source: SourceMap,
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
