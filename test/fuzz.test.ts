// The scenario-space fuzzer on a fixed set of seeds: fast-check generates
// valid scenarios across every topology, replication mode and channel,
// fencing, failover mode, read routing, jitter distribution, bandwidth,
// workload shape and fault verb (test/helpers/scenario-arbitrary.ts); each
// runs twice in a worker thread under a wall-clock limit and must end with a
// sane summary and the same bytes both times, or be refused with located
// errors (test/helpers/fuzz-case.ts). Then every scenario the fuzzer once
// failed on (test/fixtures/fuzz/) runs the same way. `npm run fuzz` searches
// longer, from a fresh seed (scripts/fuzz.ts).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioArbitrary } from './helpers/scenario-arbitrary.ts';
import { FuzzRunner, scenarioYaml } from './helpers/fuzz-case.ts';
import { KNOWN_DEFECTS } from './helpers/summary-sanity.ts';

/** Fixed seeds: the same cases every run of the suite. */
const SEEDS = [20261207, 1, 7];
const RUNS_PER_SEED = 80;
/** Wall-clock limit of one case (two runs); cases take well under a second. */
const CASE_LIMIT_MS = 15_000;
const FIXTURES = join(import.meta.dirname, 'fixtures', 'fuzz');

const runner = new FuzzRunner(CASE_LIMIT_MS);
const dir = mkdtempSync(join(tmpdir(), 'repsim-fuzz-'));
afterAll(async () => {
  await runner.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scenario fuzzer, fixed seeds', () => {
  it.each(SEEDS)(`seed %i: ${RUNS_PER_SEED} generated scenarios end sane, deterministic or refused with located errors`, async (seed) => {
    const file = join(dir, `case-${seed}.yaml`);
    const tally = { ran: 0, refused: 0, known: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(), async (spec) => {
        const v = await runner.judge(spec, file);
        if (v.ok) tally[v.outcome]++;
        else if (v.known) tally.known++;
        else throw new Error(`${v.symptom}\n${v.detail}\n--- scenario (save it and run \`node bin/repsim.js run FILE\`):\n${scenarioYaml(spec)}`);
      }),
      { seed, numRuns: RUNS_PER_SEED, endOnFailure: true },
    );
    // Most cases must run: a generator the validator mostly refuses would test little.
    expect(tally.ran).toBeGreaterThan(RUNS_PER_SEED / 2);
  }, 120_000);
});

describe('the wall-clock limit', () => {
  it('a case that does not answer in time fails as a hang, and the next case gets a fresh worker', async () => {
    const impatient = new FuzzRunner(1);
    try {
      const file = join(FIXTURES, 'partial-second-unavailability.yaml');
      const v = await impatient.judgeFile(file);
      expect(v.ok ? 'ok' : v.symptom).toMatch(/^no answer within 0.001 s of wall time/);
      expect((await runner.judgeFile(file)).ok).toBe(true);
    } finally {
      await impatient.close();
    }
  });
});

describe('scenarios the fuzzer once failed on', () => {
  const known = new Set(KNOWN_DEFECTS.map((k) => k.fixture));
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
  it.each(files.filter((f) => !known.has(f)))('%s: runs sane and deterministic', async (name) => {
    const v = await runner.judgeFile(join(FIXTURES, name));
    expect(v.ok ? 'ok' : v.symptom).toBe('ok');
  });
  // A reported, unfixed defect: its fixture still shows the symptom. When this fails, the defect is
  // fixed — remove its entry from KNOWN_DEFECTS (test/helpers/summary-sanity.ts) and it joins the list above.
  it.each(files.filter((f) => known.has(f)))('%s: still shows its known defect', async (name) => {
    const v = await runner.judgeFile(join(FIXTURES, name));
    expect(!v.ok && v.known, v.ok ? 'ok' : v.symptom).toBe(true);
  });
});
