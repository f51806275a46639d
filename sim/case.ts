// One run of one scenario, the single load-and-run path behind `run`,
// `check`, `sweep`/`compare` (sim/sweep/execute.ts), `swarm` and the
// determinism check: load the file (variant, `--set`s), pick the seed,
// simulate, and keep the loaded scenario (its expect block) beside the
// summary. An invariant the model breaks (thrown as `invariant: ...`) is a
// CheckFailure naming the seed and the exact replay command, not a crash.
// Touches no file beyond reading the scenario.
import { CheckFailure, ModelDefect } from './core/errors.ts';
import type { HistoryWriter, TraceWriter } from './measure/history.ts';
import type { Summary } from './scenario/summary-types.ts';
import { simulate } from './run.ts';
import { loadScenario, type LoadedScenario } from './scenario/loader.ts';
import { checkBudget } from './scenario/machine.ts';
import type { Scenario } from './scenario/schema.ts';

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

/** Where a run reports while it runs. */
export interface CaseSinks {
  trace?: TraceWriter | undefined;
  history?: HistoryWriter | undefined;
  /** Called about every 1% of simulated time with the fraction done. */
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface CaseResult {
  summary: Summary;
  scenario: Scenario;
  /** The applied variant; `base` when none. */
  variant: string;
  warnings: string[];
}

/**
 * Loads a case's scenario (variant and sets applied) and judges what its run
 * asks of this machine (sim/scenario/budget.ts). Throws InputError for bad
 * input and for a run that cannot fit; a run's long-work warning is the
 * caller's to print (`checkBudget(loaded)`), a batch prints its own.
 */
export function loadCase(c: CaseSpec): LoadedScenario {
  const variant = c.variant === 'base' ? undefined : c.variant;
  const loaded = loadScenario(c.file, { sets: [...(c.sets ?? [])], ...(variant !== undefined ? { variant } : {}) });
  checkBudget(loaded);
  return loaded;
}

/** Runs a case whose scenario is already loaded (by loadCase). */
export function runLoadedCase(c: CaseSpec, loaded: LoadedScenario, sinks: CaseSinks = {}): CaseResult {
  const seed = c.seed ?? loaded.scenario.seed;
  try {
    const summary = simulate(loaded.scenario, { seed, variant: loaded.variant, contentHash: loaded.contentHash, trace: sinks.trace, history: sinks.history, onProgress: sinks.onProgress });
    return { summary, scenario: loaded.scenario, variant: loaded.variant, warnings: loaded.warnings };
  } catch (e) {
    if (e instanceof ModelDefect) throw new ModelDefect([...e.details, `  scenario ${c.file}`, `  replay: ${replayCommand(c, seed)}`]);
    if (e instanceof Error && e.message.startsWith('invariant:')) {
      throw new CheckFailure(`${e.message}\nseed ${seed}; replay: ${replayCommand(c, seed)}`);
    }
    throw e;
  }
}

/** Loads and runs one case. Throws InputError for bad input, CheckFailure for a broken invariant. */
export function runCase(c: CaseSpec, sinks: CaseSinks = {}): CaseResult {
  return runLoadedCase(c, loadCase(c), sinks);
}

/** The command that replays a run exactly. */
export function replayCommand(c: CaseSpec, seed: number): string {
  const q = (s: string) => (/^[\w./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const variant = c.variant === 'base' ? undefined : c.variant;
  return ['repsim run', q(c.file), `--seed ${seed}`, ...(variant ? [`--variant ${q(variant)}`] : []), ...(c.sets ?? []).map((s) => `--set ${q(s)}`)].join(' ');
}
