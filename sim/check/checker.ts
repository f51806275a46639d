// `repsim check` as a procedure: for each scenario, each variant (or `base`
// when it has none), each of its check seeds (seed, seed+1, ...): run,
// assert invariants and the `expect:` block, compare with the baseline (or
// write it under --update). Returns one outcome per case; printing and exit
// codes belong to the CLI (sim/cli/check.ts).
//
// Bad input (unreadable scenario, unknown metric in expect) is an `error`
// outcome and makes the exit code 2 — never a silent pass.
import { InputError } from '../core/errors.ts';
import { listVariants, loadScenario } from '../scenario/loader.ts';
import type { Summary } from '../scenario/summary-types.ts';
import { runCase } from '../case.ts';
import { evaluateExpect } from './expect.ts';
import { baselineOf, baselinePath, compareBaseline, readBaseline, scenarioKey, writeBaseline } from './baseline.ts';
import { checkDeterminism } from './determinism.ts';
import type { CaseOutcome } from './outcome.ts';

export interface CheckOptions {
  /** Wall-clock milliseconds, for the time each case took (the CLI passes performance.now). */
  clockMs: () => number;
  /** Rewrite baselines instead of failing on differences or NEW. */
  update: boolean;
  /** Seeds per variant; default: each scenario's `check.seeds`. */
  seeds?: number | undefined;
  /** Baselines root; default `<scenario dir>/baselines`. */
  baselines?: string | undefined;
  /** Run every case twice in worker threads and compare traces. */
  checkDeterminism: boolean;
  /** Called after each case (for streaming output). */
  onCase?: (o: CaseOutcome) => void;
}

export async function checkScenarios(files: readonly string[], opts: CheckOptions): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  const emit = (o: CaseOutcome) => {
    outcomes.push(o);
    opts.onCase?.(o);
  };
  for (const file of files) {
    const scenario = scenarioKey(file);
    let variants: string[];
    let expect: Record<string, unknown>;
    let seed0: number;
    let seedCount: number;
    try {
      variants = listVariants(file);
      const base = loadScenario(file);
      expect = base.scenario.expect;
      seed0 = base.scenario.seed;
      seedCount = opts.seeds ?? base.scenario.check.seeds;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      emit({ scenario, file, variant: '(scenario)', seed: undefined, status: 'error', messages: e.problems, seconds: 0 });
      continue;
    }
    for (const variant of variants.length > 0 ? variants : ['base']) {
      for (let seed = seed0; seed < seed0 + seedCount; seed++) {
        const t0 = opts.clockMs();
        const o: CaseOutcome = { scenario, file, variant, seed, status: 'pass', messages: [], seconds: 0 };
        const label = `${scenario} ${variant} seed ${seed}`;
        try {
          let summary: Summary;
          if (opts.checkDeterminism) {
            const d = await checkDeterminism({ file, variant, seed });
            summary = d.summary;
            o.messages.push(...d.report.map((l) => `${label}: ${l.trimStart()}`));
          } else {
            summary = runCase({ file, variant, seed }).summary;
          }
          for (const v of summary.invariantViolations) o.messages.push(`${label}: invariant violated: ${v}`);
          for (const r of evaluateExpect(expect, summary, { variant, variants, file })) {
            if (!r.ok) o.messages.push(`${label}: expect ${r.message}`);
          }
          const path = baselinePath(file, variant, seed, opts.baselines);
          const now = baselineOf(summary);
          let stored: unknown;
          try {
            stored = readBaseline(path);
          } catch (e) {
            if (!opts.update) throw new InputError(`${path}: unreadable baseline: ${e instanceof Error ? e.message : String(e)}`);
          }
          const failedSoFar = o.messages.length > 0;
          if (opts.update) {
            const changed = stored === undefined || compareBaseline(stored, now).length > 0;
            if (changed) writeBaseline(path, now);
            o.status = failedSoFar ? 'fail' : changed ? 'updated' : 'pass';
            if (changed) o.messages.push(`${label}: baseline ${stored === undefined ? 'written' : 'rewritten'}: ${path}`);
          } else if (stored === undefined) {
            o.status = failedSoFar ? 'fail' : 'new';
            o.messages.push(`${label}: NEW: no baseline at ${path} (run with --update to record it)`);
          } else {
            for (const d of compareBaseline(stored, now)) {
              o.messages.push(`${label}: ${d.path}: baseline ${JSON.stringify(d.baseline)}, now ${JSON.stringify(d.now)}`);
            }
            if (o.messages.length > 0) o.status = 'fail';
          }
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          o.status = 'error';
          o.messages = e.problems.map((p) => `${label}: ${p}`);
        }
        o.seconds = (opts.clockMs() - t0) / 1000;
        emit(o);
        // Bad input is the same for every seed: the remaining seeds get the same outcome without running.
        if (o.status === 'error') {
          for (let s = seed + 1; s < seed0 + seedCount; s++) {
            emit({ ...o, seed: s, seconds: 0, messages: o.messages.map((m) => m.replace(label, `${scenario} ${variant} seed ${s}`)) });
          }
          break;
        }
      }
    }
  }
  return outcomes;
}
