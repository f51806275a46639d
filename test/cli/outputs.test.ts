// Output files: a write that fails during or after the run is one message
// naming the flag and path, exit 2, with nothing partial left; the OutputSet
// behind it renames everything together or nothing; and progress is drawn on
// a terminal only (a bar with simulated time or runs done and an ETA), never
// on a pipe or with --json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../sim/core/errors.ts';
import { OutputSet, writeFileAtomic } from '../../sim/output/files.ts';
import { tempWithScenario } from '../sweep/fixture.ts';

const root = new URL('../..', import.meta.url).pathname;
const repsim = join(root, 'bin/repsim.js');
const onLinux = process.platform === 'linux';
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;

const tempDir = () => mkdtempSync(join(tmpdir(), 'repsim-out-'));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('a write that fails during the run', () => {
  it.skipIf(!onLinux)('is one message naming the flag and path, exit 2, and leaves no file (trace, history, --out)', () => {
    const { dir, scenario } = tempWithScenario();
    // A file size limit (ulimit -f, in KiB) makes a write fail with EFBIG.
    const cmd = `trap '' XFSZ; ulimit -f 64; exec ${q(process.execPath)} ${q(repsim)} run ${q(scenario)} --trace t.jsonl --history h.jsonl --out o`;
    const before = readdirSync(dir).sort();
    const r = spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    // Whichever file passes the limit first: the trace or history while the run streams them, or the charts after it.
    expect(r.stderr).toMatch(/^--(trace t\.jsonl|history h\.jsonl|out o): (write failed|cannot write the charts): EFBIG: /);
    expect(readdirSync(dir).sort()).toEqual(before);
  }, 130_000);
});

describe('a sweep whose results file cannot grow', () => {
  it.skipIf(!onLinux)('stops with one message naming the file, exit 2, keeping the complete lines for --resume', () => {
    const { dir, scenario } = tempWithScenario();
    const cmd = `trap '' XFSZ; ulimit -f 12; exec ${q(process.execPath)} ${q(repsim)} sweep ${q(scenario)} --param failover.detectionTimeout=3s,5s,7s --seeds 1 --out sw`;
    const r = spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sw\/results\.jsonl: write failed: EFBIG: .*kept for --resume\)\n$/);
  }, 130_000);
});

describe('OutputSet', () => {
  it('renames every file together on commit, under the names asked for', () => {
    const dir = tempDir();
    const set = new OutputSet();
    const t = set.jsonl<{ n: number }>(join(dir, 'a/b/t.jsonl'), '--trace');
    t.write({ n: 1 });
    set.file(join(dir, 'o/summary.json'), '{}\n', '--out');
    writeFileSync(join(set.stagedDir(join(dir, 'o/charts'), '--out'), 'c.svg'), '<svg/>');
    expect(existsSync(join(dir, 'a/b/t.jsonl'))).toBe(false);
    set.commit();
    expect(readFileSync(join(dir, 'a/b/t.jsonl'), 'utf8')).toBe('{"n":1}\n');
    expect(readFileSync(join(dir, 'o/summary.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(join(dir, 'o/charts'))).toEqual(['c.svg']);
    expect(readdirSync(join(dir, 'o')).sort()).toEqual(['charts', 'summary.json']);
  });

  it('leaves nothing when a rename fails: earlier files placed are removed, created directories too', () => {
    const dir = tempDir();
    const set = new OutputSet();
    set.jsonl<{ n: number }>(join(dir, 'new/t.jsonl'), '--trace').write({ n: 1 });
    set.file(join(dir, 'o/summary.json'), '{}\n', '--out');
    // Something takes the summary's name as a non-empty directory before the commit.
    mkdirSync(join(dir, 'o/summary.json/x'), { recursive: true });
    expect(() => set.commit()).toThrow(InputError);
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(readdirSync(join(dir, 'o'))).toEqual(['summary.json']);
  });

  it('abort removes temporary files and the directories it created, and keeps what was there', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep'), 'x');
    const set = new OutputSet();
    set.jsonl(join(dir, 'd1/d2/t.jsonl'), '--trace').write({});
    set.file(join(dir, 's.json'), '{}', '--out');
    set.abort();
    expect(readdirSync(dir)).toEqual(['keep']);
  });

  it('writeFileAtomic: a failure is an InputError with the label, and leaves nothing', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken/x'), { recursive: true });
    expect(() => writeFileAtomic(join(dir, 'taken'), 'text', '--junit taken')).toThrow(/^--junit taken: cannot write: E[A-Z]+/);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('progress', () => {
  const { scenario } = tempWithScenario();
  /** Runs repsim with stdout and stderr on a pseudo-terminal (util-linux `script`). */
  const onTty = (args: string[]) => {
    const cmd = [process.execPath, repsim, ...args].map(q).join(' ');
    return spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  };

  it.skipIf(!hasScript)('run on a terminal: a bar of simulated time with an ETA', () => {
    const r = onTty(['run', scenario]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/run \[[^\]]*\] \S+ of 20s simulated \| \d+% \| ETA/);
  }, 130_000);

  it.skipIf(!hasScript)('run --json on a terminal: no bar', () => {
    const r = onTty(['run', scenario, '--json']);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).not.toMatch(/ETA/);
  }, 130_000);

  it.skipIf(!hasScript)('sweep on a terminal: a bar of runs done with an ETA', () => {
    const out = join(tempDir(), 'sw');
    const r = onTty(['sweep', scenario, '--param', 'failover.detectionTimeout=3s,5s', '--seeds', '1', '--out', out]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/sweep \[[^\]]*\] \d\/4 runs \| \d+% \| ETA/); // 2 values × 2 variants
  }, 130_000);

  it('on a pipe: nothing on stderr', () => {
    const r = spawnSync(process.execPath, [repsim, 'run', scenario], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  }, 130_000);
});
