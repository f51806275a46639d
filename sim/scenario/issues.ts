// Turning zod's issues into plain problems an author can act on: "required
// field is missing", "expected a number, got "abc"", "unknown field (did you
// mean ...)", and for a union (e.g. a distribution) the alternative the author
// most likely meant. Problems keep their field paths; locator.ts places them
// in the source. It does not define the schema (schema.ts) or check rules
// across fields (validate.ts).
import type { z } from 'zod';
import { schemaFormsAt, schemaKeysAt } from './overrides.ts';
import { isPlainObject, showPath, toSegment, valueAt, type PathSegment } from './paths.ts';
import type { Problem } from './problems.ts';
import { closest, describeValue, didYouMean, orList } from './wording.ts';

/** One zod issue. */
export type Issue = z.core.$ZodIssue;

/**
 * The problems behind a failed ScenarioSchema parse of `raw` (the plain
 * object that was parsed), in issue order, each path/message pair once.
 */
export function problemsFromIssues(issues: readonly Issue[], raw: unknown): Problem[] {
  const found: Problem[] = [];
  for (const issue of issues) translateIssue(issue, [], raw, found);
  return dedupe(found);
}

/** Turns one zod issue into plain-language problems (a union issue may give several). */
function translateIssue(issue: Issue, base: readonly PathSegment[], raw: unknown, out: Problem[]): void {
  const path = [...base, ...issue.path.map(toSegment)];
  const { found, value } = valueAt(raw, path);
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && !found && path.length > 0) {
    out.push({ path, message: 'required field is missing', anchor: 'parent' });
    return;
  }
  switch (issue.code) {
    case 'invalid_type':
      out.push({ path, message: typeMessage(issue.expected, value) });
      return;
    case 'invalid_union': {
      const branch = pickBranch(issue.errors, path, raw);
      const tag = branch ? undefined : discriminatorMismatch(issue.errors, value);
      if (branch) for (const i of branch) translateIssue(i, path, raw, out);
      else if (tag) out.push({ path: [...path, tag.key], message: tag.message });
      else out.push({ path, message: `expected ${orList(schemaFormsAt(path))}; got ${describeValue(value)}` });
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      if (values.length === 1) {
        out.push({ path, message: `expected ${JSON.stringify(issue.values[0])}, got ${describeValue(value)}` });
        return;
      }
      if (value === null) {
        out.push({ path, message: `is empty; expected one of ${values.join(', ')}` });
        return;
      }
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      out.push({ path, message: `${describeValue(value)} is not one of ${values.join(', ')}${hint}` });
      return;
    }
    case 'unrecognized_keys': {
      const present = isPlainObject(value) ? Object.keys(value) : [];
      const allowed = schemaKeysAt(path).filter((k) => !present.includes(k));
      for (const k of issue.keys) out.push({ path: [...path, k], message: `unknown field${didYouMean(k, allowed)}`, anchor: 'key' });
      return;
    }
    case 'too_small':
    case 'too_big': {
      out.push({ path, message: rangeMessage(issue, value) });
      return;
    }
    default:
      out.push({ path, message: issue.message });
  }
}

function typeMessage(expected: string, value: unknown): string {
  if (expected === 'int') return `must be a whole number (got ${describeValue(value)})`;
  if (expected === 'number' && typeof value === 'number') return `must be a finite number (got ${describeValue(value)})`;
  const nouns: Record<string, string> = {
    string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', tuple: 'a list', object: 'a mapping', record: 'a mapping',
  };
  return `expected ${nouns[expected] ?? expected}, got ${describeValue(value)}`;
}

function rangeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = String(small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
    case 'set': {
      const n = Array.isArray(value) ? value.length : 0;
      return small ? `needs at least ${limit} item${limit === '1' ? '' : 's'} (has ${n})` : `has ${n} items; at most ${limit} allowed`;
    }
    case 'string':
      return small ? `must be at least ${limit} characters` : `must be at most ${limit} characters`;
    default: {
      const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return `must be ${op} ${limit} (got ${describeValue(value)})`;
    }
  }
}

/**
 * Picks the union alternative the author most likely meant: the one with the
 * fewest structural mismatches (wrong type, wrong `dist:` literal, missing or
 * unknown keys). Undefined when no alternative stands out.
 */
function pickBranch(branches: Issue[][], path: readonly PathSegment[], raw: unknown): Issue[] | undefined {
  let best: Issue[] | undefined;
  let bestScore = Infinity;
  let tie = false;
  for (const branch of branches) {
    let score = 0;
    const missing: string[] = [];
    const unknown: string[] = [];
    for (const i of branch) {
      const full = [...path, ...i.path.map(toSegment)];
      if (i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union')) score += 10;
      else if (i.code === 'invalid_value' && i.values.length === 1) score += 10;
      else if ((i.code === 'invalid_type' || i.code === 'invalid_union') && !valueAt(raw, full).found) {
        score += 1;
        missing.push(String(full[full.length - 1]));
      } else if (i.code === 'unrecognized_keys') {
        score += i.keys.length;
        unknown.push(...i.keys);
      } else score += 0.5;
    }
    if (unknown.some((k) => closest(k, missing) !== undefined)) score -= 0.5; // a typo of a field this form needs
    if (score < bestScore) {
      best = branch;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  return tie || bestScore >= 10 ? undefined : best;
}

/**
 * When every mapping alternative of a union failed on the same literal key
 * (e.g. `dist:`), the value of that key is the problem: name the allowed ones.
 */
function discriminatorMismatch(branches: Issue[][], value: unknown): { key: string; message: string } | undefined {
  if (!isPlainObject(value)) return undefined;
  let key: string | undefined;
  const allowed: string[] = [];
  for (const branch of branches) {
    if (branch.some((i) => i.path.length === 0 && i.code === 'invalid_type')) continue; // a scalar alternative
    const lit = branch.find((i) => i.code === 'invalid_value' && i.values.length === 1 && i.path.length === 1);
    if (!lit || lit.code !== 'invalid_value') return undefined;
    const k = String(lit.path[0]);
    if (key !== undefined && key !== k) return undefined;
    key = k;
    allowed.push(String(lit.values[0]));
  }
  if (key === undefined || !Object.hasOwn(value, key)) return undefined;
  const got = value[key];
  const hint = typeof got === 'string' ? didYouMean(got, allowed) : '';
  return { key, message: `${describeValue(got)} is not one of ${allowed.join(', ')}${hint}` };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${showPath(p.path)}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
