// The shape of the source tree, kept true by test (docs/architecture.md
// describes it):
//   - the folders of sim/ are layers: a file imports only files of its own
//     folder or of folders below it, in the order LAYERS gives (the files at
//     sim/'s top, the run assembly, sit between the topologies and the tools
//     built on runs);
//   - no import cycle between files;
//   - no file under sim/ is over 400 lines;
//   - test/ mirrors sim/ folder for folder;
//   - one FIFO: no file hand-rolls a queue read from a head index; they use
//     sim/core/fifo.ts;
//   - measurement only reads the model: sim/measure/ imports model code as
//     types only, and writes no model structure (a pattern rule, see its
//     test for what it catches and what it cannot).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SIM = join(ROOT, 'sim');

/** Bottom to top. '.' is the files directly under sim/ (run.ts, case.ts). */
export const LAYERS = ['core', 'scenario', 'world', 'db', 'measure', 'workload', 'control', 'topology', '.', 'output', 'report', 'check', 'sweep', 'lab', 'play', 'cli'];

function walk(dir: string, pick: (p: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, pick));
    else if (pick(p)) out.push(p);
  }
  return out;
}

interface Import { target: string; typeOnly: boolean; line: number }

/** The relative imports of a source file (static, re-exports and dynamic), resolved to paths. */
export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[3] ?? m[4];
    if (!spec) continue;
    const line = text.slice(0, m.index + (m[0].startsWith('\n') ? 1 : 0)).split('\n').length;
    out.push({ target: normalize(join(dirname(file), spec)), typeOnly: m[2] !== undefined, line });
  }
  return out;
}

/** The layer a file under sim/ belongs to: its first folder, or '.' for a file at the top. */
export function layerOf(file: string): string {
  const rel = relative(SIM, file).split(/[\\/]/);
  return rel.length === 1 ? '.' : (rel[0] ?? '.');
}

const sources = walk(SIM, (p) => p.endsWith('.ts'));
const texts = new Map(sources.map((f) => [f, readFileSync(f, 'utf8')]));
const rel = (f: string) => relative(ROOT, f);

describe('the source tree', () => {
  it('every folder of sim/ is in the layer order', () => {
    const folders = readdirSync(SIM).filter((n) => statSync(join(SIM, n)).isDirectory()).sort();
    expect(folders.filter((f) => !LAYERS.includes(f))).toEqual([]);
  });

  it('a file imports only its own folder or folders below it', () => {
    const bad: string[] = [];
    for (const [f, text] of texts) {
      const from = LAYERS.indexOf(layerOf(f));
      for (const imp of importsOf(f, text)) {
        if (!imp.target.startsWith(SIM)) continue;
        const to = LAYERS.indexOf(layerOf(imp.target));
        if (to > from) bad.push(`${rel(f)}:${imp.line} (${layerOf(f)}) imports ${rel(imp.target)} (${layerOf(imp.target)}, a layer above)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no import cycle between files', () => {
    const graph = new Map<string, string[]>();
    for (const [f, text] of texts) graph.set(f, importsOf(f, text).map((i) => i.target).filter((t) => texts.has(t)));
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (v: string): void => {
      state.set(v, 1);
      stack.push(v);
      for (const w of graph.get(v) ?? []) {
        const s = state.get(w);
        if (s === 1) cycles.push([...stack.slice(stack.indexOf(w)), w].map(rel).join(' -> '));
        else if (s === undefined) visit(w);
      }
      stack.pop();
      state.set(v, 2);
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('no file under sim/ is over 400 lines', () => {
    const long = [...texts].map(([f, t]) => ({ f: rel(f), lines: t.split('\n').length - (t.endsWith('\n') ? 1 : 0) })).filter((x) => x.lines > 400);
    expect(long).toEqual([]);
  });

  it('test/ mirrors sim/ folder for folder', () => {
    const TEST = join(ROOT, 'test');
    const own = new Set(['fixtures', 'helpers', 'bench', 'docs']);
    const dirs = (base: string): string[] =>
      readdirSync(base).filter((n) => statSync(join(base, n)).isDirectory()).flatMap((n) => [n, ...dirs(join(base, n)).map((d) => `${n}/${d}`)]);
    const stray = dirs(TEST).filter((d) => !d.split('/').some((part) => own.has(part)) && !statSync(join(SIM, d), { throwIfNoEntry: false })?.isDirectory());
    expect(stray).toEqual([]);
  });

  it('queues read from a head index are the one FIFO of sim/core/fifo.ts', () => {
    // A head-index field (`head`, `fooHead`) set to 0 is how a hand-rolled queue starts. The WAL's
    // `head` is the first live slot of its typed-array columns (a log trimmed from the front, read by
    // LSN), not a queue of entries.
    const allowed = new Set(['sim/core/fifo.ts', 'sim/db/wal.ts']);
    const bad: string[] = [];
    for (const [f, text] of texts) {
      if (allowed.has(rel(f))) continue;
      text.split('\n').forEach((line, i) => {
        if (/^\s*(private\s+|readonly\s+|public\s+)*\w*(head|Head)\s*=\s*0\s*;/.test(line)) bad.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('measurement imports model code as types only', () => {
    const model = new Set(['world', 'db', 'workload', 'control', 'topology']);
    const bad: string[] = [];
    for (const [f, text] of texts) {
      if (layerOf(f) !== 'measure') continue;
      for (const imp of importsOf(f, text)) if (model.has(layerOf(imp.target)) && !imp.typeOnly) bad.push(`${rel(f)}:${imp.line} imports ${rel(imp.target)}`);
    }
    expect(bad).toEqual([]);
  });

  it('measurement writes no model structure', () => {
    // A pattern rule, not a type check. In each sim/measure/ file it finds the identifiers that hold
    // model objects: those annotated with a type imported from a model layer, or with a type sim/measure/
    // declares around one (CommitRef holds a DbNode), then aliases of their parts (`const wal = node.wal`,
    // `for (const n of survivors)`, the parameter of a `.map((n) => …)` on them), to a fixed point. Through
    // such an identifier it flags an assignment (`=`, `+=`, `++`, …) to a property or element, and any
    // method call but a known read. Its limits: it follows no value through a function's return, a
    // container of measure's own, `this`, or a cast; a model object typed by inference alone goes unseen;
    // and the reads it allows are listed by name, whatever object they are called on.
    const modelLayers = new Set(['world', 'db', 'workload', 'control', 'topology']);
    const reads = new Set(['get', 'slotOf', 'indexAfterLsn', 'record', 'holdsFrom', 'has', 'map', 'filter', 'some', 'every', 'find', 'findIndex',
      'forEach', 'reduce', 'slice', 'subarray', 'includes', 'indexOf', 'entries', 'keys', 'values', 'toArray', 'peek', 'last', 'at', 'join', 'isEmpty', 'bytesOf']);
    const measureFiles = [...texts].filter(([f]) => layerOf(f) === 'measure');
    const typeNames = new Set<string>();
    for (const [f, text] of measureFiles) {
      for (const m of text.matchAll(/import\s+type\s*\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        if (!modelLayers.has(layerOf(normalize(join(dirname(f), m[2] as string))))) continue;
        for (const n of (m[1] as string).split(',')) typeNames.add(n.trim().split(/\s+as\s+/).pop() as string);
      }
    }
    // Types sim/measure/ declares that hold a model type (transitively).
    const decls = measureFiles.flatMap(([, text]) => [...text.matchAll(/^export\s+(?:type|interface)\s+(\w+)[^]*?^(?:\}|.*;)$/gm)].map((m) => ({ name: m[1] as string, body: m[0] })));
    for (let grew = true; grew;) {
      grew = false;
      for (const d of decls) {
        if (!typeNames.has(d.name) && [...typeNames].some((t) => new RegExp(`\\b${t}\\b`).test(d.body.slice(d.name.length + 12)))) {
          typeNames.add(d.name);
          grew = true;
        }
      }
    }
    const types = [...typeNames].filter((t) => t.length > 0).join('|');
    const findWrites = (text: string): string[] => {
      const code = text.split('\n').map((l) => l.replace(/\/\/.*$/, ''));
      const roots = new Set<string>();
      for (const m of code.join('\n').matchAll(new RegExp(`(\\w+)\\??\\s*:\\s*(?:readonly\\s+)?(?:(?:Readonly)?(?:Array|Set|Map)<)?(?:${types})\\b`, 'g'))) roots.add(m[1] as string);
      for (let grew = true; grew;) {
        grew = false;
        const add = (n: string | undefined) => {
          if (n && !roots.has(n)) roots.add(n), (grew = true);
        };
        for (const r of [...roots]) {
          const src = code.join('\n');
          for (const m of src.matchAll(new RegExp(`(?:const|let)\\s+(\\w+)\\s*=\\s*${r}\\b(?!\\s*\\()`, 'g'))) add(m[1]);
          for (const m of src.matchAll(new RegExp(`(?:const|let)\\s*\\{([^}]*)\\}\\s*=\\s*${r}\\b`, 'g'))) for (const n of (m[1] as string).split(',')) add(n.split(':').pop()?.trim());
          for (const m of src.matchAll(new RegExp(`for\\s*\\(\\s*(?:const|let)\\s+(\\w+)\\s+of\\s+${r}\\b`, 'g'))) add(m[1]);
          for (const m of src.matchAll(new RegExp(`\\b${r}(?:\\.\\w+)*\\.(?:map|forEach|filter|some|every|find|findIndex|reduce)\\(\\s*\\(?\\s*(\\w+)`, 'g'))) add(m[1]);
        }
      }
      const bad: string[] = [];
      code.forEach((line, i) => {
        const hit = [...roots].some((r) => {
          const chain = `(?<![\\w.])${r}((?:\\??\\.\\w+|\\[[^\\]]*\\])+)`;
          const assign = new RegExp(`${chain}\\s*(?:[-+*/%|&]?=(?!=)|\\+\\+|--)|(?:\\+\\+|--)\\s*${chain}`);
          const calls = [...line.matchAll(new RegExp(`(?<![\\w.])${r}(?:\\??\\.\\w+|\\[[^\\]]*\\])*\\.(\\w+)\\(`, 'g'))].map((m) => m[1] as string);
          return assign.test(line) || calls.some((n) => !reads.has(n));
        });
        if (hit) bad.push(`${i + 1}: ${line.trim()}`);
      });
      return bad;
    };
    // The rule catches what the ledger once did: marking acks in the WAL, through an alias and through a call.
    const old = "acked(node: DbNode, slot: number, ackUs: number): void {\n  const wal = node.wal;\n  wal.ackUs[slot] = ackUs;\n  node.wal.set(slot, 'ackUs', NaN);\n  if (node.rowVersion[1] === ackUs) return;\n}";
    expect(findWrites(old)).toEqual(["3: wal.ackUs[slot] = ackUs;", "4: node.wal.set(slot, 'ackUs', NaN);"]);
    const bad = measureFiles.flatMap(([f, text]) => findWrites(text).map((b) => `${rel(f)}:${b}`));
    expect(bad).toEqual([]);
  });
});

describe('the import reader', () => {
  it('reads static, type-only, re-exported and dynamic imports', () => {
    const text = "import { a } from './a.ts';\nimport type { B } from '../b/b.ts';\nexport { c } from './c.ts';\nconst d = await import('./d.ts');\nimport 'x';\n";
    const got = importsOf(join(SIM, 'db', 'f.ts'), text).map((i) => [relative(SIM, i.target), i.typeOnly, i.line]);
    expect(got).toEqual([['db/a.ts', false, 1], ['b/b.ts', true, 2], ['db/c.ts', false, 3], ['db/d.ts', false, 4]]);
    expect(layerOf(join(SIM, 'run.ts'))).toBe('.');
    expect(layerOf(join(SIM, 'topology', 'consensus', 'raft.ts'))).toBe('topology');
  });
});
