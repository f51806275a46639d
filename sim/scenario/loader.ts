// Loading a scenario file: reads the file (at most 10 MB, read-text.ts) and
// loads its text (load-text.ts, which holds the phases and the result, and
// is re-exported here so callers need one import).
import { InputError } from '../core/errors.ts';
import { listVariantsOfText, loadScenarioFromText, validateText, type FileValidation, type LoadedScenario, type LoadOptions } from './load-text.ts';
import { readScenarioText } from './read-text.ts';

export * from './load-text.ts';

/** Reads and loads a scenario file. Throws InputError listing every problem. */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  return loadScenarioFromText(readScenarioText(file), file, opts);
}

/** The names of a scenario file's variants, in file order. Throws InputError if the file cannot be read or parsed. */
export function listVariants(file: string): string[] {
  return listVariantsOfText(readScenarioText(file), file);
}

/**
 * Reads a scenario file, then loads the base scenario and every variant,
 * collecting all problems and warnings (validateText).
 */
export function validateAllVariants(file: string): FileValidation {
  let text: string;
  try {
    text = readScenarioText(file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { file, variants: [], problems: [...e.problems], warnings: [] };
  }
  return validateText(text, file);
}
