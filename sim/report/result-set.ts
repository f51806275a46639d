// Reading a result set from disk: `results.jsonl` (one run summary per
// line, sweeps add "params"), or `summary.json` (one run), plus optional
// `scenario.json` describing the scenario. Bad input throws InputError with
// one located line per problem.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { RunResult } from './runs.ts';

/** scenario.json: what a result set was run from. All fields optional on read. */
export interface ScenarioInfo {
  name?: string;
  description?: string;
  /** Path of the scenario file, as given to the command that ran it. */
  file?: string;
  /** Hash of the scenario file's content. */
  contentHash?: string;
  variants?: string[];
  /** Swept parameter paths. */
  params?: string[];
}

/** A result set read from disk. */
export interface ResultSet {
  dir: string;
  /** The file the runs came from. */
  source: string;
  scenario: ScenarioInfo;
  runs: RunResult[];
}

/** Most problems reported for one file before giving up. */
const MAX_PROBLEMS = 10;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Why `value` is not a run summary, or undefined if it is one (checks the keys reports read). */
function notASummary(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  for (const key of ['scenario', 'variant']) if (typeof v[key] !== 'string') return `missing string "${key}"`;
  if (typeof v.seed !== 'number') return 'missing number "seed"';
  if (v.metrics === null || typeof v.metrics !== 'object') return 'missing object "metrics"';
  if (v.params !== undefined && (v.params === null || typeof v.params !== 'object' || Array.isArray(v.params))) {
    return '"params" is not an object';
  }
  return undefined;
}

/**
 * Fills the chart inputs (our additions to the documented summary) with empty
 * values when a summary lacks them, so older or partial summaries still report.
 */
function withChartDefaults(v: Record<string, unknown>): RunResult {
  const series = (v.series ?? {}) as Record<string, unknown>;
  return {
    ...v,
    replayKey: typeof v.replayKey === 'string' ? v.replayKey : '',
    simulatedMs: typeof v.simulatedMs === 'number' ? v.simulatedMs : 0,
    series: { lagMs: {}, staleFraction: [], writesAcked: [], ...series },
    stalenessCdf: Array.isArray(v.stalenessCdf) ? v.stalenessCdf : [],
    timeline: Array.isArray(v.timeline) ? v.timeline : [],
    faults: Array.isArray(v.faults) ? v.faults : [],
    invariantViolations: Array.isArray(v.invariantViolations) ? v.invariantViolations : [],
  } as unknown as RunResult;
}

/** What makes a run one run: its scenario, variant, seed and swept parameters (keys in order). */
function runIdentity(run: RunResult): string {
  const params = run.params ?? {};
  const sorted = Object.keys(params).sort().map((k) => [k, params[k]]);
  return JSON.stringify([run.scenario, run.variant, run.seed, sorted]);
}

function describeRun(run: RunResult): string {
  const params = Object.entries(run.params ?? {}).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('');
  return `run ${run.variant} seed ${run.seed}${params}`;
}

function parseRun(text: string, where: string, problems: string[]): RunResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    problems.push(`${where}: not valid JSON (${(e as Error).message})`);
    return undefined;
  }
  const why = notASummary(value);
  if (why !== undefined) {
    problems.push(`${where}: not a run summary: ${why}`);
    return undefined;
  }
  return withChartDefaults(value as Record<string, unknown>);
}

async function readScenarioInfo(path: string): Promise<ScenarioInfo> {
  if (!(await isFile(path))) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${path}: not a JSON object`);
  const v = value as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const strs = (k: string): string[] | undefined =>
    Array.isArray(v[k]) ? (v[k] as unknown[]).filter((x): x is string => typeof x === 'string') : undefined;
  const info: ScenarioInfo = {};
  for (const k of ['name', 'description', 'file', 'contentHash'] as const) {
    const s = str(k);
    if (s !== undefined) info[k] = s;
  }
  for (const k of ['variants', 'params'] as const) {
    const a = strs(k);
    if (a !== undefined) info[k] = a;
  }
  return info;
}

/** Reads the result set in `dir`. Throws InputError if it is missing, empty or malformed. */
export async function readResultSet(dir: string): Promise<ResultSet> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new InputError(`${dir}: no such results directory`);
  }
  if (!isDir) throw new InputError(`${dir}: not a directory (expected a results directory)`);
  const jsonl = join(dir, 'results.jsonl');
  const single = join(dir, 'summary.json');
  const problems: string[] = [];
  const runs: RunResult[] = [];
  let source: string;
  if (await isFile(jsonl)) {
    source = jsonl;
    const lines = (await readFile(jsonl, 'utf8')).split('\n');
    const seen = new Map<string, number>();
    lines.forEach((line, i) => {
      if (line.trim() === '' || problems.length >= MAX_PROBLEMS) return;
      const where = `${jsonl}:${i + 1}`;
      const run = parseRun(line, where, problems);
      if (run === undefined) return;
      // A run counted twice (a file appended to itself, shards joined with cat) would narrow every
      // interval as if it were another seed, so it is refused, as merge refuses it.
      const key = runIdentity(run);
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`${where}: ${describeRun(run)} appears twice (also line ${first}); join sweep shards with repsim merge, not by appending files`);
        return;
      }
      seen.set(key, i + 1);
      runs.push(run);
    });
  } else if (await isFile(single)) {
    source = single;
    const run = parseRun(await readFile(single, 'utf8'), single, problems);
    if (run !== undefined) runs.push(run);
  } else {
    throw new InputError(`${dir}: no results.jsonl or summary.json in this directory`);
  }
  if (problems.length > 0) throw new InputError(problems);
  if (runs.length === 0) throw new InputError(`${source}: no results`);
  return { dir, source, scenario: await readScenarioInfo(join(dir, 'scenario.json')), runs };
}
