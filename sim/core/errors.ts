// The two ordinary ways a command ends badly, shared by every layer that can
// meet them (scenario loading, sweeps, checks, reports) and reported by the
// CLI without a stack trace: bad input (exit 2) and a failed check or
// invariant (exit 1).

/** Bad input: unreadable or invalid scenario, bad flag, unusable output path. Exit code 2. */
export class InputError extends Error {
  /** One line per problem, already located (file:line:col: field: message). */
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}

/** A check, expectation or invariant failed. Exit code 1. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * A defect of the model itself (a run that stops making progress): not the
 * scenario's fault. Exit code 1, like a failed check, with a message that
 * says so and what to report.
 */
export class ModelDefect extends CheckFailure {
  /** What happened, one line each (the advice to report it is added as the last line of the message). */
  readonly details: readonly string[];
  constructor(details: readonly string[]) {
    super([...details, '  This is a defect of the model, not of your scenario: please report it with the scenario file and the replay command (README, "Reporting a model defect").'].join('\n'));
    this.name = 'ModelDefect';
    this.details = details;
  }
}
