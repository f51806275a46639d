// What `repsim check` concluded about one scenario × variant × seed. Shared
// by the console output, JUnit and the Markdown summary.

export type CaseStatus = 'pass' | 'fail' | 'new' | 'updated' | 'error';

export interface CaseOutcome {
  /** Scenario key (file name without .yaml). */
  scenario: string;
  file: string;
  variant: string;
  /** Undefined when the scenario failed before a seed was known. */
  seed: number | undefined;
  status: CaseStatus;
  /** One line per problem: failed expectations, baseline differences, errors. */
  messages: string[];
  /** Wall-clock seconds the run took (reports only; never fed to the model). */
  seconds: number;
}

/** The case's display name, `variant seed N`. */
export function caseName(o: CaseOutcome): string {
  return o.seed === undefined ? o.variant : `${o.variant} seed ${o.seed}`;
}

/** Exit code of a whole check: 2 if any case is bad input, else 1 if any failed or is NEW, else 0. */
export function exitCodeOf(outcomes: readonly CaseOutcome[]): number {
  if (outcomes.some((o) => o.status === 'error')) return 2;
  if (outcomes.some((o) => o.status === 'fail' || o.status === 'new')) return 1;
  return 0;
}
