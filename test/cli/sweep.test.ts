// `repsim sweep` and `repsim merge` as a user runs them (child processes):
// worker counts and shards give byte-identical results, resume skips
// finished runs, merge refuses mismatched or incomplete shards.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempWithScenario } from '../sweep/fixture.ts';

const root = new URL('../..', import.meta.url).pathname;

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const grid = ['--param', 'failover.detectionTimeout=2s,4s', '--seeds', '2'];
let dir = '';
let scenario = '';
let reference = '';

beforeAll(() => {
  ({ dir, scenario } = tempWithScenario());
  const r = repsim('sweep', scenario, ...grid, '--out', join(dir, 'w1'));
  expect(r.code, r.stderr).toBe(0);
  reference = readFileSync(join(dir, 'w1', 'results.jsonl'), 'utf8');
});

describe('repsim sweep', () => {
  it('writes one line per run in grid order, with params parsed as YAML scalars', () => {
    const lines = reference.trimEnd().split('\n').map((l) => JSON.parse(l) as { variant: string; seed: number; params: Record<string, unknown> });
    expect(lines.map((l) => [l.params['failover.detectionTimeout'], l.variant, l.seed])).toEqual([
      ['2s', 'stonith', 7], ['2s', 'stonith', 8], ['2s', 'nofence', 7], ['2s', 'nofence', 8],
      ['4s', 'stonith', 7], ['4s', 'stonith', 8], ['4s', 'nofence', 7], ['4s', 'nofence', 8],
    ]);
    const info = JSON.parse(readFileSync(join(dir, 'w1', 'scenario.json'), 'utf8')) as { name: string; grid: { fingerprint: string; size: number } };
    expect(info.name).toBe('small-sweep');
    expect(info.grid.size).toBe(8);
  });

  it('--workers 2 writes the same bytes as --workers 1', () => {
    const r = repsim('sweep', scenario, ...grid, '--workers', '2', '--out', join(dir, 'w2'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'w2', 'results.jsonl'), 'utf8')).toBe(reference);
  });

  it('two shards merged are byte-identical to the unsharded sweep', () => {
    expect(repsim('sweep', scenario, ...grid, '--shard', '0/2', '--out', join(dir, 's0')).code).toBe(0);
    expect(repsim('sweep', scenario, ...grid, '--shard', '1/2', '--workers', '2', '--out', join(dir, 's1')).code).toBe(0);
    const m = repsim('merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'merged'));
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(join(dir, 'merged', 'results.jsonl'), 'utf8')).toBe(reference);
    expect(readFileSync(join(dir, 'merged', 'scenario.json'), 'utf8')).toBe(readFileSync(join(dir, 'w1', 'scenario.json'), 'utf8'));
  });

  it('merge refuses a missing shard and shards of different grids (exit 2, one line)', () => {
    const missing = repsim('merge', join(dir, 's0'), '--out', join(dir, 'm2'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^merge: 4 of 8 runs are missing/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(repsim('sweep', scenario, '--param', 'failover.detectionTimeout=2s,5s', '--seeds', '2', '--shard', '1/2', '--out', join(dir, 'other')).code).toBe(0);
    const mixed = repsim('merge', join(dir, 's0'), join(dir, 'other'), '--out', join(dir, 'm3'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/different sweeps \(grid fingerprint/);
    const dup = repsim('merge', join(dir, 's0'), join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'm4'));
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/appears twice/);
  });

  it('--resume keeps finished runs, drops a partial trailing line and runs only the rest', () => {
    const out = join(dir, 'resume');
    expect(repsim('sweep', scenario, ...grid, '--out', out).code).toBe(0);
    const lines = reference.split('\n');
    // Simulate an interruption after 3 runs, in the middle of writing the 4th.
    writeFileSync(join(out, 'results.jsonl'), lines.slice(0, 3).join('\n') + '\n' + (lines[3] ?? '').slice(0, 100));
    const r = repsim('sweep', scenario, ...grid, '--resume', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote 8 runs .*3 kept from before/);
    expect(r.stderr).toBe(''); // no progress lines on a pipe
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(reference);
  });

  it('refuses to overwrite results without --resume, and to resume a different grid', () => {
    const again = repsim('sweep', scenario, ...grid, '--out', join(dir, 'w1'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds results.jsonl \(8 runs\); pass --resume/);
    const other = repsim('sweep', scenario, '--param', 'failover.detectionTimeout=2s,9s', '--seeds', '2', '--resume', '--out', join(dir, 'w1'));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/different grid/);
  });
});
