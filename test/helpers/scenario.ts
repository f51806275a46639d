// Building scenarios in code for whole-model tests.
//
// A test writes only what its story needs as a plain object; `base()` fills
// in a quiet two-region world (tiny RTT, no jitter, huge bandwidth, no
// reads, no faults, no failover) and `merge` overlays the test's fields.
// The object goes through the real loader (YAML text → overrides → schema),
// so tests exercise the same path as `repsim run`, and `replayCommand`
// prints the CLI line that reproduces a failing run.
import { stringify } from 'yaml';
import { loadScenarioFromText, type LoadedScenario } from '../../sim/scenario/loader.ts';
import { simulate } from '../../sim/run.ts';
import type { Summary } from '../../sim/scenario/summary-types.ts';
import type { HistoryRecord, TraceEvent } from '../../sim/measure/history.ts';

/** A scenario as a plain object (the YAML's shape, with unit strings). */
export type Spec = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge: objects merge key by key; arrays, scalars and distribution
 * objects (`{dist: ...}`) in `over` replace what `base` had.
 */
export function merge(base: Spec, over: Spec): Spec {
  const out: Spec = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) && !('dist' in v) ? merge(b, v) : v;
  }
  return out;
}

/**
 * Two regions, A (primary) and B, 2 ms apart, no jitter, 10 TB/s links,
 * every commit shipped at once, a single table, no faults, no failover
 * controller and no client load (each test says which regions' clients
 * write). Overlay what a test needs with `merge`.
 */
export function base(name = 'test'): Spec {
  return {
    name,
    seed: 1,
    duration: '60s',
    regions: [{ id: 'A' }, { id: 'B' }],
    network: { rtt: { A: { B: '2ms' } }, jitter: 0, bandwidth: '10TB/s', intraRegionRtt: '1ms' },
    topology: {
      kind: 'single-primary',
      primary: 'A',
      replication: { mode: 'async', shipInterval: '0ms', applyTime: { dist: 'constant', value: '50us' } },
      reads: { routing: 'local' },
    },
    failover: { mode: 'none' },
    workload: {
      arrivals: 'poisson',
      keys: { count: 1000, distribution: 'uniform' },
      tables: [{ name: 'data', share: 1, rowBytes: 100 }],
      // No load by default: each test says which regions' clients write.
      regions: {},
    },
  };
}

/** The YAML text of a spec (what `repsim run` would read). */
export function yamlOf(spec: Spec): string {
  return stringify(spec);
}

/** Loads a spec through the real loader. */
export function load(spec: Spec, opts: { variant?: string; sets?: string[] } = {}): LoadedScenario {
  return loadScenarioFromText(yamlOf(spec), `${String(spec['name'])}.yaml`, opts);
}

export interface RunResult {
  summary: Summary;
  trace: TraceEvent[];
  history: HistoryRecord[];
}

/**
 * Runs a spec under `seed`. Collects the trace and, when asked (it costs
 * memory), the operation history.
 */
export function run(spec: Spec, opts: { seed?: number; variant?: string; sets?: string[]; history?: boolean } = {}): RunResult {
  const loaded = load(spec, { ...(opts.variant !== undefined ? { variant: opts.variant } : {}), sets: opts.sets ?? [] });
  const trace: TraceEvent[] = [];
  const history: HistoryRecord[] = [];
  const summary = simulate(loaded.scenario, {
    seed: opts.seed ?? loaded.scenario.seed,
    variant: loaded.variant,
    contentHash: loaded.contentHash,
    trace: { write: (e) => trace.push(e) },
    history: opts.history ? { write: (r) => history.push(r) } : undefined,
  });
  return { summary, trace, history };
}

/** The shell line that replays a run (for failure messages): write the YAML to a file first. */
export function replayCommand(spec: Spec, seed: number, sets: string[] = []): string {
  const s = sets.map((x) => ` --set '${x}'`).join('');
  return `printf '%s' '${yamlOf(spec).replace(/'/g, "'\\''")}' > /tmp/${String(spec['name'])}.yaml && node bin/repsim.js run /tmp/${String(spec['name'])}.yaml --seed ${seed}${s} --json`;
}

/** The per-second lag series of channel `a->b`, as [second, ms] pairs. */
export function lagSeries(summary: Summary, channel: string): Array<{ s: number; ms: number }> {
  const pts = summary.series.lagMs[channel];
  if (!pts) throw new Error(`no lag series for ${channel}; have ${Object.keys(summary.series.lagMs).join(', ')}`);
  return pts.map((p) => ({ s: p.tMs / 1000, ms: p.value }));
}
