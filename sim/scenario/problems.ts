// A problem in a scenario, in its two forms: by field path (as the schema and
// the cross-field checks find it) and located (formatted as
// `file:line:col: path: message`, with its position for sorting). Owns those
// two types and their ordering. It does not decide where a path points in the
// source (locator.ts) or word the messages (issues.ts, validate.ts).
import type { PathSegment } from './paths.ts';

/** A problem found in a scenario, by field path (not yet located in the source). */
export interface Problem {
  /** Field path, e.g. ['faults', 0, 'partition', 'isolate']. */
  path: PathSegment[];
  message: string;
  /**
   * Where to point in the source: the value (default), the mapping key
   * (`key`: unknown or misplaced keys) or the enclosing mapping (`parent`:
   * a missing field).
   */
  anchor?: 'key' | 'parent';
}

/** A formatted problem with its position, for sorting (line Infinity: not in the file). */
export interface Located {
  line: number;
  col: number;
  text: string;
}

/** A formatted problem with no place in the file (e.g. from a `--set`); sorts last. */
export function unlocated(text: string): Located {
  return { line: Infinity, col: 0, text };
}

/** A copy of `list` in source order: by line, then column; unlocated ones last, in their given order. */
export function sortLocated(list: readonly Located[]): Located[] {
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** What validation found: errors make a scenario invalid, warnings do not. */
export interface ValidationResult {
  errors: Problem[];
  warnings: Problem[];
}
