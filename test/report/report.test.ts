// The public API end to end: writeReport on fixture result sets, writeCharts,
// writeSiteIndex, bad input, and the `repsim report` command.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../sim/core/errors.ts';
import { main } from '../../sim/cli/main.ts';
import { writeCharts, writeReport, writeSiteIndex } from '../../sim/report/index.ts';
import { compareResults } from './fixture-summaries.ts';
import { networkLoads } from './network-loads.ts';
import { FIXTURE_ROOT } from './write-fixtures.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'repsim-report-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('writeReport', () => {
  it('writes index.html and three files per chart for a compare result set', async () => {
    const out = join(tmp, 'compare');
    const result = await writeReport(join(FIXTURE_ROOT, 'compare'), out);
    expect(result.indexHtml).toBe(join(out, 'index.html'));
    expect(result.name).toBe('primary-region-partition');
    expect(result.charts).toHaveLength(10 * 3);
    for (const f of result.charts) expect((await stat(f)).size).toBeGreaterThan(500);
    expect(result.charts.filter((f) => f.endsWith('.png'))).toHaveLength(10);
    const html = await readFile(result.indexHtml, 'utf8');
    expect(networkLoads(html)).toEqual([]);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(10);
    expect(result.headline.map((h) => h.label)).toContain('Lost writes (RPO)');
  });

  it('reports a sweep and a single run', async () => {
    const sweep = await writeReport(join(FIXTURE_ROOT, 'sweep'), join(tmp, 'sweep'));
    expect(sweep.charts.some((f) => f.includes('sweep-topology-replication-shipinterval-rpo.png'))).toBe(true);
    const single = await writeReport(join(FIXTURE_ROOT, 'single'), join(tmp, 'single'));
    expect(single.charts.filter((f) => f.endsWith('.png'))).toHaveLength(5);
    expect(await readFile(single.indexHtml, 'utf8')).toContain('--seed 42');
  });

  it('writes into the result directory by default', async () => {
    const dir = join(tmp, 'in-place');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'results.jsonl'), await readFile(join(FIXTURE_ROOT, 'compare', 'results.jsonl')));
    const result = await writeReport(dir);
    expect(result.indexHtml).toBe(join(dir, 'index.html'));
    expect(await exists(join(dir, 'charts', 'rpo-rto.png'))).toBe(true);
    // Without scenario.json the name comes from the runs and the command has a placeholder.
    const html = await readFile(result.indexHtml, 'utf8');
    expect(html).toContain('<h1>primary-region-partition</h1>');
    expect(html).toContain('repsim run &lt;scenario.yaml&gt; --variant');
  });
});

describe('writeReport on bad input', () => {
  async function dirWith(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(tmp, name);
    await mkdir(dir, { recursive: true });
    for (const [f, content] of Object.entries(files)) await writeFile(join(dir, f), content);
    return dir;
  }

  it('throws InputError for a missing directory', async () => {
    await expect(writeReport(join(tmp, 'nope'))).rejects.toThrow(InputError);
    await expect(writeReport(join(tmp, 'nope'))).rejects.toThrow(/no such results directory/);
  });

  it('throws InputError for a directory without results', async () => {
    const dir = await dirWith('empty-dir', {});
    await expect(writeReport(dir)).rejects.toThrow(/no results\.jsonl or summary\.json/);
  });

  it('throws InputError for an empty results.jsonl', async () => {
    const dir = await dirWith('empty-jsonl', { 'results.jsonl': '\n' });
    await expect(writeReport(dir)).rejects.toThrow(/results\.jsonl: no results$/);
  });

  it('names the file and line of a bad line, one line per problem', async () => {
    const good = JSON.stringify(compareResults()[0]);
    const dir = await dirWith('bad-lines', { 'results.jsonl': `${good}\n{oops\n{"variant":"x"}\n` });
    const error = await writeReport(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/results\.jsonl:2: not valid JSON/);
    expect(problems[1]).toMatch(/results\.jsonl:3: not a run summary: missing string "scenario"/);
    for (const p of problems) expect(p).not.toContain('\n');
  });

  it('refuses a run that appears twice, naming both lines (a file appended to itself)', async () => {
    const lines = compareResults().slice(0, 2).map((r) => JSON.stringify(r));
    const dir = await dirWith('doubled', { 'results.jsonl': `${[...lines, ...lines].join('\n')}\n` });
    const error = await writeReport(dir, join(tmp, 'doubled-out')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const first = compareResults()[0]!;
    expect((error as InputError).problems).toEqual([
      `${join(dir, 'results.jsonl')}:3: run ${first.variant} seed ${first.seed} appears twice (also line 1); join sweep shards with repsim merge, not by appending files`,
      expect.stringMatching(/results\.jsonl:4: run .* appears twice \(also line 2\)/),
    ]);
    expect(await exists(join(tmp, 'doubled-out'))).toBe(false);
  });

  it('keeps runs that differ only in a swept parameter', async () => {
    const base = compareResults()[0]!;
    const a = { ...base, params: { 'workload.writeRate': 10 } };
    const b = { ...base, params: { 'workload.writeRate': 20 } };
    const dir = await dirWith('swept', { 'results.jsonl': `${JSON.stringify(a)}\n${JSON.stringify(b)}\n` });
    await expect(writeReport(dir, join(tmp, 'swept-out'))).resolves.toBeDefined();
  });

  it('rejects a malformed scenario.json', async () => {
    const dir = await dirWith('bad-scenario', { 'summary.json': JSON.stringify(compareResults()[0]), 'scenario.json': '[' });
    await expect(writeReport(dir)).rejects.toThrow(/scenario\.json: not valid JSON/);
  });

  it('tolerates summaries without the chart additions', async () => {
    const { series: _s, stalenessCdf: _c, timeline: _t, faults: _f, ...bare } = compareResults()[0]!;
    const dir = await dirWith('bare', { 'summary.json': JSON.stringify(bare) });
    const result = await writeReport(dir, join(tmp, 'bare-out'));
    expect(result.charts.filter((f) => f.endsWith('.png'))).toHaveLength(5);
  });
});

describe('writeCharts and writeSiteIndex', () => {
  it('writes chart files only', async () => {
    const out = join(tmp, 'charts-only');
    const files = await writeCharts([compareResults()[0]!], out);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(
      ['staleness-cdf', 'rpo-rto', 'unavailability', 'timeline-async-stonith', 'lag-async-stonith'].flatMap((n) => [`${n}.vl.json`, `${n}.svg`, `${n}.png`]),
    );
    expect((await readdir(out)).sort()).toEqual(files.map((f) => f.slice(out.length + 1)).sort());
  });

  it('writes a site index linking scenario pages', async () => {
    const out = join(tmp, 'site');
    const a = await writeReport(join(FIXTURE_ROOT, 'compare'), join(out, 'compare'));
    const path = await writeSiteIndex(out, [{ name: a.name, description: a.description, href: 'compare/index.html', headline: a.headline }]);
    expect(path).toBe(join(out, 'index.html'));
    const html = await readFile(path, 'utf8');
    expect(html).toContain('href="compare/index.html"');
    expect(networkLoads(html)).toEqual([]);
  });
});

describe('repsim report', () => {
  it('writes the report and says where', async () => {
    const out = join(tmp, 'cli');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main(['report', join(FIXTURE_ROOT, 'single'), '--out', out]);
      expect(code).toBe(0);
      expect(String(stdout.mock.calls.map((c) => c[0]).join(''))).toContain(`wrote ${join(out, 'index.html')}`);
    } finally {
      stdout.mockRestore();
    }
    expect(await exists(join(out, 'index.html'))).toBe(true);
  });

  it('exits 2 naming both lines when a run appears twice, and writes nothing', async () => {
    const dir = join(tmp, 'cli-doubled');
    await mkdir(dir, { recursive: true });
    const line = JSON.stringify(compareResults()[0]);
    await writeFile(join(dir, 'results.jsonl'), `${line}\n${line}\n`);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['report', dir, '--out', join(tmp, 'cli-doubled-out')]);
      expect(code).toBe(2);
      const text = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/^.*results\.jsonl:2: run \S+ seed \d+ appears twice \(also line 1\); join sweep shards with repsim merge, not by appending files\n$/);
    } finally {
      stderr.mockRestore();
    }
    expect(await exists(join(tmp, 'cli-doubled-out'))).toBe(false);
    expect(await exists(join(dir, 'index.html'))).toBe(false);
  });

  it('exits 2 with one line for a missing directory', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['report', join(tmp, 'missing')]);
      expect(code).toBe(2);
      const text = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toBe(`${join(tmp, 'missing')}: no such results directory\n`);
    } finally {
      stderr.mockRestore();
    }
  });
});
