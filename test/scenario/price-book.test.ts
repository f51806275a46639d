// A price book (sim/scenario/price-book.ts) prices scenarios without their
// own `costs`: checked with located messages, cut down to a scenario's regions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costsFor, parsePriceBook, priceSet } from '../../sim/scenario/price-book.ts';
import { problemsOf } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const repsim = (args: string[]) => spawnSync('node', ['bin/repsim.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('price book', () => {
  it('keeps only the scenario\'s regions, in pairs too, and keeps the defaults', () => {
    const book = parsePriceBook(
      'transferPerGB: 0.02\nfromRegionPerGB: {ap-southeast-1: 0.09, us-east-1: 0.02}\npairs: {us-east-1: {us-east-2: 0.01, eu-west-1: 0.03}}\nintraRegionPerGB: 0.01\nnodePerHour: {us-east-1: 0.5, eu-west-1: 0.6}\n',
      'p.yaml',
    );
    expect(costsFor(book, ['us-east-1', 'eu-west-1'])).toEqual({
      transferPerGB: 0.02, fromRegionPerGB: { 'us-east-1': 0.02 }, pairs: { 'us-east-1': { 'eu-west-1': 0.03 } }, intraRegionPerGB: 0.01, nodePerHour: { 'us-east-1': 0.5, 'eu-west-1': 0.6 },
    });
    expect(costsFor(book, ['us-east-2'])).toEqual({ transferPerGB: 0.02, fromRegionPerGB: {}, pairs: {}, intraRegionPerGB: 0.01, nodePerHour: {} });
    expect(priceSet(book, ['us-east-2'])).toBe('costs={"transferPerGB":0.02,"fromRegionPerGB":{},"pairs":{},"intraRegionPerGB":0.01,"nodePerHour":{}}');
  });

  it('names each bad field at its line and column', () => {
    expect(problemsOf(() => parsePriceBook('transferPerGB: -1\nnodePerHour: {us-east-1: cheap}\ncolour: red\n', 'p.yaml'))).toEqual([
      'p.yaml:1:16: transferPerGB: must be >= 0 (got -1)',
      'p.yaml:2:26: nodePerHour.us-east-1: expected a number, got "cheap"',
      'p.yaml:3:1: colour: unknown field',
    ]);
  });

  it('the bundled price book parses and prices every reference scenario\'s regions', () => {
    const book = parsePriceBook(readFileSync(join(ROOT, 'scenarios/prices/default.yaml'), 'utf8'), 'default.yaml');
    for (const r of ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'ap-southeast-1']) expect(book.nodePerHour[r]).toBeGreaterThan(0);
  });

  it('repsim run --prices adds metrics.cost; a bad book is exit 2 before any file is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repsim-prices-'));
    const ok = repsim(['run', 'scenarios/zombie-primary-gc-pause.yaml', '--set', 'duration=5s', '--set', 'warmup=1s', '--set', 'faults=[]', '--prices', 'scenarios/prices/default.yaml', '--json']);
    expect(ok.status).toBe(0);
    const s = JSON.parse(ok.stdout) as { metrics: { cost?: { nodesPerMonth: number } } };
    // Two regions, one host each, at $0.504 an hour for 720 hours.
    expect(s.metrics.cost?.nodesPerMonth).toBeCloseTo(2 * 0.504 * 720, 6);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'transferPerGB: free\n');
    const out = join(dir, 'out');
    const r = repsim(['compare', 'scenarios/zombie-primary-gc-pause.yaml', '--seeds', '1', '--prices', bad, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`${bad}:1:16: transferPerGB: expected a number, got "free"`);
    expect(existsSync(out)).toBe(false);
  });
});
