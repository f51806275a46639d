// The README's "try a scenario yourself" commands, run as written (through
// sh, `npx repsim` replaced by this checkout's launcher) in an empty working
// directory that sees only the repository's scenarios/: every one must exit 0.
// In CI this runs inside a fresh clone with nothing beside it (.ci/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const block = /Then try a scenario yourself:\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const commands = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l.startsWith('npx repsim '));

const cwd = mkdtempSync(join(tmpdir(), 'repsim-readme-'));
symlinkSync(join(root, 'scenarios'), join(cwd, 'scenarios'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("the README's quick-start commands", () => {
  it('are there', () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
  });
  for (const c of commands) {
    it(c, () => {
      const sh = c.replace(/^npx repsim /, `"${process.execPath}" "${join(root, 'bin/repsim.js')}" `);
      const r = spawnSync('sh', ['-c', sh], { cwd, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }, 120_000);
  }
});
