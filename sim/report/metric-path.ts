// Addressing a number of a run by a path string, for generic charts and
// tables: `metrics.writes.latencyMs.p99` (a Summary path; the `metrics.`
// prefix may be left out), `params.<sweep path>` or a bare sweep path
// (`topology.replication.shipInterval`), or `variant` / `seed` / `scenario`.
// Also the axis title for a path, with its unit. Pure functions.
import type { ParamValue, RunResult } from './runs.ts';

/** Where a path points. */
export type PathKind = 'param' | 'metric' | 'field';

/** Which kind of value `path` names for these runs (sweep paths win over Summary paths). */
export function pathKind(path: string, runs: readonly RunResult[]): PathKind {
  if (path === 'variant' || path === 'seed' || path === 'scenario' || path === 'topology') return 'field';
  if (path.startsWith('params.')) return 'param';
  if (runs.some((r) => r.params !== undefined && path in r.params)) return 'param';
  return 'metric';
}

/** The sweep parameter path named by `path` (strips a leading `params.`). */
export function paramKey(path: string): string {
  return path.startsWith('params.') ? path.slice('params.'.length) : path;
}

/**
 * The value `path` names in `run`: a parameter value, a top-level field, or
 * the number at a Summary path. Undefined when the run has no such value.
 */
export function valueAt(run: RunResult, path: string, kind: PathKind = pathKind(path, [run])): ParamValue | undefined {
  if (kind === 'field') return (run as unknown as Record<string, ParamValue>)[path];
  if (kind === 'param') return run.params?.[paramKey(path)];
  return numberAt(run, path);
}

/** The number at a Summary path (`metrics.` optional); undefined if absent or not a finite number. */
export function numberAt(run: RunResult, path: string): number | undefined {
  const direct = walk(run, path);
  const v = direct !== undefined ? direct : path.startsWith('metrics.') ? undefined : walk(run, `metrics.${path}`);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function walk(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const seg of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** Axis titles of well-known metric paths (after the `metrics.` prefix). */
const KNOWN_LABELS: Record<string, string> = {
  'reads.stalenessMs.p99': 'Read staleness p99 (ms)',
  'reads.stalenessMs.p95': 'Read staleness p95 (ms)',
  'reads.stalenessMs.p50': 'Read staleness p50 (ms)',
  'reads.stalenessMs.mean': 'Read staleness, mean (ms)',
  'reads.stalenessMs.max': 'Read staleness, max (ms)',
  'reads.staleFraction': 'Stale reads (fraction of reads)',
  'reads.rywViolations': 'Read-your-writes violations (count)',
  'reads.monotonicViolations': 'Monotonic-read violations (count)',
  'reads.latencyMs.p50': 'Read latency p50 (ms)',
  'reads.latencyMs.p99': 'Read latency p99 (ms)',
  'writes.latencyMs.p50': 'Write latency p50 (ms)',
  'writes.latencyMs.p95': 'Write latency p95 (ms)',
  'writes.latencyMs.p99': 'Write latency p99 (ms)',
  'writes.latencyMs.mean': 'Write latency, mean (ms)',
  'writes.acked': 'Acknowledged writes (count)',
  'writes.failed': 'Failed writes (count)',
  'replication.lagMs.p99': 'Replication lag p99 (ms)',
  'replication.lagMs.p50': 'Replication lag p50 (ms)',
  'replication.lagMs.max': 'Replication lag, max (ms)',
  'rpo.lostAckedWrites': 'Lost acknowledged writes (RPO, count)',
  'rpo.lostBytes': 'Lost bytes (RPO, bytes)',
  'rpo.lossWindowMs': 'Loss window (RPO, ms)',
  'rto.maxMs': 'RTO, worst failover (ms)',
  'splitBrain.occurrences': 'Split-brain occurrences (count)',
  'splitBrain.durationMs': 'Split-brain duration (ms)',
  'splitBrain.divergentWrites': 'Divergent writes (count)',
  'conflicts.total': 'Conflicts (count)',
  'conflicts.lostUpdates': 'Lost updates (count)',
  'availability.writes': 'Write availability (fraction)',
  'availability.reads': 'Read availability (fraction)',
  failoversRefused: 'Refused failovers (count)',
  'traffic.crossRegionBytes': 'Cross-region traffic (bytes)',
  'traffic.crossRegionBytesPerSecond': 'Cross-region traffic (bytes/s)',
  'traffic.intraRegionBytes': 'Traffic inside regions (bytes)',
  'cost.perMonth': 'Cost per 30 days (transfer and hosts)',
  'cost.transferPerMonth': 'Transfer cost per 30 days',
  'cost.nodesPerMonth': 'Host cost per 30 days',
  'cost.run': 'Cost of the run',
};

/**
 * Scenario fields that are durations: a number given for one of them is in
 * milliseconds (docs/scenario-format.md), so a numeric sweep over them is labelled "(ms)".
 */
const DURATION_FIELDS = new Set([
  'duration', 'warmup', 'shipInterval', 'heartbeatInterval', 'detectionTimeout', 'maxDataLoss', 'stonithDelay',
  'leaseDuration', 'dnsTtl', 'lagWarning', 'lagCritical', 'intraRegionRtt', 'ttl', 'delay', 'for', 'at',
]);

/**
 * An axis title for `path`, naming its unit (derived from the name's unit
 * suffix when not known). For a sweep parameter, pass `numeric` when its
 * values are plain numbers: a duration field then gets "(ms)".
 */
export function pathLabel(path: string, kind: PathKind = 'metric', numeric = false): string {
  if (kind === 'field') return path.charAt(0).toUpperCase() + path.slice(1);
  if (kind === 'param') {
    const key = paramKey(path);
    return numeric && DURATION_FIELDS.has(key.slice(key.lastIndexOf('.') + 1)) ? `${key} (ms)` : key;
  }
  const bare = path.startsWith('metrics.') ? path.slice('metrics.'.length) : path;
  const known = KNOWN_LABELS[bare];
  if (known !== undefined) return known;
  const unit = /Ms(\.|$)/.test(bare) ? ' (ms)' : /Bytes(\.|$)/.test(bare) ? ' (bytes)' : '';
  return `${bare}${unit}`;
}
