// Determinism is the product: for every reference scenario and every one of
// its variants, the same seed gives a byte-identical summary, and another
// seed a different one. (`repsim check` also compares with committed
// baselines; this test needs none.)
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listVariants, loadScenario } from '../sim/scenario/loader.ts';
import { simulate } from '../sim/run.ts';

const dir = resolve(import.meta.dirname, '../scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const spec = resolve(import.meta.dirname, '../scenarios/primary-region-partition.yaml');

// The example scenario runs 10 simulated minutes; 3 cover its partition and failover.
const setsFor = (file: string) => (file === spec ? ['duration=3m'] : []);

function summaryJson(file: string, variant: string | undefined, seed: number): string {
  const l = loadScenario(file, { variant, sets: setsFor(file) });
  return JSON.stringify(simulate(l.scenario, { seed, variant: l.variant, contentHash: l.contentHash }));
}

describe('same seed, same summary', () => {
  it('there are reference scenarios', () => expect(files.length).toBeGreaterThanOrEqual(6));
  for (const f of [...files.map((x) => join(dir, x)), spec]) {
    const variants = listVariants(f);
    for (const v of variants.length > 0 ? variants : [undefined]) {
      it(`${f.split('/').pop()} ${v ?? 'base'}`, () => {
        const seed = loadScenario(f, { variant: v }).scenario.seed;
        const a = summaryJson(f, v, seed);
        expect(summaryJson(f, v, seed), `replay: repsim run ${f} --seed ${seed}${v ? ` --variant ${v}` : ''}`).toBe(a);
        expect(summaryJson(f, v, seed + 1)).not.toBe(a);
      });
    }
  }
});
