// `repsim main` (npm start) on a small scenario directory: one report per
// runnable scenario, an index page, and a bad scenario listed as skipped
// rather than crashing the job. Plus: the bundled scenarios validate.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWithScenario } from '../sweep/fixture.ts';

const root = new URL('../..', import.meta.url).pathname;

function repsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/repsim.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('repsim main', () => {
  it('writes a report per scenario and an index; skips what cannot run', () => {
    const { dir } = tempWithScenario();
    writeFileSync(join(dir, 'broken.yaml'), 'name: broken\nregions: []\n');
    const out = join(dir, 'reports');
    const r = repsim('main', '--scenarios', dir, '--out', out, '--seeds', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'small', 'index.html'))).toBe(true);
    expect(readFileSync(join(out, 'small', 'results.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(4);
    expect(existsSync(join(out, 'broken'))).toBe(false);
    expect(r.stdout).toMatch(/wrote .*index\.html \(1 scenario report, 1 skipped\)/);
    expect(r.stdout).toMatch(/skipped broken: /);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('small/index.html');
    // The playground holds the scenario that loads, and the pages link to it.
    expect(r.stdout).toMatch(/playground: .*playground\.html \(\d\.\d\d MB, 1 scenarios/);
    const play = readFileSync(join(out, 'playground.html'), 'utf8');
    expect(play.includes('"name":"small-sweep"')).toBe(true);
    expect(play.includes('"name":"broken"')).toBe(false);
    expect(index).toContain('<a class="playground" href="playground.html">Open the playground</a>');
    expect(index).toContain('<a class="playground" href="playground.html#s=small-sweep">open in playground</a>');
    expect(readFileSync(join(out, 'small', 'index.html'), 'utf8')).toContain('<a class="playground" href="../playground.html#s=small-sweep">Open in playground</a>');
  });

  it('prices every scenario without costs from <scenarios>/prices/default.yaml: the table, the report and the index show the monthly cost', () => {
    const { dir } = tempWithScenario();
    mkdirSync(join(dir, 'prices'));
    writeFileSync(join(dir, 'prices', 'default.yaml'), 'transferPerGB: 0.02\nnodePerHour: {us-east-1: 1, eu-west-1: 1, ap-southeast-1: 1, sa-east-1: 5}\n');
    const out = join(dir, 'reports');
    const r = repsim('main', '--scenarios', dir, '--out', out, '--seeds', '2');
    expect(r.code, r.stderr).toBe(0);
    // Three hosts at 1 an hour for 720 hours, plus transfer; sa-east-1 is not one of the scenario's regions.
    expect(r.stdout).toMatch(/Cost per 30 days \(transfer and hosts\)\s+2,1[0-9]{2}/);
    expect(r.stdout).toMatch(/Cross-region transfer \(GB per 30 days\)/);
    for (const line of readFileSync(join(out, 'small', 'results.jsonl'), 'utf8').trimEnd().split('\n')) {
      expect((JSON.parse(line) as { metrics: { cost: { nodesPerMonth: number } } }).metrics.cost.nodesPerMonth).toBe(2160);
    }
    expect(readFileSync(join(out, 'small', 'index.html'), 'utf8')).toContain('Cost per 30 days');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Cost per 30 days');
  });
});

describe('bundled scenarios', () => {
  it('all validate, each with check seeds and an expect block', () => {
    const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(6);
    const r = repsim('validate', ...files);
    expect(r.code, r.stderr).toBe(0);
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      // The example scenario stays byte-identical to the reference copy, so it relies on check.seeds' default (3).
      if (f !== 'scenarios/primary-region-partition.yaml') expect(text, f).toMatch(/^check: \{ seeds: 3 \}$/m);
      expect(text, f).toMatch(/^expect:/m);
    }
  });
});
