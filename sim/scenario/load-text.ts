// Loading a scenario from its text (no file access: sim/scenario/loader.ts
// reads files and re-exports all of this; the playground bundles this for the
// browser): YAML text → plain object → variant and --set overrides → zod
// schema → cross-field checks → a typed Scenario in model units.
//
//   parse        text → one YAML document, with positions  source.ts
//   guard        refuse __proto__, alias bombs, depth > 64 hostile.ts
//   overrides    variant `set`, then each CLI `--set`      variants.ts, overrides.ts
//   schema       ScenarioSchema; issues in plain words     schema.ts, issues.ts
//                (on failure, salvage the valid fields)    salvage.ts
//   cross-field  validateScenario                          validate.ts
//   locate       field path → file:line:col or `--set`     locator.ts
//     → LoadedScenario, or one InputError listing every problem
//
// Owns the order of those phases and the result: each problem reported as
// `file:line:col: path.to.field: message` (or `--set expr: ...` when an
// override wrote the value), all at once, sorted by position, as one
// InputError. It does not define fields or defaults (schema.ts), cross-field
// rules (validate.ts), the override syntax (overrides.ts) or the wording of a
// problem (issues.ts, wording.ts).
import { InputError } from '../core/errors.ts';
import { Sha256, utf8Length } from '../core/sha256.ts';
import { refuseHostileTree, refuseOversized, toPlainValue } from './hostile.ts';
import { problemsFromIssues } from './issues.ts';
import { Locator, type Origin } from './locator.ts';
import { applySet } from './overrides.ts';
import { isPlainObject, type PathSegment } from './paths.ts';
import { sortLocated, unlocated, type Located, type Problem } from './problems.ts';
import { salvage, touchesRepaired } from './salvage.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';
import { parseYaml, type Source } from './source.ts';
import { validateScenario } from './validate.ts';
import { applyVariant, pickVariant, readVariants, variantNames } from './variants.ts';
import { describeValue } from './wording.ts';

export { MAX_ALIAS_COUNT, MAX_SCENARIO_BYTES } from './hostile.ts';

/** Problems reported per load; the rest are counted. */
const MAX_PROBLEMS = 200;

/** Options for loading a scenario. */
export interface LoadOptions {
  /** `--set path=value` expressions, applied last, in order. */
  sets?: readonly string[];
  /** Variant whose `set` is applied to the base scenario. Omitted (or `base` when no variant has that name): none. */
  variant?: string;
}

/** A loaded, validated scenario. */
export interface LoadedScenario {
  scenario: Scenario;
  /** The file label used in messages (the path as given). */
  file: string;
  /** The applied variant's name; `base` when none. */
  variant: string;
  /** Located warnings (`file:line:col: path: message`); they do not stop the run. */
  warnings: string[];
  /** sha256 (hex) of the source text, the applied variant name and the --set expressions. */
  contentHash: string;
  /** The plain object after overrides, before the schema (defaults, units). */
  raw: unknown;
  /** Formats a problem found later (e.g. the resource budget) as `file:line:col: path: message`, or at the `--set` that wrote the field. */
  locate(p: Problem): string;
}

/** Loads a scenario from text; `fileLabel` names it in messages. Throws InputError listing every problem. */
export function loadScenarioFromText(text: string, fileLabel: string, opts: LoadOptions = {}): LoadedScenario {
  const sets = opts.sets ?? [];
  const source = parseSource(text, fileLabel);
  const problems: Located[] = [];

  // Overrides: the variant's `set`, then each --set, into a copy of the file's value.
  const variants = readVariants(source, problems);
  const working = structuredClone(source.raw);
  const variant = pickVariant(variants, opts.variant, fileLabel);
  const origins: Origin[] = variant ? applyVariant(variant, working, source, problems) : [];
  for (const expr of sets) {
    const r = applySet(working, expr);
    if (r.ok) origins.push({ kind: 'cli', path: r.override.path, expr });
    else problems.push(...r.problems.map(unlocated));
  }

  // Schema, then cross-field checks (on what could be salvaged when the schema failed).
  const locator = new Locator(source, origins);
  const parsed = ScenarioSchema.safeParse(working);
  let partial: Partial<Scenario>;
  let repaired: PathSegment[][] = [];
  if (parsed.success) {
    partial = parsed.data;
  } else {
    problems.push(...problemsFromIssues(parsed.error.issues, working).map((p) => locator.locate(p)));
    ({ partial, repaired } = salvage(working));
  }
  const checked = validateScenario(partial, { written: working });
  problems.push(...checked.errors.filter((p) => !touchesRepaired(p, repaired)).map((p) => locator.locate(p)));
  if (problems.length > 0 || !parsed.success) {
    const lines = sortLocated(problems).map((p) => p.text);
    if (lines.length > MAX_PROBLEMS) lines.splice(MAX_PROBLEMS, Infinity, `${fileLabel}: ${lines.length - MAX_PROBLEMS} more problems not shown`);
    throw new InputError(lines);
  }

  const variantName = variant ? variant.name : 'base';
  const hash = new Sha256().update(text).update(`\0variant=${variantName}`);
  for (const s of sets) hash.update(`\0set=${s}`);
  return {
    scenario: parsed.data,
    file: fileLabel,
    variant: variantName,
    warnings: sortLocated(checked.warnings.map((p) => locator.locate(p))).map((p) => p.text),
    contentHash: hash.hex(),
    raw: working,
    locate: (p) => locator.locate(p).text,
  };
}

/** The names of a scenario text's variants, in file order. Throws InputError if it cannot be parsed. */
export function listVariantsOfText(text: string, label: string): string[] {
  return variantNames(parseSource(text, label));
}

/** What `repsim validate` found in one file. */
export interface FileValidation {
  file: string;
  /** Variant names, in file order. */
  variants: string[];
  /** Located problems; base problems as is, a variant's own prefixed `variant NAME: `. Empty when valid. */
  problems: string[];
  /** Located warnings, prefixed the same way. */
  warnings: string[];
}

/**
 * Loads the base scenario of a scenario text and every variant, collecting all problems and
 * warnings. A problem of the base is reported once, not again per variant.
 */
export function validateText(text: string, file: string): FileValidation {
  const result: FileValidation = { file, variants: [], problems: [], warnings: [] };
  let source: Source;
  try {
    source = parseSource(text, file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    result.problems.push(...e.problems);
    return result;
  }
  result.variants = variantNames(source);
  const base = tryLoad(text, file, undefined);
  result.problems.push(...base.problems);
  result.warnings.push(...base.warnings);
  const seenProblems = new Set(base.problems);
  const seenWarnings = new Set(base.warnings);
  for (const name of new Set(result.variants)) {
    const v = tryLoad(text, file, name);
    result.problems.push(...v.problems.filter((p) => !seenProblems.has(p)).map((p) => `variant ${name}: ${p}`));
    result.warnings.push(...v.warnings.filter((w) => !seenWarnings.has(w)).map((w) => `variant ${name}: ${w}`));
  }
  return result;
}
function tryLoad(text: string, file: string, variant: string | undefined): { problems: string[]; warnings: string[] } {
  try {
    const loaded = loadScenarioFromText(text, file, variant === undefined ? {} : { variant });
    return { problems: [], warnings: loaded.warnings };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { problems: e.problems, warnings: [] };
  }
}

// --- Read, parse, guard ---------------------------------------------------------

/**
 * Parses YAML text into a Source whose value is a mapping, refusing oversized
 * text, syntax errors, several documents, hostile keys, deep nesting and alias
 * bombs, in that order.
 */
export function parseSource(text: string, label: string): Source {
  refuseOversized(utf8Length(text), label);
  const map = parseYaml(text, label);
  const aliases = refuseHostileTree(map);
  const raw = toPlainValue(map, aliases);
  if (!isPlainObject(raw)) {
    throw new InputError(`${map.pos(map.doc.contents).where}: (root): a scenario is a YAML mapping (name:, regions:, network:, ...); found ${describeValue(raw)}`);
  }
  return { ...map, raw };
}
