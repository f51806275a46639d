// One run of a scenario for the checkers (check, swarm, determinism): load,
// simulate, and classify what went wrong. Unlike the CLI's runOnce it keeps
// "topology not implemented" apart from other bad input, so `check` can
// report it as unsupported. Owns no output and no files beyond loading.
import { loadScenario } from '../scenario/loader.ts';
import { simulate, UnsupportedScenario } from '../run.ts';
import { InputError } from '../cli/errors.ts';
import type { Summary } from '../measure/summary-types.ts';
import type { HistoryWriter, TraceWriter } from '../measure/history.ts';
import type { Scenario } from '../scenario/schema.ts';

/** What identifies one run. */
export interface CaseSpec {
  file: string;
  /** Variant name; `base` (or omitted) for none. */
  variant?: string | undefined;
  /** Seed; default: the scenario's. */
  seed?: number | undefined;
  /** `--set path=value` expressions. */
  sets?: readonly string[] | undefined;
}

/** A run repsim cannot do in this version (e.g. a topology not implemented). Bad input, exit 2. */
export class UnsupportedCase extends InputError {}

export interface CaseResult {
  summary: Summary;
  scenario: Scenario;
  variant: string;
  warnings: string[];
}

/** Loads and runs one case. Throws InputError (bad input) or UnsupportedCase. */
export function runCase(c: CaseSpec, sinks: { trace?: TraceWriter | undefined; history?: HistoryWriter | undefined } = {}): CaseResult {
  const variant = c.variant === 'base' ? undefined : c.variant;
  const loaded = loadScenario(c.file, { sets: c.sets ?? [], ...(variant !== undefined ? { variant } : {}) });
  const seed = c.seed ?? loaded.scenario.seed;
  try {
    const summary = simulate(loaded.scenario, { seed, variant: loaded.variant, contentHash: loaded.contentHash, trace: sinks.trace, history: sinks.history });
    return { summary, scenario: loaded.scenario, variant: loaded.variant, warnings: loaded.warnings };
  } catch (e) {
    if (e instanceof UnsupportedScenario) throw new UnsupportedCase(`${c.file}: ${e.message}`);
    throw e;
  }
}
