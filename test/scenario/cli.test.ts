// `repsim validate` and `repsim schema` as a user runs them: a child process,
// exit codes, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, specExample } from './helpers.ts';

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/repsim.js', ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

describe('repsim validate', () => {
  it('a bad file: exit 2, one located line per problem on stderr, no stack trace, nothing on stdout', () => {
    const r = repsim('validate', 'test/fixtures/scenarios/three-errors.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(lines(r.stderr)).toEqual([
      'test/fixtures/scenarios/three-errors.yaml:13:12: topology.primary: unknown region "us-east-2" (did you mean "us-east-1"?); regions are us-east-1, eu-west-1',
      'test/fixtures/scenarios/three-errors.yaml:15:11: topology.replication.mode: "semi-synk" is not one of async, semi-sync, sync (did you mean "semi-sync"?)',
      'test/fixtures/scenarios/three-errors.yaml:17:3: workload.tables: table shares sum to 0.5, not 1',
    ]);
  });

  it('good files: ok lines on stdout, warnings on stderr, exit 0', () => {
    const r = repsim('validate', specExample, 'test/fixtures/scenarios/fault-after-end.yaml');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`ok  ${specExample} (4 variants)`, 'ok  test/fixtures/scenarios/fault-after-end.yaml (0 variants)']);
    expect(lines(r.stderr)).toEqual([
      'warning: test/fixtures/scenarios/fault-after-end.yaml:10:9: faults.0.at: fault starts at 2m, after the run ends (1m); it will not fire',
    ]);
  });

  it('one bad file among good ones: exit 2, the good ones still reported', () => {
    const r = repsim('validate', 'test/fixtures/scenarios/minimal.yaml', 'test/fixtures/scenarios/missing.yaml');
    expect(r.code).toBe(2);
    expect(lines(r.stdout)).toEqual(['ok  test/fixtures/scenarios/minimal.yaml (0 variants)']);
    expect(lines(r.stderr)).toEqual(['test/fixtures/scenarios/missing.yaml: cannot read scenario: no such file']);
  });

  it('a hostile file is refused cleanly', () => {
    const r = repsim('validate', 'test/fixtures/scenarios/alias-bomb.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(lines(r.stderr)).toHaveLength(1);
  });
});

describe('repsim schema', () => {
  it('prints the committed JSON Schema', () => {
    const r = repsim('schema');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(repoRoot, 'scenarios/scenario.schema.json'), 'utf8'));
  });
});
