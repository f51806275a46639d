// `repsim check`: NEW baselines fail, --update writes them, a changed
// baseline fails with a message naming scenario, variant, seed, path and
// both values; JUnit has one case per scenario × variant × seed; every
// topology is checked the same way.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, tempWith } from './helpers.ts';
import { baselineOf, compareBaseline, numericKind } from '../../sim/check/baseline.ts';
import { runCase } from '../../sim/case.ts';

describe('repsim check', () => {
  it('fails NEW without --update, records with it, then passes; a changed number fails clearly', async () => {
    const dir = tempWith('small.yaml');
    const file = path.join(dir, 'small.yaml');
    const junit = path.join(dir, 'out/junit.xml');
    const md = path.join(dir, 'out/summary.md');

    const first = await cli(['check', file, '--junit', junit, '--summary', md]);
    expect(first.code).toBe(1);
    expect(first.err).toContain('small async seed 1: NEW: no baseline at');
    const xml = readFileSync(junit, 'utf8');
    const cases = [...xml.matchAll(/<testcase classname="small" name="([^"]+)"/g)].map((m) => m[1]);
    expect(cases).toEqual(['async seed 1', 'async seed 2', 'sync seed 1', 'sync seed 2']);
    expect((xml.match(/<failure /g) ?? []).length).toBe(4);
    expect(readFileSync(md, 'utf8')).toContain('| small | sync | 2 | 🆕 NEW |');

    expect((await cli(['check', file, '--update'])).code).toBe(0);
    const baseline = path.join(dir, 'baselines/small/sync/seed-2.json');
    expect(Object.keys(JSON.parse(readFileSync(baseline, 'utf8')) as object)).toEqual(['events', 'metrics']);
    expect((await cli(['check', file])).code).toBe(0);

    const b = JSON.parse(readFileSync(baseline, 'utf8')) as { metrics: { writes: { acked: number } } };
    const was = b.metrics.writes.acked;
    b.metrics.writes.acked = was + 1;
    writeFileSync(baseline, JSON.stringify(b));
    const changed = await cli(['check', file, '--junit', junit]);
    expect(changed.code).toBe(1);
    expect(changed.err).toContain(`small sync seed 2: metrics.writes.acked: baseline ${was + 1}, now ${was}`);
    expect(readFileSync(junit, 'utf8')).toContain('metrics.writes.acked: baseline');
  });

  it('exits 2 for an unknown metric in expect, naming file:line:col and path, before running anything', async () => {
    const dir = tempWith('small.yaml');
    const file = path.join(dir, 'small.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('splitBrain.occurrences: 0', 'splitBrain.count: 0'));
    const r = await cli(['check', file, '--seeds', '1', '--update']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: expect\\.splitBrain\\.count: unknown metric "splitBrain\\.count"`));
    expect(existsSync(path.join(dir, 'baselines'))).toBe(false);
  });

  it('checks every topology: an active-active copy of the scenario runs and is NEW until --update', async () => {
    const dir = tempWith('small.yaml');
    const file = path.join(dir, 'aa.yaml');
    writeFileSync(file, readFileSync(path.join(dir, 'small.yaml'), 'utf8').replace('kind: single-primary', 'kind: active-active').replace('  primary: a\n', ''));
    const junit = path.join(dir, 'j.xml');
    const r = await cli(['check', file, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NEW +aa async seed 1/);
    expect((readFileSync(junit, 'utf8').match(/<failure /g) ?? []).length).toBeGreaterThan(0);
    expect((await cli(['check', file, '--update'])).code).toBe(0);
    expect((await cli(['check', file])).code).toBe(0);
  });

  it('classifies every numeric metric as a count or a float', () => {
    const { summary } = runCase({ file: path.join(tempWith('small.yaml'), 'small.yaml'), variant: 'async', seed: 1 });
    const b = baselineOf(summary);
    const unlisted: string[] = [];
    const walk = (v: unknown, p: string) => {
      if (typeof v === 'number') {
        if (numericKind(p) === 'unlisted') unlisted.push(p);
      } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, p === '' ? k : `${p}.${k}`);
    };
    walk(b, '');
    expect(unlisted).toEqual([]);
    // Floats tolerate 1e-9 relative; counts do not.
    const nudged = structuredClone(b);
    nudged.metrics.writes.latencyMs.mean *= 1 + 1e-12;
    expect(compareBaseline(b, nudged)).toEqual([]);
    nudged.metrics.writes.total += 1;
    expect(compareBaseline(b, nudged).map((d) => d.path)).toEqual(['metrics.writes.total']);
  });
});
