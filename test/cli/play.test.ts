// `repsim play`: the file it writes, and bad input (exit 2, located, nothing
// written, before the bundle is built).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'scenarios', 'primary-region-partition.yaml');
let dir = '';

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'repsim-play-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repsim play', () => {
  it('writes one self-contained page holding the scenarios given', () => {
    const out = join(dir, 'sub', 'play.html');
    const r = repsim('play', example, join(root, 'scenarios', 'leaderless-quorum-levels.yaml'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^wrote .*play\.html \(\d\.\d\d MB, 2 scenarios: primary-region-partition, leaderless-quorum-levels\)\n$/);
    const html = readFileSync(out, 'utf8');
    expect(statSync(out).size).toBeLessThan(5e6);
    const scenarios = JSON.parse(/<script type="application\/json" id="repsim-scenarios">(.*?)<\/script>/s.exec(html)?.[1] ?? '[]') as Array<{ name: string; file: string; text: string }>;
    expect(scenarios.map((s) => [s.name, s.file])).toEqual([['primary-region-partition', example], ['leaderless-quorum-levels', join(root, 'scenarios', 'leaderless-quorum-levels.yaml')]]);
    expect(scenarios[0]?.text).toBe(readFileSync(example, 'utf8'));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('a bad scenario is its located message, exit 2, and no file', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(example, 'utf8').replace('fencing: stonith ', 'fencing: stonit  '));
    const out = join(dir, 'bad.html');
    const r = repsim('play', example, bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:44:12: failover\\.fencing: `));
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out)).toBe(false);
  });

  it('checks --out before any work: a directory, or a file where a directory must be', () => {
    const r = repsim('play', example, '--out', dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`--out ${dir}: is a directory; name a file`);
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    const r2 = repsim('play', join(dir, 'missing.yaml'), '--out', join(file, 'play.html'));
    expect(r2.code).toBe(2);
    // The location is refused first, before the missing scenario is read.
    expect(r2.stderr.trim()).toMatch(/^--out .*plain\/play\.html: .*plain is a file, not a directory$/);
  });

  it('a missing scenario or a bad flag is exit 2', () => {
    expect(repsim('play', join(dir, 'missing.yaml'), '--out', join(dir, 'm.html'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/missing\.yaml: cannot read scenario: no such file/) });
    expect(repsim('play', example, '--out')).toMatchObject({ code: 2 });
    expect(repsim('play', example, '--bogus')).toMatchObject({ code: 2 });
  });
});
