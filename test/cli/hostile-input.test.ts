// Issue 11's defects, one row each, as a careless user would meet them: the
// command, its exit code, the one message on stderr, no stack trace, and no
// file created (the working directory holds exactly what it held before).
// Every row fails before any simulation starts, so none of them takes long;
// the /proc rows also prove the command does not hang there.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const SPEC = join(root, 'scenarios/primary-region-partition.yaml');

/** Every path under `dir` (files and directories), relative to it. */
function listing(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? [relative(dir, p) + '/', ...listing(p).map((q) => join(f, q))] : [relative(dir, p)];
  }).sort();
}

/** A working directory with the scenario `s.yaml`, a file `afile`, a directory `adir/` and any extra files. */
function workdir(extra: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'repsim-hostile-'));
  copyFileSync(SPEC, join(cwd, 's.yaml'));
  writeFileSync(join(cwd, 'afile'), 'not a directory\n');
  mkdirSync(join(cwd, 'adir'));
  for (const [name, text] of Object.entries(extra)) {
    mkdirSync(join(cwd, name, '..'), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  return cwd;
}

const spec = (): string => readFileSync(SPEC, 'utf8');

interface Row {
  defect: string;
  argv: string[];
  message: RegExp;
  code?: number;
  files?: Record<string, string>;
}

const deepFlow = `name: x\nseed: ${'['.repeat(800)}${']'.repeat(800)}\n`;

const rows: Row[] = [
  // Item 2: flags are checked before any work.
  { defect: 'an unknown flag on sweep (runs nothing)', argv: ['sweep', 's.yaml', '--wrokers', '2', '--out', 'o'], message: /^repsim: Unknown argument: wrokers/ },
  { defect: 'an unknown flag on run (writes no summary)', argv: ['run', 's.yaml', '--sede', '4', '--out', 'o'], message: /^repsim: Unknown argument: sede/ },
  { defect: 'an invalid choice (writes no history)', argv: ['run', 's.yaml', '--history', 'h', '--history-format', 'edn'], message: /^repsim: Invalid values: Argument: history-format, Given: "edn", Choices: "jsonl", "jepsen"/ },
  { defect: '--out with no value (does not write into the current directory)', argv: ['run', 's.yaml', '--out'], message: /^repsim: --out: needs a value$/ },
  { defect: '--seed with no value', argv: ['run', 's.yaml', '--seed'], message: /^repsim: --seed: needs a value$/ },
  { defect: '--set with no value', argv: ['run', 's.yaml', '--set'], message: /^repsim: --set: needs a value$/ },
  { defect: 'run with no scenario', argv: ['run'], message: /^repsim: Not enough non-option arguments: got 0, need at least 1/ },
  { defect: 'sweep without --out', argv: ['sweep', 's.yaml', '--param', 'failover.detectionTimeout=5s,10s'], message: /^repsim: --out is required$/ },
  { defect: 'a flag given twice', argv: ['run', 's.yaml', '--out', 'o1', '--out', 'o2'], message: /^repsim: --out: given 2 times \(o1, o2\); give it once$/ },
  { defect: '--workers 0', argv: ['sweep', 's.yaml', '--workers', '0', '--out', 'o'], message: /^repsim: --workers: expected a whole number from 1 to 256, got 0$/ },
  { defect: '--seeds 0', argv: ['compare', 's.yaml', '--seeds', '0'], message: /^repsim: --seeds: expected a whole number from 1 to/ },
  { defect: 'a boolean flag given a value it ignored (--json=maybe ran as false)', argv: ['run', 's.yaml', '--json=maybe'], message: /^repsim: --json: expected true or false, got "maybe"$/ },
  { defect: 'an unknown swarm fault kind', argv: ['swarm', 's.yaml', '--fault-kinds', 'meteor'], message: /^repsim: --fault-kinds: unknown kind meteor; choose from/ },

  // Item 3: output locations are checked before the run.
  { defect: '--out naming an existing file', argv: ['run', 's.yaml', '--out', 'afile'], message: /^--out afile: is a file, not a directory$/ },
  { defect: '--out under a file', argv: ['run', 's.yaml', '--out', 'afile/sub'], message: /^--out afile\/sub: .*\/afile is a file, not a directory$/ },
  { defect: '--out in /proc (used to hang)', argv: ['run', 's.yaml', '--out', '/proc/x'], message: /^--out \/proc\/x: cannot create files in \/proc \(E[A-Z]+: / },
  { defect: '--trace in /proc (used to hang)', argv: ['run', 's.yaml', '--trace', '/proc/x/t.jsonl'], message: /^--trace \/proc\/x\/t\.jsonl: cannot create files in \/proc \(E[A-Z]+: / },
  { defect: 'an unwritable place (/sys)', argv: ['run', 's.yaml', '--out', '/sys/repsim-out'], message: /^--out \/sys\/repsim-out: cannot create files in \/sys \(E[A-Z]+: / },
  { defect: '--trace naming a directory (left DIR.partial-PID behind)', argv: ['run', 's.yaml', '--trace', 'adir'], message: /^--trace adir: is a directory; name a file$/ },
  { defect: '--history naming a directory', argv: ['run', 's.yaml', '--history', 'adir'], message: /^--history adir: is a directory; name a file$/ },
  { defect: 'a failing --out leaves no trace or history', argv: ['run', 's.yaml', '--trace', 't.jsonl', '--history', 'h.jsonl', '--out', 'afile'], message: /^--out afile: is a file, not a directory$/ },
  { defect: 'trace and history to the same file', argv: ['run', 's.yaml', '--trace', 'x.jsonl', '--history', 'x.jsonl'], message: /^--history x\.jsonl: the same path as --trace/ },
  { defect: '--trace to a device (would be replaced by a regular file)', argv: ['run', 's.yaml', '--trace', '/dev/null'], message: /^--trace \/dev\/null: exists and is not a regular file/ },
  { defect: 'a trace inside the charts directory --out replaces', argv: ['run', 's.yaml', '--out', 'o', '--trace', 'o/charts/t.jsonl'], message: /^--trace o\/charts\/t\.jsonl: inside o\/charts, which --out replaces on every run; write it elsewhere$/ },
  { defect: 'check --junit in /proc', argv: ['check', 's.yaml', '--junit', '/proc/j.xml'], message: /^--junit \/proc\/j\.xml: cannot create files in \/proc/ },
  { defect: 'compare --out naming a file', argv: ['compare', 's.yaml', '--out', 'afile'], message: /^--out afile: is a file, not a directory$/ },
  { defect: 'report --out naming a file', argv: ['report', 'adir', '--out', 'afile'], message: /^--out afile: is a file, not a directory$/ },

  // Item 6: the smaller ones.
  { defect: 'a seed above 2^53 (was rounded silently)', argv: ['run', 's.yaml', '--seed', '9007199254740993'], message: /^repsim: --seed: expected a whole number from 0 to 2\^53-1 \(9007199254740991\), got 9007199254740993$/ },
  { defect: 'a seed in exponent form (1e30 and 1e30+1 gave one replayKey)', argv: ['run', 's.yaml', '--seed', '1e30'], message: /^repsim: --seed: expected a whole number .*, got "1e30"$/ },
  { defect: '--seed abc (said "got NaN")', argv: ['run', 's.yaml', '--seed', 'abc'], message: /^repsim: --seed: expected a whole number .*, got "abc"$/ },
  { defect: 'a seed range past 2^53', argv: ['sweep', 's.yaml', '--seed', '9007199254740991', '--seeds', '2', '--out', 'o'], message: /^--seed 9007199254740991 with --seeds 2: the last seed would pass 2\^53-1/ },
  { defect: 'a swarm seed range past 2^53', argv: ['swarm', 's.yaml', '--seed', '9007199254740990', '--seeds', '3'], message: /^--seed 9007199254740990 with --seeds 3: the last seed would pass 2\^53-1/ },
  {
    defect: 'an expect: metric that does not exist',
    argv: ['validate', 'bad-expect.yaml'],
    files: { 'bad-expect.yaml': '' },
    message: /^bad-expect\.yaml:\d+:\d+: expect\.async-stonith\.splitBrain\.ocurrences: unknown metric "splitBrain\.ocurrences"/,
  },
  { defect: 'report on a summary without metrics', argv: ['report', 'r'], files: { 'r/summary.json': '{"scenario":"x","variant":"base","seed":1}\n' }, message: /^r\/summary\.json: not a run summary: missing object "metrics"$/ },
  { defect: 'YAML nested 800 deep', argv: ['validate', 'deep.yaml'], files: { 'deep.yaml': deepFlow }, message: /^deep\.yaml:2:\d+: YAML: nested too deeply to read/ },
  { defect: 'a scenario that never ends (/dev/zero; used to hang)', argv: ['run', '/dev/zero'], message: /^\/dev\/zero: cannot read scenario: file is [\d.]+ MB; the limit is 10 MB$/ },
  { defect: 'one tab used for indentation (gave 8 lines)', argv: ['validate', 'tab.yaml'], files: { 'tab.yaml': '' }, message: /^tab\.yaml:24:1: YAML: Tabs are not allowed as indentation; indent with spaces$/ },
];

// Files whose text derives from the example scenario.
const derived: Record<string, (t: string) => string> = {
  'bad-expect.yaml': (t) => t.replace('async-stonith: { splitBrain.occurrences: 0 }', 'async-stonith: { splitBrain.ocurrences: 0 }'),
  'tab.yaml': (t) => t.replace(/^ {2}primary: us-east-1$/m, '\tprimary: us-east-1'),
};

describe('hostile input: exit 2, one message, nothing created', () => {
  for (const row of rows) {
    it(`${row.defect}: repsim ${row.argv.join(' ')}`, () => {
      const files = Object.fromEntries(Object.entries(row.files ?? {}).map(([k, v]) => [k, derived[k]?.(spec()) ?? v]));
      const cwd = workdir(files);
      const before = listing(cwd);
      const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...row.argv], { cwd, encoding: 'utf8', timeout: 60_000 });
      expect(r.error, 'the command must end on its own').toBeUndefined();
      expect(r.status, r.stderr).toBe(row.code ?? 2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(row.message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(listing(cwd)).toEqual(before);
      rmSync(cwd, { recursive: true, force: true });
    }, 70_000);
  }
});
