// Salvaging an invalid scenario for the cross-field checks: when the schema
// rejects the whole, parse each top-level field on its own (dropping invalid
// values so defaults stand in), so that one bad field does not hide the
// cross-field problems of the others. Owns which cross-field problems to drop
// as artefacts of that repair. It does not report the schema's own problems
// (issues.ts) or define the checks (validate.ts).
import type { z } from 'zod';
import { isPlainObject, isPrefix, showPath, toSegment, valueAt, type PathSegment } from './paths.ts';
import type { Problem } from './problems.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';

/** Rounds of removing invalid values per top-level field before giving up on it. */
const MAX_REPAIR_ROUNDS = 4;

/** What could still be parsed of an invalid scenario, and which values were dropped to get there. */
export interface Salvaged {
  partial: Partial<Scenario>;
  /** Paths of invalid values removed (so defaults stood in) before a field parsed. */
  repaired: PathSegment[][];
}

/**
 * Parses each top-level field on its own so cross-field checks can still run
 * on the fields that are valid. A field that fails is retried with its
 * invalid values removed (defaults stand in), a few rounds at most; list items
 * are never removed, so paths stay true. `working` is not touched.
 */
export function salvage(working: unknown): Salvaged {
  const out: Salvaged = { partial: {}, repaired: [] };
  if (!isPlainObject(working)) return out;
  const partial: Record<string, unknown> = {};
  const shape = ScenarioSchema.shape as Record<string, z.ZodType>;
  for (const [key, schema] of Object.entries(shape)) {
    const value: unknown = structuredClone(working[key]);
    const removed: PathSegment[][] = [];
    for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
      const r = schema.safeParse(value);
      if (r.success) {
        partial[key] = r.data;
        out.repaired.push(...removed);
        break;
      }
      let progressed = false;
      for (const issue of r.error.issues) {
        const at = issue.path.map(toSegment);
        const targets = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...at, k]) : [at];
        for (const t of targets) {
          if (removeAt(value, t)) {
            progressed = true;
            removed.push([key, ...t]);
          }
        }
      }
      if (!progressed) break;
    }
  }
  out.partial = partial as Partial<Scenario>;
  return out;
}

/** Deletes a mapping entry at `path` inside `root`; false when there is none (or it is a list item). */
function removeAt(root: unknown, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  const last = String(path[path.length - 1]);
  if (!parent.found || !isPlainObject(parent.value) || !Object.hasOwn(parent.value, last)) return false;
  delete parent.value[last];
  return true;
}

/**
 * True when a cross-field problem may only exist because a value was removed
 * during salvage: its path and a removed path are nested, or are siblings.
 */
export function touchesRepaired(p: Problem, repaired: readonly PathSegment[][]): boolean {
  const parentOf = (x: readonly PathSegment[]): string => showPath(x.slice(0, -1));
  return repaired.some((r) => isPrefix(r, p.path) || isPrefix(p.path, r) || parentOf(r) === parentOf(p.path));
}
