// The playground's browser bundles: they build from the sources, hold no node
// built-in, and the worker's summary is byte for byte what `repsim run
// --json` prints for the same scenario, variant and seed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, type PlaygroundBundles } from '../../sim/play/bundle.ts';
import { vmWorker } from './worker-vm.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let bundles: PlaygroundBundles;
let tmp: string;

beforeAll(async () => {
  bundles = await buildBundles();
  tmp = mkdtempSync(join(tmpdir(), 'repsim-play-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cliJson(file: string, variant: string, seed: number): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin', 'repsim.js'), 'run', file, '--variant', variant, '--seed', String(seed), '--json'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('playground bundles', () => {
  it('build as classic scripts with no node built-in and nothing that ends an inline script', () => {
    for (const js of [bundles.page, bundles.worker]) {
      expect(js.length).toBeGreaterThan(100_000);
      expect(js).not.toMatch(/require\(["']node:/);
      expect(js).not.toMatch(/<\/script/i);
    }
    // The worker carries the model, not Vega.
    expect(bundles.worker.length).toBeLessThan(bundles.page.length);
  });

  // One scenario of every topology kind: single-primary, consensus, leaderless, active-active, region-pinned.
  for (const [scenario, variant, seed] of [
    ['primary-region-partition', 'async-no-fencing', 3],
    ['consensus-vs-async-partition', 'consensus-3-voters', 42],
    ['leaderless-quorum-levels', 'local-quorum', 7],
    ['active-active-clock-skew', 'lww-hlc', 1],
    ['region-pinned-vs-replicated', 'region-pinned', 2],
  ] as const) {
    it(`the worker's summary of ${scenario} / ${variant} / seed ${seed} is the CLI's, byte for byte`, async () => {
      // 150 simulated seconds (the first fault of each fires) keep the test short; the text is the file's otherwise.
      const text = readFileSync(join(ROOT, 'scenarios', `${scenario}.yaml`), 'utf8').replace(/^duration: .*$/m, 'duration: 150s');
      expect(text).toMatch(/^duration: 150s$/m);
      const file = join(tmp, `${scenario}.yaml`);
      writeFileSync(file, text);
      const replies = await vmWorker(bundles.worker).run({ id: 7, text, label: file, variant, seed });
      const last = replies.at(-1);
      expect(last?.kind).toBe('done');
      expect(replies.filter((r) => r.kind === 'progress').length).toBeGreaterThan(10);
      expect(last?.kind === 'done' ? last.json : '').toBe(cliJson(file, variant, seed));
    });
  }

  it("reports a bad scenario as the loader's located lines, not a crash", async () => {
    const text = readFileSync(join(ROOT, 'scenarios', 'primary-region-partition.yaml'), 'utf8').replace('dnsTtl: 30s', 'dnsTtl: soon');
    const [reply] = await vmWorker(bundles.worker).run({ id: 1, text, label: 'scenarios/primary-region-partition.yaml', variant: 'base' });
    expect(reply?.kind).toBe('invalid');
    expect(reply?.kind === 'invalid' ? reply.problems : []).toEqual([expect.stringMatching(/^scenarios\/primary-region-partition\.yaml:47:11: failover\.dnsTtl: /)]);
  });
});
