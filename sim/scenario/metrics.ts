// The metric paths an `expect:` block may name, known before any run: the
// shape of a summary's `metrics` (docs/metrics.md), written out once and held to the
// Summary type by the compiler (a metric added to or removed from the type
// without this shape is a type error), so `repsim validate` can refuse a
// misspelt metric at its file:line:col instead of `check` failing at run time.
import type { Summary } from './summary-types.ts';

/** A value's shape: a leaf kind, a list of one shape, or a record with any keys. */
type Shape<T> = T extends number
  ? 'number'
  : T extends boolean
    ? 'boolean'
    : T extends string
      ? 'string'
      : T extends ReadonlyArray<infer U>
        ? readonly [Shape<U>]
        : T extends object
          ? string extends keyof T
            ? { readonly '*': Shape<T[string & keyof T]> }
            : { readonly [K in keyof T]-?: Shape<T[K]> }
          : never;

const P = { mean: 'number', p50: 'number', p95: 'number', p99: 'number', max: 'number' } as const;

const METRICS: Shape<Summary['metrics']> = {
  reads: { total: 'number', stale: 'number', staleFraction: 'number', stalenessMs: P, versionsBehind: { mean: 'number', max: 'number' }, rywViolations: 'number', monotonicViolations: 'number', latencyMs: P, failed: 'number', unavailableMs: { '*': 'number' },
    visibility: { points: [{ tMs: 'number', p: 'number', reads: 'number' }], t99Ms: 'number', t999Ms: 'number' }, kStaleness: [{ k: 'number', p: 'number' }] },
  writes: { total: 'number', acked: 'number', failed: 'number', latencyMs: P },
  replication: {
    lagMs: P,
    channels: [{ source: 'string', target: 'string', lagMs: P, applied: 'number', status: 'string' }],
    alerts: { warning: 'number', critical: 'number' },
  },
  rpo: { lostAckedWrites: 'number', lostBytes: 'number', lossWindowMs: 'number' },
  rto: { maxMs: 'number', writeUnavailableMs: { '*': 'number' } },
  splitBrain: { occurrences: 'number', durationMs: 'number', divergentWrites: 'number' },
  conflicts: { total: 'number', lostUpdates: 'number' },
  availability: { writes: 'number', reads: 'number' },
  failovers: [{ from: 'string', to: 'string', reason: 'string', startedAtMs: 'number', completedAtMs: 'number', rtoMs: 'number', lostAckedWrites: 'number', lostBytes: 'number', faultAtMs: 'number', epoch: 'number', rtoEndsAt: 'string', group: 'string' }],
  failoversRefused: 'number',
  traffic: {
    links: [{ source: 'string', target: 'string', replicationBytes: 'number', clientBytes: 'number', controlBytes: 'number' }],
    crossRegionBytes: 'number', crossRegionBytesPerSecond: 'number', intraRegionBytes: 'number',
  },
  cost: { run: 'number', perMonth: 'number', transferPerMonth: 'number', nodesPerMonth: 'number' },
  consensus: {
    elections: 'number', preVotes: 'number', leaderChanges: 'number', maxTerm: 'number',
    commitLatencyMs: { '*': P }, readUnavailableMs: { '*': 'number' }, leaseReadsBeyondClockBound: 'number',
    latencyMs: { local: { writes: P, reads: P }, remote: { writes: P, reads: P } },
    groups: [{ name: 'string', home: 'string', leaderAtEnd: 'string', voters: 'number', nonVoters: 'number', elections: 'number', leaderChanges: 'number', maxTerm: 'number', commitLatencyMs: P, lostAckedWrites: 'number' }],
  },
};

type AnyShape = string | readonly [AnyShape] | { readonly [k: string]: AnyShape };

/** Why `path` (dotted, as in `expect:`) names no number or boolean metric; undefined when it does. */
export function metricPathProblem(path: string): string | undefined {
  let cur: AnyShape = METRICS as AnyShape;
  const segs = path.split('.');
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    if (Array.isArray(cur)) {
      if (seg === 'length') cur = 'number';
      else if (/^\d+$/.test(seg)) cur = (cur as readonly [AnyShape])[0];
      else return `unknown metric "${path}": ${segs.slice(0, i).join('.')} is a list (use .length or an index)`;
    } else if (typeof cur === 'object') {
      const obj = cur as { readonly [k: string]: AnyShape };
      const next = Object.hasOwn(obj, seg) ? obj[seg] : obj['*'];
      if (next === undefined) {
        const where = i === 0 ? 'metrics' : segs.slice(0, i).join('.');
        return `unknown metric "${path}": ${where} has ${Object.keys(obj).join(', ')}`;
      }
      cur = next;
    } else {
      return `unknown metric "${path}": ${segs.slice(0, i).join('.')} is already a value`;
    }
  }
  if (cur === 'number' || cur === 'boolean') return undefined;
  if (cur === 'string') return `metric "${path}" is text, not a number`;
  return `metric "${path}" is not a number (it is ${Array.isArray(cur) ? 'a list; use .length or an index' : 'a group; name one of its fields'})`;
}
