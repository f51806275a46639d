// `repsim run` as a user meets it: a table by default, the documented summary keys with
// --json, files only when the run completed, exit 2 on bad input with
// nothing written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const spec = join(root, 'scenarios/primary-region-partition.yaml');

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('repsim run', () => {
  it('writes summary, trace and history, and prints every docs/metrics.md key with --json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-run-'));
    const r = repsim('run', spec, '--set', 'duration=40s', '--set', 'warmup=5s', '--json', '--out', dir, '--trace', join(dir, 't.jsonl'), '--history', join(dir, 'h.jsonl'));
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown> & { metrics: Record<string, unknown> };
    for (const k of ['scenario', 'variant', 'topology', 'seed', 'replayKey', 'simulatedMs', 'events']) expect(s).toHaveProperty(k);
    for (const k of ['reads', 'writes', 'replication', 'rpo', 'rto', 'splitBrain', 'conflicts', 'availability', 'failovers']) expect(s.metrics).toHaveProperty(k);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual(s);
    // And the run's charts, each as Vega-Lite, SVG and PNG.
    const charts = readdirSync(join(dir, 'charts'));
    for (const name of ['staleness-cdf', 'rpo-rto']) for (const ext of ['vl.json', 'svg', 'png']) expect(charts).toContain(`${name}.${ext}`);
    expect(charts.some((f) => f.startsWith('lag-') && f.endsWith('.png')), charts.join(' ')).toBe(true);
    expect(charts.some((f) => f.startsWith('timeline-') && f.endsWith('.svg')), charts.join(' ')).toBe(true);
    expect(readFileSync(join(dir, 'charts', 'staleness-cdf.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(dir, 'h.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(1000);
    expect(existsSync(join(dir, 't.jsonl'))).toBe(true);
  });

  it('bad input: exit 2, one located line, and no output file or directory is created', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-run-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(spec, 'utf8').replace('partition: { isolate: us-east-1 }', 'partition: { isolate: us-east-9 }'));
    const out = join(dir, 'out');
    const r = repsim('run', bad, '--out', out, '--trace', join(out, 't.jsonl'), '--history', join(out, 'h.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: faults\.0\.partition\.isolate: .*us-east-9/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
