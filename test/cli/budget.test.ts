// Inputs the validator used to accept and that exhausted the machine: each is
// now refused before any work with one located message (exit 2), and no
// output file or directory is created.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_SCENARIO } from '../sweep/fixture.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'repsim-budget-'));

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** SMALL_SCENARIO with one line replaced (or lines added under `workload:`), written to its own file. */
function scenarioWith(name: string, edit: (text: string) => string): string {
  const file = join(dir, `${name}.yaml`);
  const text = edit(SMALL_SCENARIO);
  expect(text).not.toBe(SMALL_SCENARIO);
  writeFileSync(file, text);
  return file;
}

const cases: Array<{ name: string; argv: (out: string) => string[]; message: RegExp }> = [
  {
    name: 'workload.keys.count 100000000 (the old maximum)',
    argv: (out) => ['run', scenarioWith('keys', (t) => t.replace('workload:\n', 'workload:\n  keys: { count: 100000000 }\n')), '--out', out],
    message: /^\S+keys\.yaml:18:18: workload\.keys\.count: must be <= 10000000 \(got 100000000\)$/,
  },
  {
    name: 'random faults with meanInterval 1us',
    argv: (out) => ['run', scenarioWith('random', (t) => t.replace('partition: { isolate: us-east-1 }', 'random: { kinds: [partition], meanInterval: 1us, duration: 1s }')), '--out', out],
    message: /^\S+random\.yaml:24:49: faults\.0\.random\.meanInterval: duration "1us" is out of range \(from 1ms to 30 days\)$/,
  },
  {
    name: '10,000,000 writes/s for 1 simulated second',
    argv: (out) => ['run', scenarioWith('rate', (t) => t.replace('duration: 20s', 'duration: 1s').replace('warmup: 2s', 'warmup: 0s').replace('{ writes: 60/s,', '{ writes: 10000000/s,')), '--out', out],
    message: /^\S+rate\.yaml:19:26: workload\.regions\.us-east-1\.writes: rate "10000000\/s" is out of range \(from 0 to 1,000,000\/s\)$/,
  },
  {
    name: '1,000,000 writes/s (the new maximum) for 10 minutes: more backlog than the heap holds',
    argv: (out) => ['run', scenarioWith('backlog', (t) => t.replace('duration: 20s', 'duration: 10m').replace('{ writes: 60/s,', '{ writes: 1000000/s,')), '--out', out],
    message: /^\S+backlog\.yaml:19:26: workload\.regions\.us-east-1\.writes: too much for this machine: this run needs about \S+ GB of JS heap at its peak; .* a replica applies at most 20k writes\/s, so all \S+ writes of 10m may wait unapplied .*Writes under what a replica applies fit/,
  },
  {
    name: 'heartbeatInterval 1us',
    argv: (out) => ['run', scenarioWith('heartbeat', (t) => t.replace('detectionTimeout: 3s,', 'detectionTimeout: 3s, heartbeatInterval: 1us,')), '--out', out],
    message: /^\S+heartbeat\.yaml:16:94: failover\.heartbeatInterval: duration "1us" is out of range \(from 1ms to 30 days\)$/,
  },
  {
    name: 'sweep --seeds 1000000 (the flag allows up to 1,000,000; the machine does not)',
    argv: (out) => ['sweep', join(dir, 'small.yaml'), '--seeds', '1000000', '--out', out],
    message: /^\S+small\.yaml: --seeds 1000000: too much for this machine: this batch .* At most about \S+ --seeds fit \(or split the work with --shard\)$/,
  },
  {
    name: 'compare --seeds 1000000',
    argv: (out) => ['compare', join(dir, 'small.yaml'), '--seeds', '1000000', '--out', out],
    message: /^\S+small\.yaml: --seeds 1000000: too much for this machine: this batch .* At most about \S+ --seeds fit \(or split the work with --shard\)$/,
  },
  {
    name: 'keys × tables beyond the heap (each within its own limit)',
    argv: (out) => ['run', scenarioWith('tables', (t) => t.replace('workload:\n', `workload:\n  keys: { count: 10000000 }\n  tables: [${Array.from({ length: 40 }, (_, i) => `{ name: t${i}, share: 0.025 }`).join(', ')}]\n`)), '--out', out],
    message: /^\S+tables\.yaml:18:18: workload\.keys\.count: too much for this machine: .* Mostly 10M keys × 40 tables/,
  },
];

describe('inputs that would exhaust the machine: exit 2, one located line, nothing written', () => {
  writeFileSync(join(dir, 'small.yaml'), SMALL_SCENARIO);
  for (const c of cases) {
    it(c.name, () => {
      const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
      const r = repsim(...c.argv(out));
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(c.message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }
});
