// Runs of a result set and how reports group them. A run is one Summary,
// possibly tagged with the sweep parameters that produced it. Runs that share
// a variant and parameter values form a "configuration"; its runs differ only
// in seed. Pure functions: no I/O.
import type { Summary } from '../scenario/summary-types.ts';

/** A sweep parameter value as written in results.jsonl. */
export type ParamValue = string | number | boolean | null;

/** One line of results.jsonl: a run summary, plus sweep parameters if any. */
export type RunResult = Summary & { params?: Record<string, ParamValue> };

/** Runs that differ only in seed: same scenario, variant and parameter values. */
export interface Configuration {
  /** Stable identity: scenario, variant and parameters, JSON-encoded. */
  key: string;
  /** Human label, e.g. `semi-sync · shipInterval=10`. Unique within a result set. */
  label: string;
  scenario: string;
  variant: string;
  params: Record<string, ParamValue>;
  /** Runs in input order (one per seed, normally). */
  runs: RunResult[];
}

/** Parameter paths used by any run, in order of first appearance. */
export function paramPaths(runs: readonly RunResult[]): string[] {
  const seen = new Set<string>();
  for (const r of runs) for (const p of Object.keys(r.params ?? {})) seen.add(p);
  return [...seen];
}

/**
 * Short display names for parameter paths: the last path segment when that is
 * unambiguous among `paths`, the full path otherwise.
 */
export function paramShortNames(paths: readonly string[]): Map<string, string> {
  const last = (p: string): string => p.slice(p.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(last(p), (counts.get(last(p)) ?? 0) + 1);
  return new Map(paths.map((p) => [p, counts.get(last(p)) === 1 ? last(p) : p]));
}

/** A parameter value as text (`null` for a missing value). */
export function formatParamValue(v: ParamValue | undefined): string {
  return v === undefined || v === null ? 'null' : String(v);
}

/**
 * Groups runs into configurations, ordered by first appearance. Labels name
 * the variant, then the parameter values; the scenario name is prepended only
 * when the runs come from more than one scenario.
 */
export function groupConfigurations(runs: readonly RunResult[]): Configuration[] {
  const paths = paramPaths(runs);
  const short = paramShortNames(paths);
  const multiScenario = new Set(runs.map((r) => r.scenario)).size > 1;
  const byKey = new Map<string, Configuration>();
  for (const run of runs) {
    const params = run.params ?? {};
    const key = JSON.stringify([run.scenario, run.variant, paths.map((p) => params[p] ?? null)]);
    let config = byKey.get(key);
    if (config === undefined) {
      const parts = paths
        .filter((p) => p in params)
        .map((p) => `${short.get(p) ?? p}=${formatParamValue(params[p])}`);
      const head = multiScenario ? `${run.scenario}/${run.variant}` : run.variant;
      config = {
        key,
        label: parts.length > 0 ? `${head} · ${parts.join(', ')}` : head,
        scenario: run.scenario,
        variant: run.variant,
        params: { ...params },
        runs: [],
      };
      byKey.set(key, config);
    }
    config.runs.push(run);
  }
  return [...byKey.values()];
}

/** Groups runs by variant only (pooling sweep parameters), ordered by first appearance. */
export function groupVariants(runs: readonly RunResult[]): Configuration[] {
  const multiScenario = new Set(runs.map((r) => r.scenario)).size > 1;
  const byKey = new Map<string, Configuration>();
  for (const run of runs) {
    const key = JSON.stringify([run.scenario, run.variant]);
    let config = byKey.get(key);
    if (config === undefined) {
      const label = multiScenario ? `${run.scenario}/${run.variant}` : run.variant;
      config = { key, label, scenario: run.scenario, variant: run.variant, params: {}, runs: [] };
      byKey.set(key, config);
    }
    config.runs.push(run);
  }
  return [...byKey.values()];
}

/**
 * The run whose replication lag p99 is the median among `runs` (the lower
 * median for an even count; ties broken by the lower seed): a typical run to
 * draw time series for. Throws on an empty list.
 */
export function representativeRun(runs: readonly RunResult[]): RunResult {
  if (runs.length === 0) throw new Error('representativeRun: no runs');
  const sorted = [...runs].sort(
    (a, b) => a.metrics.replication.lagMs.p99 - b.metrics.replication.lagMs.p99 || a.seed - b.seed,
  );
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median === undefined) throw new Error('representativeRun: unreachable');
  return median;
}
