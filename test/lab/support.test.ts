// What the lab refuses to build, before any process starts: one located
// message per field (file:line:col: field: why), exit 2 from the CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { labProblems, locateLabProblems } from '../../sim/lab/support.ts';

const root = new URL('../..', import.meta.url).pathname;

const TEXT = `name: not-for-the-lab
regions: [{ id: a }, { id: b }]
network: { rtt: { a: { b: 70ms } } }
topology:
  kind: active-active
  replication: { channel: cdc }
failover: { fencing: lease }
workload:
  regions: { a: { writes: 5000/s } }
faults:
  - at: 1s
    clockJump: { region: a, by: 1s }
`;

describe('lab support check', () => {
  it('names every field the lab cannot build, located in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-labcheck-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, TEXT);
    const problems = labProblems(loadScenarioFromText(TEXT, file).scenario);
    expect(problems.map((p) => p.path.join('.'))).toEqual(['topology.kind', 'topology.replication.channel', 'failover.fencing', 'workload.regions', 'faults.0.clockJump']);
    const lines = locateLabProblems(file, problems);
    expect(lines[0]).toMatch(new RegExp(`^${file}:5:9: topology.kind: the lab cannot build this`));
    expect(lines[4]).toMatch(new RegExp(`^${file}:12:16: faults.0.clockJump: the lab cannot build this`));
  });

  it('the reference lab cases are all buildable', () => {
    for (const f of ['steady-lag', 'sync-commit', 'crash-vs-region-loss', 'partition-failover', 'smoke']) {
      const text = readFileSync(join(root, 'scenarios/lab', `${f}.yaml`), 'utf8');
      expect(labProblems(loadScenarioFromText(text, f).scenario), f).toEqual([]);
    }
  });

  it('repsim lab exits 2 with the located messages and starts nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-labcheck-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, TEXT);
    const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), 'lab', file], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('topology.kind: the lab cannot build this');
    expect(r.stderr).not.toContain('cluster up');
    expect(r.stdout).toBe('');
  });
});
