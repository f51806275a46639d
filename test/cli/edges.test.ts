// The module graph's edges (issue: clean edges): the CLI sits on top, so no
// module outside sim/cli/ imports from it; and no import cycle anywhere in
// sim/ (type-only imports count: they tie files together for a reader too).
// Imports are read from the source text (relative `import ... from`,
// `export ... from` and bare `import '...'`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const sim = join(root, 'sim');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** file (relative to the root) → the files it imports (relative to the root). */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of sources(sim)) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"](\.[^'"]+)['"]/gm), ...text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)].map((m) => m[1] as string);
    g.set(relative(root, file), specs.map((s) => relative(root, resolve(dirname(file), s))));
  }
  return g;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('module edges', () => {
  const g = importGraph();

  it('reads the graph (the parser sees imports)', () => {
    expect(g.get('sim/cli/main.ts')).toContain('sim/core/errors.ts');
    expect(g.size).toBeGreaterThan(50);
  });

  it('no library module imports sim/cli/', () => {
    const bad = [...g].flatMap(([file, deps]) => (file.startsWith('sim/cli/') ? [] : deps.filter((d) => d.startsWith('sim/cli/')).map((d) => `${file} → ${d}`)));
    expect(bad).toEqual([]);
  });

  it('no import cycles', () => {
    const found = cycles(g);
    expect(found).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});
