// `npm run fuzz -- [--runs N] [--seed S] [--timeout MS] [--out DIR] [--strict]`: the
// scenario-space fuzzer, run long. Generates N scenarios (test/helpers/
// scenario-arbitrary.ts), runs each twice in a worker thread and judges it
// (test/helpers/fuzz-case.ts). Each failure is shrunk by fast-check to a
// smaller scenario with the same symptom, written to DIR (default
// fuzz-failures/, git-ignored) as a YAML file that `node bin/repsim.js run
// FILE` reproduces, and its path printed; the search then goes on with a new
// seed until N cases have run. A case showing only a known defect
// (test/helpers/summary-sanity.ts, KNOWN_DEFECTS) is counted apart, not
// failed, unless --strict. Exit 1 if anything failed.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scenarioArbitrary, type ScenarioSpec } from '../test/helpers/scenario-arbitrary.ts';
import { FuzzRunner, scenarioYaml, type Verdict } from '../test/helpers/fuzz-case.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '200' }, seed: { type: 'string' }, timeout: { type: 'string', default: '30000' }, out: { type: 'string', default: 'fuzz-failures' }, 'shrink-runs': { type: 'string', default: '400' }, strict: { type: 'boolean', default: false } },
});
const total = Number(values.runs);
const timeoutMs = Number(values.timeout);
const shrinkRuns = Number(values['shrink-runs']);
// The real clock only picks the default seed (printed, so a search can be repeated).
const firstSeed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
let seed = firstSeed;
const outDir = values.out;

/** A symptom without its numbers: shrinking keeps a candidate only if it fails the same way. */
const shape = (s: string) => s.replace(/-?\d+(\.\d+)?/g, '#');

const tmp = mkdtempSync(join(tmpdir(), 'repsim-fuzz-'));
const caseFile = join(tmp, 'case.yaml');
const runner = new FuzzRunner(timeoutMs);
const t0 = performance.now();
let cases = 0;
let shrinkCases = 0;
let refused = 0;
let known = 0;
let slowestMs = 0;
const failures: { file: string; symptom: string; count: number }[] = [];
const found = new Map<string, { count: number }>();

try {
  while (cases < total) {
    let target: string | undefined;
    let shrinkCalls = 0;
    let last: Verdict | undefined;
    const runSeed = seed;
    const result = await fc.check(
      fc.asyncProperty(scenarioArbitrary(), async (spec: ScenarioSpec) => {
        if (target !== undefined) {
          // Shrinking: a bounded number of candidates, each kept only if it fails with the same symptom.
          if (++shrinkCalls > shrinkRuns) return true;
          shrinkCases++;
          const v = await runner.judge(spec, caseFile);
          if (!v.ok && shape(v.symptom) === target) {
            last = v;
            return false;
          }
          return true;
        }
        cases++;
        const v = await runner.judge(spec, caseFile);
        slowestMs = Math.max(slowestMs, v.ms);
        // A known defect (KNOWN_DEFECTS) is counted, not shrunk again, unless --strict.
        if (!v.ok && v.known && !values.strict) known++;
        if (v.ok || (v.known && !values.strict)) {
          if (v.ok && v.outcome === 'refused') refused++;
          if (cases % 100 === 0) process.stderr.write(`fuzz: ${cases}/${total} cases, ${failures.length} failed, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
          return true;
        }
        // A symptom already found and shrunk in this search is counted, not shrunk again.
        const again = found.get(shape(v.symptom));
        if (again) {
          again.count++;
          return true;
        }
        target = shape(v.symptom);
        last = v;
        process.stderr.write(`fuzz: case ${cases} failed: ${v.symptom}; shrinking…\n`);
        return false;
      }),
      { seed: runSeed, numRuns: total - cases, endOnFailure: false },
    );
    if (!result.failed || result.counterexample === null || last === undefined || last.ok) break;
    const [spec] = result.counterexample;
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `fuzz-${runSeed}-${failures.length + 1}.yaml`);
    const header = [
      `# repsim fuzz failure: ${last.symptom}`,
      `# found by: npm run fuzz -- --seed ${runSeed} (case ${cases}), shrunk in ${shrinkCalls} runs`,
      `# reproduce: node bin/repsim.js run ${file} --json`,
      ...last.detail.split('\n').slice(0, 12).map((l) => `#   ${l}`),
    ].join('\n');
    writeFileSync(file, `${header}\n${scenarioYaml(spec)}`);
    const failure = { file, symptom: last.symptom, count: 1 };
    failures.push(failure);
    if (target !== undefined) found.set(target, failure);
    process.stdout.write(`FAIL ${file}\n  ${last.symptom}\n`);
    seed = (seed + 1) % 2 ** 31;
  }
} finally {
  await runner.close();
  rmSync(tmp, { recursive: true, force: true });
}
const secs = (performance.now() - t0) / 1000;
process.stdout.write(
  `fuzz: ${cases} cases (${refused} refused as bad input, ${known} showing a known defect, ${shrinkCases} more while shrinking) from seed ${firstSeed}, ` +
    `${failures.reduce((a, f) => a + f.count, 0)} failed with ${failures.length} distinct symptoms, ${secs.toFixed(1)} s (slowest case ${(slowestMs / 1000).toFixed(2)} s for its two runs)\n`,
);
for (const f of failures) process.stdout.write(`  ${f.file} (${f.count} case${f.count === 1 ? '' : 's'}): ${f.symptom}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
