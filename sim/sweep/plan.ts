// Planning a batch of runs before any starts: resolve the variants, the seeds
// and the swept values, and validate each (variant, values) combination by
// loading the scenario with it, so a bad value is one InputError up front,
// not a failure an hour into a sweep; then judge the whole batch against the
// machine (budget.ts: the heaviest run, runs at once, total time, result
// lines kept) before any item of the grid exists. Items are generated lazily.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { listVariants, loadScenario } from '../scenario/loader.ts';
import { gridFingerprint, gridItems, gridSize, seedRange, type GridItem, type GridSpec, type SweepParam } from './grid.ts';
import { estimateRun, type RunEstimate } from '../scenario/budget.ts';
import { checkBudget } from '../scenario/machine.ts';
import type { ScenarioJson } from './store.ts';

/** Combinations checked one by one before a sweep; beyond this, each value is checked alone. */
const MAX_COMBINATIONS_CHECKED = 256;

export interface PlanOptions {
  scenario: string;
  params: SweepParam[];
  /** Variant names asked for; undefined: all of the scenario's (or `base` when it has none). */
  variants?: string[] | undefined;
  seeds: number;
  /** First seed; default: the scenario's `seed`. */
  firstSeed?: number | undefined;
  /** `--set` expressions applied to every run. */
  sets?: string[] | undefined;
  /** Runs at once (--workers) and this process's share of the grid (--shard i/n), for the budget. Default 1 and 1. */
  workers?: number | undefined;
  shardCount?: number | undefined;
}

export interface Plan {
  spec: GridSpec;
  fingerprint: string;
  /** The grid's items in grid order, generated on each iteration. */
  items: Iterable<GridItem>;
  /** Number of items in the grid. */
  size: number;
  info: ScenarioJson;
  /** Budget warnings (long work), for stderr. */
  warnings: string[];
}

/** Resolves and validates a grid. Throws InputError for an unknown variant or a value the scenario rejects. */
export function planGrid(o: PlanOptions): Plan {
  const declared = listVariants(o.scenario);
  let variants: string[];
  if (o.variants === undefined || o.variants.length === 0) variants = declared.length > 0 ? [...new Set(declared)] : ['base'];
  else {
    const known = new Set([...declared, 'base']);
    const unknown = o.variants.filter((v) => !known.has(v));
    if (unknown.length > 0) {
      const list = declared.length > 0 ? declared.join(', ') : '(none; use base)';
      throw new InputError(`${o.scenario}: unknown variant${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; variants are ${list}`);
    }
    variants = [...new Set(o.variants)];
  }
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new InputError(`--seeds: expected a positive integer, got ${String(o.seeds)}`);
  if (o.firstSeed !== undefined && (!Number.isInteger(o.firstSeed) || o.firstSeed < 0)) throw new InputError(`--seed: expected a non-negative integer, got ${String(o.firstSeed)}`);

  const fixed = o.sets ?? [];
  const base = loadScenario(o.scenario, { sets: fixed });
  const estimates = variants.flatMap((v) => validate(o.scenario, v, o.params, fixed));
  const size = o.params.reduce((n, p) => n * p.values.length, 1) * variants.length * o.seeds;
  const runs = Math.ceil(size / (o.shardCount ?? 1));
  const heaviest = estimates.reduce((a, e) => (e.heapBytes + e.offHeapBytes > a.heapBytes + a.offHeapBytes ? e : a));
  const meanEvents = estimates.reduce((a, e) => a + e.events, 0) / estimates.length;
  const warnings = checkBudget(base, { runs, concurrent: o.workers ?? 1, keepsResults: true, runsField: { name: '--seeds', value: o.seeds } }, heaviest, meanEvents * runs);
  const text = readFileSync(o.scenario);
  const spec: GridSpec = {
    scenarioHash: createHash('sha256').update(text).digest('hex'),
    params: o.params,
    variants,
    seeds: seedRange(o.firstSeed ?? base.scenario.seed, o.seeds),
    ...(fixed.length > 0 ? { sets: fixed } : {}),
  };
  const fingerprint = gridFingerprint(spec);
  const info: ScenarioJson = {
    name: base.scenario.name,
    ...(base.scenario.description !== undefined ? { description: base.scenario.description } : {}),
    file: o.scenario,
    contentHash: spec.scenarioHash,
    variants,
    params: o.params.map((p) => p.path),
    grid: { fingerprint, size: gridSize(spec), seeds: spec.seeds, variants, params: o.params, ...(fixed.length > 0 ? { sets: fixed } : {}) },
  };
  return { spec, fingerprint, items: { [Symbol.iterator]: () => gridItems(spec) }, size: gridSize(spec), info, warnings };
}

/** Loads the scenario with every combination of values (or each value alone when there are too many); returns each one's run estimate. */
function validate(file: string, variant: string, params: readonly SweepParam[], fixed: readonly string[]): RunEstimate[] {
  const combos = params.reduce((n, p) => n * p.texts.length, 1);
  const setLists: string[][] = [];
  if (combos <= MAX_COMBINATIONS_CHECKED) {
    let lists: string[][] = [[]];
    for (const p of params) lists = lists.flatMap((l) => p.texts.map((t) => [...l, `${p.path}=${t}`]));
    setLists.push(...lists);
  } else {
    for (const p of params) for (const t of p.texts) setLists.push([`${p.path}=${t}`]);
  }
  const estimates: RunEstimate[] = [];
  for (const sets of setLists) {
    try {
      estimates.push(estimateRun(loadScenario(file, { sets: [...fixed, ...sets], ...(variant === 'base' ? {} : { variant }) }).scenario));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const prefix = variant === 'base' ? '' : `variant ${variant}: `;
      throw new InputError(e.problems.map((p) => `${prefix}${p}`));
    }
  }
  return estimates;
}
