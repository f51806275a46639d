// Shared paths and helpers for the scenario tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../sim/core/errors.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = path.resolve(here, '../..');
/** The example scenario scenario, as the project keeps it. */
export const specExample = path.resolve(here, '../../scenarios/primary-region-partition.yaml');

/** Absolute path of a fixture under test/fixtures/scenarios/. */
export function fixture(name: string): string {
  return path.join(repoRoot, 'test/fixtures/scenarios', name);
}

/** Runs `fn`, expects an InputError, returns its problem lines. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}
