// Inputs that are not plain files and outputs that cannot be written: each is
// one located line and exit 2, never a hang, a stack or a silent pass.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioText } from '../../sim/scenario/read-text.ts';
import { InputError } from '../../sim/core/errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const repsim = (args: string[], input?: string) => spawnSync('node', ['bin/repsim.js', ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 60_000 });
const scenario = join(ROOT, 'scenarios', 'github-2018-partition.yaml');

describe('unusual inputs and outputs', () => {
  it('a lone "-" is refused, not a validation that checked nothing', () => {
    const r = repsim(['validate', '-'], readFileSync(scenario, 'utf8'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^repsim: "-": standard input is not read as "-"/);
    expect(r.stdout).toBe('');
  });

  it('/dev/stdin still works', () => {
    const r = spawnSync('sh', ['-c', `cat '${scenario}' | node bin/repsim.js validate /dev/stdin`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok {2}\/dev\/stdin \(3 variants\)/);
  });

  it('a UTF-16 file is named as UTF-16', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-io-'));
    const f = join(dir, 'u16.yaml');
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(scenario, 'utf8'), 'utf16le')]));
    const r = repsim(['validate', f]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`${f}: cannot read scenario: the file is UTF-16 (little-endian, with a byte-order mark); repsim reads UTF-8 (convert it, e.g. iconv -f UTF-16 -t UTF-8)`);
    writeFileSync(f, Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(() => readScenarioText(f)).toThrow(/u16\.yaml:1:10: cannot read scenario: byte 0xe9 is not UTF-8/);
  });

  it('a named FIFO no writer opens ends in a message, not a hang', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-io-'));
    const f = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [f]).status).toBe(0);
    let caught: unknown;
    try {
      readScenarioText(f, 300);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toBe(`${f}: cannot read scenario: nothing arrived for 0.3 s (no writer opened it); write the scenario to it, or name a file`);
  });

  it('standard output that cannot be written is one line and exit 2', () => {
    if (!existsSync('/dev/full')) return;
    for (const args of [['schema'], ['validate', scenario]]) {
      const r = spawnSync('sh', ['-c', `node bin/repsim.js ${args.join(' ')} > /dev/full`], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe('repsim: cannot write to standard output: no space left on device');
    }
  });

  it('check --baselines naming a file is refused before any run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-io-'));
    const f = join(dir, 'plain');
    writeFileSync(f, 'x');
    const r = repsim(['check', scenario, '--update', '--baselines', f]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`--baselines ${f}: is a file, not a directory`);
    expect(readFileSync(f, 'utf8')).toBe('x');
  });
});
