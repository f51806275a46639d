// Bad input to compare, sweep and merge: exit 2, one line on stderr, no stack trace.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempWithScenario } from '../sweep/fixture.ts';

const root = new URL('../..', import.meta.url).pathname;

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
let scenario = '';
beforeAll(() => ({ dir, scenario } = tempWithScenario()));

describe('bad input: exit 2, one line, no stack trace', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['unknown --param path', () => ['sweep', scenario, '--param', 'failover.detectionTimout=1s,2s', '--out', join(dir, 'x')], /unknown field "failover.detectionTimout"/],
    ['a value the field rejects', () => ['sweep', scenario, '--param', 'topology.replication.mode=async,semi-synk', '--out', join(dir, 'x')], /semi-synk/],
    ['unknown variant', () => ['sweep', scenario, '--variants', 'stonith,nope', '--out', join(dir, 'x')], /unknown variant "nope"; variants are stonith, nofence/],
    ['malformed --shard', () => ['sweep', scenario, '--shard', '2/2', '--out', join(dir, 'x')], /--shard 2\/2: expected i\/n/],
    ['--out missing', () => ['sweep', scenario], /--out is required/],
    ['bad --workers', () => ['sweep', scenario, '--workers', '0', '--out', join(dir, 'x')], /--workers/],
    ['compare: unknown variant', () => ['compare', scenario, '--variants', 'nofense', '--seeds', '1'], /unknown variant "nofense"/],
    ['compare: bad --set', () => ['compare', scenario, '--set', 'failover.fencing=maybe', '--seeds', '1'], /maybe/],
    ['compare: missing scenario', () => ['compare', join(dir, 'nope.yaml')], /no such file/],
    ['merge: not a sweep directory', () => ['merge', dir, '--out', join(dir, 'm')], /no scenario.json/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, () => {
      const r = repsim(...argv());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  }
});

describe('repsim compare', () => {
  it('prints a metric × variant table with mean ± CI and the best marked', () => {
    const r = repsim('compare', scenario, '--seeds', '2');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^metric \(lower is better\)\s+stonith\s+nofence$/);
    expect(lines.find((l) => l.startsWith('Split-brain occurrences'))).toMatch(/0 ± 0 \*\s+1 ± 0$/);
    expect(lines.at(-1)).toBe('mean ± half-width of the 95% interval over 2 seeds; * best');
  });
  it('--json gives the same table as data', () => {
    const r = repsim('compare', scenario, '--seeds', '2', '--variants', 'stonith,nofence', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { variants: string[]; rows: Array<{ metric: string; cells: Record<string, { mean: number; best: boolean }> }> };
    expect(j.variants).toEqual(['stonith', 'nofence']);
    const sb = j.rows.find((x) => x.metric === 'splitBrain');
    expect(sb?.cells['stonith']).toMatchObject({ mean: 0, best: true });
  });
});
