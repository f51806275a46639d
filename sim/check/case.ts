// One run of a scenario for the checkers (check, swarm, determinism): load
// and simulate, keeping the loaded scenario (its expect block) beside the
// summary. Owns no output and no files beyond loading.
import { loadScenario } from '../scenario/loader.ts';
import { simulate } from '../run.ts';
import { checkBudget } from '../scenario/machine.ts';
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

export interface CaseResult {
  summary: Summary;
  scenario: Scenario;
  variant: string;
  warnings: string[];
}

/** Loads and runs one case. Throws InputError for bad input. */
export function runCase(c: CaseSpec, sinks: { trace?: TraceWriter | undefined; history?: HistoryWriter | undefined } = {}): CaseResult {
  const variant = c.variant === 'base' ? undefined : c.variant;
  const loaded = loadScenario(c.file, { sets: c.sets ?? [], ...(variant !== undefined ? { variant } : {}) });
  const budgetWarnings = checkBudget(loaded); // refuses (InputError) what cannot fit on this machine
  const seed = c.seed ?? loaded.scenario.seed;
  const summary = simulate(loaded.scenario, { seed, variant: loaded.variant, contentHash: loaded.contentHash, trace: sinks.trace, history: sinks.history });
  return { summary, scenario: loaded.scenario, variant: loaded.variant, warnings: [...loaded.warnings, ...budgetWarnings] };
}
