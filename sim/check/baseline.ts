// Golden baselines for `repsim check`: what a run's summary is stored as and
// how a new summary is compared with it. Pure except for the two small
// file helpers at the end (read, atomic write), which the CLI calls.
//
// Layout: <scenario dir>/baselines/<scenario>/<variant>/seed-<n>.json, where
// <scenario> is the scenario file's name without .yaml. Only `metrics` and
// `events` are stored: they are what the model computes; the rest (series,
// timeline, replayKey) is presentation or changes with every version.
//
// Comparison: runs are deterministic, so on the same code a summary matches
// its baseline exactly. Counts (COUNT_PATHS), strings and list lengths
// compare exactly. Floating metrics (FLOAT_PATHS) compare with a relative
// tolerance of 1e-9 (|a−b| ≤ 1e-9·max(|a|,|b|)), which only absorbs float
// printing and parsing; any real model change is far larger. A numeric
// path in neither list compares exactly (and a test keeps the lists
// complete). A key present on one side only is a difference.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../output/files.ts';
import type { Summary } from '../scenario/summary-types.ts';

/** What a baseline file holds. */
export interface Baseline {
  events: number;
  metrics: Summary['metrics'];
}

/** Relative tolerance for FLOAT_PATHS. */
export const FLOAT_RELATIVE_TOLERANCE = 1e-9;

/**
 * Integer counts, compared exactly. `*` matches a list index or a map key
 * (region id). Paths are relative to the baseline (so `metrics.` prefixed).
 */
export const COUNT_PATHS: readonly string[] = [
  'events',
  'metrics.reads.total', 'metrics.reads.stale', 'metrics.reads.rywViolations', 'metrics.reads.monotonicViolations', 'metrics.reads.failed',
  'metrics.reads.versionsBehind.max',
  'metrics.writes.total', 'metrics.writes.acked', 'metrics.writes.failed',
  'metrics.replication.alerts.warning', 'metrics.replication.alerts.critical', 'metrics.replication.channels.*.applied',
  'metrics.rpo.lostAckedWrites', 'metrics.rpo.lostBytes',
  'metrics.splitBrain.occurrences', 'metrics.splitBrain.divergentWrites',
  'metrics.conflicts.total', 'metrics.conflicts.lostUpdates',
  'metrics.failovers.*.lostAckedWrites', 'metrics.failovers.*.lostBytes', 'metrics.failovers.*.epoch',
  'metrics.failoversRefused',
  'metrics.reads.visibility.points.*.reads', 'metrics.reads.kStaleness.*.k',
  'metrics.traffic.links.*.replicationBytes', 'metrics.traffic.links.*.clientBytes', 'metrics.traffic.links.*.controlBytes',
  'metrics.traffic.crossRegionBytes', 'metrics.traffic.intraRegionBytes',
];

/** Floating-point metrics (times in ms, fractions, means), compared with FLOAT_RELATIVE_TOLERANCE. */
export const FLOAT_PATHS: readonly string[] = [
  'metrics.reads.staleFraction',
  ...pct('metrics.reads.stalenessMs'), ...pct('metrics.reads.latencyMs'), 'metrics.reads.versionsBehind.mean',
  ...pct('metrics.writes.latencyMs'),
  ...pct('metrics.replication.lagMs'), ...pct('metrics.replication.channels.*.lagMs'),
  'metrics.rpo.lossWindowMs',
  'metrics.rto.maxMs', 'metrics.rto.writeUnavailableMs.*', 'metrics.reads.unavailableMs.*',
  'metrics.splitBrain.durationMs',
  'metrics.availability.writes', 'metrics.availability.reads',
  'metrics.failovers.*.startedAtMs', 'metrics.failovers.*.completedAtMs', 'metrics.failovers.*.rtoMs', 'metrics.failovers.*.faultAtMs',
  'metrics.reads.visibility.points.*.tMs', 'metrics.reads.visibility.points.*.p', 'metrics.reads.visibility.t99Ms', 'metrics.reads.visibility.t999Ms',
  'metrics.reads.kStaleness.*.p',
  'metrics.traffic.crossRegionBytesPerSecond',
  'metrics.cost.run', 'metrics.cost.perMonth', 'metrics.cost.transferPerMonth', 'metrics.cost.nodesPerMonth',
];

function pct(base: string): string[] {
  return ['mean', 'p50', 'p95', 'p99', 'max'].map((k) => `${base}.${k}`);
}

/** How a numeric leaf is compared. */
export function numericKind(path: string): 'count' | 'float' | 'unlisted' {
  const generic = path.split('.').map((s, i, all) => (isWildcardSlot(all, i) ? '*' : s)).join('.');
  if (COUNT_PATHS.includes(path) || COUNT_PATHS.includes(generic)) return 'count';
  if (FLOAT_PATHS.includes(path) || FLOAT_PATHS.includes(generic)) return 'float';
  return 'unlisted';
}

/** Index segments of lists and region keys of rto.writeUnavailableMs and reads.unavailableMs match `*`. */
function isWildcardSlot(segs: string[], i: number): boolean {
  const s = segs[i] as string;
  if (/^\d+$/.test(s)) return true;
  return i === 3 && ((segs[1] === 'rto' && segs[2] === 'writeUnavailableMs') || (segs[1] === 'reads' && segs[2] === 'unavailableMs'));
}

/** One difference between a baseline and a new run. */
export interface Difference {
  /** Dotted path, e.g. `metrics.rpo.lostAckedWrites`. */
  path: string;
  baseline: unknown;
  now: unknown;
}

/** The baseline record of a summary. */
export function baselineOf(s: Summary): Baseline {
  return { events: s.events, metrics: s.metrics };
}

/** Every difference between a stored baseline and a new one, in key order. */
export function compareBaseline(stored: unknown, now: Baseline): Difference[] {
  const out: Difference[] = [];
  walk(stored, now, '', out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: Difference[]): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!numbersMatch(a, b, numericKind(path))) out.push({ path, baseline: a, now: b });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push({ path: `${path}.length`, baseline: a.length, now: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}.${i}`, out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) {
      const p = path === '' ? k : `${path}.${k}`;
      if (!(k in a)) out.push({ path: p, baseline: '(absent)', now: b[k] });
      else if (!(k in b)) out.push({ path: p, baseline: a[k], now: '(absent)' });
      else walk(a[k], b[k], p, out);
    }
    return;
  }
  if (a !== b) out.push({ path, baseline: a, now: b });
}

export function numbersMatch(a: number, b: number, kind: 'count' | 'float' | 'unlisted'): boolean {
  if (a === b) return true;
  if (kind !== 'float') return false;
  return Math.abs(a - b) <= FLOAT_RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// --- files ------------------------------------------------------------------

/** The scenario's short name: its file name without the extension. */
export function scenarioKey(file: string): string {
  return basename(file, extname(file));
}

/** Where the baseline of (scenario file, variant, seed) lives. `root` defaults to `<scenario dir>/baselines`. */
export function baselinePath(file: string, variant: string, seed: number, root?: string): string {
  return join(root ?? join(dirname(file), 'baselines'), scenarioKey(file), variant, `seed-${seed}.json`);
}

/** The stored baseline, or undefined when there is none. Throws on unreadable JSON (the caller reports it). */
export function readBaseline(path: string): unknown {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Writes a baseline atomically (stable key order, 2-space JSON). */
export function writeBaseline(path: string, b: Baseline): void {
  writeFileAtomic(path, JSON.stringify(b, null, 2) + '\n');
}
