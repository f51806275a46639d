// The repository's own documentation holds together:
//   (a) every relative link in README.md, docs/*.md, bench/README.md and
//       CHANGELOG.md resolves to a file, and a #anchor into a markdown file
//       names one of its headings (GitHub's slug rules);
//   (b) no tracked file cites a document a user of the clone does not have;
//   (c) the generated field reference of docs/scenario-format.md is what
//       scripts/docs-scenario-format.mjs writes from the committed schema
//       (run `npm run docs` after changing the schema).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const pages = [
  'README.md',
  'bench/README.md',
  'CHANGELOG.md',
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`),
];

/** GitHub's heading anchor: lowercase, punctuation dropped (except - and _), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/<[^>]*>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a markdown file's headings, with -1, -2 … for repeats. */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Markdown links and images outside code: [text](target), with the line they are on. */
function links(text: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  let fence = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) return;
    const bare = line.replace(/`[^`]*`/g, '');
    for (const m of bare.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1] as string, line: i + 1 });
  });
  return out;
}

describe('documentation links', () => {
  it('cover the pages', () => {
    expect(pages).toContain('docs/scenario-format.md');
    expect(pages).toContain('docs/metrics.md');
  });

  for (const page of pages) {
    it(`${page}: every relative link resolves, every anchor names a heading`, () => {
      const text = readFileSync(join(root, page), 'utf8');
      const bad: string[] = [];
      for (const { target, line } of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
        const file = path === '' ? join(root, page) : resolve(dirname(join(root, page)), decodeURIComponent(path));
        const where = `${page}:${line} → ${target}`;
        if (!existsSync(file)) {
          bad.push(`${where}: no such file`);
          continue;
        }
        if (anchor === undefined || anchor === '') continue;
        if (!file.endsWith('.md') || statSync(file).isDirectory()) {
          bad.push(`${where}: an anchor into a file that is not markdown`);
          continue;
        }
        if (!anchors(readFileSync(file, 'utf8')).has(anchor.toLowerCase())) bad.push(`${where}: no heading "#${anchor}" in ${relative(root, file)}`);
      }
      expect(bad).toEqual([]);
    });
  }

  it('slugs as GitHub does', () => {
    expect(slug('RPO: lost acknowledged writes')).toBe('rpo-lost-acknowledged-writes');
    expect(slug('t-visibility and k-staleness')).toBe('t-visibility-and-k-staleness');
    expect(slug('`topology`')).toBe('topology');
    expect(slug('The model, and where it simplifies')).toBe('the-model-and-where-it-simplifies');
    expect([...anchors('# A\n## A\n```\n# B\n```\n')]).toEqual(['a', 'a-1']);
  });
});

// The one test allowed to look beside the repository: it compares the bundled example scenario with a
// reference copy when one exists there (and is skipped when it does not); it cites nothing.
const COPY_TEST = 'test/scenario/spec-example-copy.test.ts';

describe('no citations of documents outside the repository', () => {
  it('no tracked file names the contract\'s sections, its reference page or the folder beside the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && f !== COPY_TEST && f !== 'package-lock.json' && !f.startsWith('node_modules/'));
    // Spelled in pieces, so that this file, which is searched too, does not name them itself.
    const needles = [['SPEC', '§'].join(' '), ['REFERENCE', 'md'].join('.'), ['..', 'shared'].join('/')];
    const hits: string[] = [];
    for (const f of files) {
      const p = join(root, f);
      if (!existsSync(p) || statSync(p).isDirectory()) continue;
      const text = readFileSync(p, 'utf8');
      text.split('\n').forEach((line, i) => {
        for (const n of needles) if (line.includes(n)) hits.push(`${f}:${i + 1}: ${n}`);
      });
    }
    expect(hits).toEqual([]);
  });
});

describe('docs/scenario-format.md', () => {
  it('holds the field reference the script generates from scenarios/scenario.schema.json (run `npm run docs`)', async () => {
    const script = pathToFileURL(join(root, 'scripts/docs-scenario-format.mjs')).href;
    const mod = (await import(script)) as { generateFields: () => string; renderPage: (page: string) => string; PAGE_PATH: string };
    const page = readFileSync(mod.PAGE_PATH, 'utf8');
    expect(page).toBe(mod.renderPage(page));
    expect(page).toContain(mod.generateFields());
  });
});
