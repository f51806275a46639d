// What every run's summary must satisfy, whatever the scenario (the fuzzer's
// oracle; keys as docs/metrics.md names them): every number is finite;
// fractions lie in [0, 1]; counts are whole and non-negative; no metric is
// negative; stale reads ≤ served reads ≤ reads; acknowledged + failed writes
// ≤ writes; lost writes ≤ acknowledged writes; per-region unavailability and
// split-brain time ≤ the measured time; the run covered its whole duration.
// Works on the summary object itself, not its JSON: JSON would turn NaN and
// Infinity into null and hide them.
import type { Summary } from '../../sim/scenario/summary-types.ts';

/** Dotted paths (list elements as [i]) of numbers that are fractions. */
const FRACTION = [
  /^metrics\.reads\.staleFraction$/,
  /^metrics\.availability\.(writes|reads)$/,
  /^metrics\.reads\.kStaleness\[\d+\]\.p$/,
  /^metrics\.reads\.visibility\.points\[\d+\]\.p$/,
  /^stalenessCdf\[\d+\]\.fraction$/,
  /^series\.staleFraction\[\d+\]\.value$/,
];
/** Paths of numbers that are counts. */
const COUNT = [
  /^events$/,
  /^metrics\.reads\.(total|stale|failed|rywViolations|monotonicViolations)$/,
  /^metrics\.reads\.visibility\.points\[\d+\]\.reads$/,
  /^metrics\.reads\.kStaleness\[\d+\]\.k$/,
  /^metrics\.writes\.(total|acked|failed)$/,
  /^metrics\.replication\.channels\[\d+\]\.applied$/,
  /^metrics\.replication\.alerts\.(warning|critical)$/,
  /^metrics\.rpo\.(lostAckedWrites|lostBytes)$/,
  /^metrics\.splitBrain\.(occurrences|divergentWrites)$/,
  /^metrics\.conflicts\.(total|lostUpdates)$/,
  /^metrics\.failoversRefused$/,
  /^metrics\.failovers\[\d+\]\.(epoch|lostAckedWrites|lostBytes)$/,
  /^metrics\.consensus\.(elections|preVotes|leaderChanges|maxTerm|leaseReadsBeyondClockBound)$/,
  /^metrics\.consensus\.groups\[\d+\]\.(voters|nonVoters|elections|leaderChanges|maxTerm|lostAckedWrites)$/,
  /^series\.writesAcked\[\d+\]\.value$/,
];
/** Per-region unavailability maps: each value ≤ the measured time. */
const UNAVAILABLE = [/^metrics\.reads\.unavailableMs\.[^.]+$/, /^metrics\.rto\.writeUnavailableMs\.[^.]+$/, /^metrics\.consensus\.readUnavailableMs\.[^.]+$/];

/**
 * Defects the fuzzer found that are reported but not yet fixed, by symptom.
 * The fixed-seed fuzz test and `npm run fuzz` (without --strict) count them
 * apart instead of failing; each has a fixture in test/fixtures/fuzz/ whose
 * test fails once the defect is fixed, so the entry is removed with it.
 */
export const KNOWN_DEFECTS: readonly { symptom: RegExp; fixture: string }[] = [
  // RPO counts writes acknowledged during the warmup; writes.acked counts only those invoked after it.
  { symptom: /^rpo\.lostAckedWrites \d+ > writes\.acked \d+ \(warmup [\d.]+ ms\)$/, fixture: 'rpo-counts-warmup-writes.yaml' },
];

/** True when every problem is the symptom of a known defect. */
export function allKnown(problems: readonly string[]): boolean {
  return problems.length > 0 && problems.every((p) => KNOWN_DEFECTS.some((k) => k.symptom.test(p)));
}

function walk(v: unknown, path: string, visit: (path: string, n: number) => void): void {
  if (typeof v === 'number') visit(path, v);
  else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, visit));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`, visit);
}

/** The broken properties of one summary, one line each (empty when it is sane). */
export function summaryProblems(s: Summary, durationMs: number): string[] {
  const out: string[] = [];
  const measuredMs = s.simulatedMs - (s.warmupMs ?? 0);
  // Rounding of ms figures to 3 decimals may put a whole-run figure a hair above the span.
  const slackMs = 0.001;
  walk(s, '', (path, n) => {
    if (!Number.isFinite(n)) return void out.push(`${path} = ${n}: not finite`);
    if (path.startsWith('metrics.') && n < 0) out.push(`${path} = ${n}: negative`);
    if (FRACTION.some((r) => r.test(path)) && !(n >= 0 && n <= 1)) out.push(`${path} = ${n}: a fraction outside [0, 1]`);
    if (COUNT.some((r) => r.test(path)) && !(Number.isInteger(n) && n >= 0)) out.push(`${path} = ${n}: a count that is not a whole number ≥ 0`);
    if (UNAVAILABLE.some((r) => r.test(path)) && n > measuredMs + slackMs) out.push(`${path} = ${n}: more than the measured ${measuredMs} ms`);
  });
  const m = s.metrics;
  if (s.simulatedMs !== durationMs) out.push(`simulatedMs = ${s.simulatedMs}, but the scenario's duration is ${durationMs} ms`);
  if (m.reads.failed > m.reads.total) out.push(`reads.failed ${m.reads.failed} > reads.total ${m.reads.total}`);
  if (m.reads.stale > m.reads.total - m.reads.failed) out.push(`reads.stale ${m.reads.stale} > served reads ${m.reads.total - m.reads.failed} (total ${m.reads.total} − failed ${m.reads.failed})`);
  if (m.writes.acked + m.writes.failed > m.writes.total) out.push(`writes.acked ${m.writes.acked} + writes.failed ${m.writes.failed} > writes.total ${m.writes.total}`);
  if (m.rpo.lostAckedWrites > m.writes.acked) out.push(`rpo.lostAckedWrites ${m.rpo.lostAckedWrites} > writes.acked ${m.writes.acked}${s.warmupMs ? ` (warmup ${s.warmupMs} ms)` : ''}`);
  if (m.splitBrain.durationMs > measuredMs + slackMs) out.push(`splitBrain.durationMs ${m.splitBrain.durationMs} > the measured ${measuredMs} ms`);
  if (s.invariantViolations.length > 0) out.push(`invariant violations: ${s.invariantViolations.slice(0, 3).join(' | ')}`);
  return out;
}
