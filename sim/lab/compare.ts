// Simulated against measured, metric by metric: the simulator's mean and 95%
// interval over seeds beside each real trial's value, and a verdict. The
// metrics that repeat from run to run on a real machine (medians, means,
// counts) are judged with fixed tolerances; the others are shown against the
// simulator's interval for information and do not change the exit code.
// Pure: summaries in, rows out.
import type { Summary } from '../scenario/summary-types.ts';
import { meanCi95, type MeanCi } from '../report/stats.ts';

/** How a metric is judged: `abs` (within ± value), `rel` (within ± fraction), `loss` (RPO rule), `equal` (counts), `info`. */
export type Tolerance =
  | { kind: 'abs'; value: number }
  | { kind: 'rel'; value: number }
  | { kind: 'relOrAbs'; rel: number; abs: number }
  | { kind: 'loss' }
  | { kind: 'equal' }
  | { kind: 'info' };

export interface LabMetric {
  id: string;
  label: string;
  get: (s: Summary) => number;
  tolerance: Tolerance;
  /** Judged only when this holds for the simulated runs (e.g. RTO when a failover happens). */
  applies?: (sim: readonly Summary[]) => boolean;
  /** Some seeds may not have it (the RTO of a k-th leader loss): the simulated mean is over the seeds that do. */
  optional?: boolean;
}

const anyChannel = (s: readonly Summary[]) => s.some((x) => x.metrics.replication.channels.some((c) => c.applied > 0));
const anyWrite = (s: readonly Summary[]) => s.some((x) => x.metrics.writes.acked > 0);
const anyRead = (s: readonly Summary[]) => s.some((x) => x.metrics.reads.total > 0);
const faulty = (s: readonly Summary[]) => s.some((x) => x.faults.length > 0);
const failover = (s: readonly Summary[]) => s.some((x) => x.metrics.failovers.length > 0);

/** The compared metrics, in table order (docs/metrics.md paths). */
export const LAB_METRICS: LabMetric[] = [
  { id: 'lagP99', label: 'replication lag p99, all channels (ms)', get: (s) => s.metrics.replication.lagMs.p99, tolerance: { kind: 'info' }, applies: anyChannel },
  { id: 'writeLatencyP50', label: 'write (commit) latency p50 (ms)', get: (s) => s.metrics.writes.latencyMs.p50, tolerance: { kind: 'rel', value: 0.1 }, applies: anyWrite },
  { id: 'writeLatencyP99', label: 'write latency p99 (ms)', get: (s) => s.metrics.writes.latencyMs.p99, tolerance: { kind: 'info' }, applies: anyWrite },
  { id: 'readLatencyP50', label: 'read latency p50 (ms)', get: (s) => s.metrics.reads.latencyMs.p50, tolerance: { kind: 'info' }, applies: anyRead },
  { id: 'staleFraction', label: 'stale read fraction', get: (s) => s.metrics.reads.staleFraction, tolerance: { kind: 'info' }, applies: anyRead },
  { id: 'stalenessP50', label: 'staleness p50 of stale reads (ms)', get: (s) => s.metrics.reads.stalenessMs.p50, tolerance: { kind: 'info' }, applies: anyRead },
  { id: 'rpoLostWrites', label: 'lost acknowledged writes', get: (s) => s.metrics.rpo.lostAckedWrites, tolerance: { kind: 'loss' }, applies: faulty },
  { id: 'failovers', label: 'failovers', get: (s) => s.metrics.failovers.length, tolerance: { kind: 'equal' }, applies: faulty },
  { id: 'failoversRefused', label: 'failovers refused', get: (s) => s.metrics.failoversRefused, tolerance: { kind: 'info' }, applies: faulty },
  { id: 'rtoMax', label: 'RTO max (ms)', get: (s) => s.metrics.rto.maxMs, tolerance: { kind: 'rel', value: 0.2 }, applies: failover },
  { id: 'splitBrain', label: 'split-brain occurrences', get: (s) => s.metrics.splitBrain.occurrences, tolerance: { kind: 'equal' }, applies: faulty },
  { id: 'divergentWrites', label: 'divergent writes', get: (s) => s.metrics.splitBrain.divergentWrites, tolerance: { kind: 'info' }, applies: faulty },
  { id: 'writeAvailability', label: 'write availability', get: (s) => s.metrics.availability.writes, tolerance: { kind: 'info' }, applies: faulty },
];

export interface Verdict {
  /** Whether the metric counts toward the exit code. */
  judged: boolean;
  ok: boolean;
  text: string;
}

export interface LabRow {
  metric: LabMetric;
  sim: MeanCi;
  measured: number[];
  verdict: Verdict;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3));

/**
 * Judges the measured value (the median of the trials) against the
 * simulated mean. Tolerances (issue 15): lag within 5 ms; commit latency
 * within 10%; lost writes within [0.3×, 2×] of the simulated mean, or at
 * most 3 when the simulator expects about none (≤ 1.5); counts equal to the
 * rounded mean; RTO within 20%.
 */
export function judge(t: Tolerance, sim: MeanCi, measured: number): Verdict {
  const m = sim.mean;
  switch (t.kind) {
    case 'abs': {
      const d = measured - m;
      const ok = Math.abs(d) <= t.value;
      return { judged: true, ok, text: ok ? `ok (within ${t.value})` : `OFF by ${d > 0 ? '+' : ''}${fmt(d)} (tolerance ±${t.value})` };
    }
    case 'rel': {
      const d = m === 0 ? (measured === 0 ? 0 : Infinity) : (measured - m) / m;
      const ok = Math.abs(d) <= t.value;
      return { judged: true, ok, text: ok ? `ok (within ${t.value * 100}%)` : `OFF by ${d > 0 ? '+' : ''}${Number.isFinite(d) ? (d * 100).toFixed(0) : '∞'}% (tolerance ±${t.value * 100}%)` };
    }
    case 'relOrAbs': {
      const d = measured - m;
      const ok = Math.abs(d) <= t.abs || (m !== 0 && Math.abs(d / m) <= t.rel);
      return { judged: true, ok, text: ok ? `ok (within ${t.rel * 100}% or ${t.abs})` : `OFF by ${d > 0 ? '+' : ''}${fmt(d)} (${m === 0 ? '∞' : ((d / m) * 100).toFixed(0)}%; tolerance ±${t.rel * 100}% or ±${t.abs})` };
    }
    case 'loss': {
      if (m <= 1.5) {
        const ok = measured <= 3;
        return { judged: true, ok, text: ok ? 'ok (≤ 3 where about none expected)' : `OFF: ${measured} > 3 where about none expected` };
      }
      const ok = measured >= 0.3 * m && measured <= 2 * m;
      return { judged: true, ok, text: ok ? `ok (within [0.3×, 2×])` : `OFF: ${fmt(measured / m)}× the simulated mean (tolerance [0.3×, 2×])` };
    }
    case 'equal': {
      const ok = measured === Math.round(m);
      return { judged: true, ok, text: ok ? 'ok (equal)' : `OFF: ${measured} vs ${Math.round(m)}` };
    }
    case 'info': {
      if (!(sim.n >= 2) || !Number.isFinite(sim.halfWidth)) return { judged: false, ok: true, text: '—' };
      const lo = sim.low;
      const hi = sim.high;
      if (measured >= lo && measured <= hi) return { judged: false, ok: true, text: 'inside the 95% interval' };
      const d = measured < lo ? measured - lo : measured - hi;
      return { judged: false, ok: true, text: `outside by ${d > 0 ? '+' : ''}${fmt(d)} (not judged)` };
    }
  }
}

/**
 * Lag rows per replication channel (p50 judged, mean shown): over all channels
 * the lag is a mixture of links of different lengths, whose median says little.
 */
export function channelMetrics(sim: readonly Summary[]): LabMetric[] {
  const seen = new Set<string>();
  const out: LabMetric[] = [];
  for (const s of sim) {
    for (const c of s.metrics.replication.channels) {
      const key = `${c.source}->${c.target}`;
      if (seen.has(key) || c.applied === 0) continue;
      seen.add(key);
      const ch = (x: Summary) => x.metrics.replication.channels.find((y) => y.source === c.source && y.target === c.target);
      out.push(
        { id: `lagP50:${key}`, label: `lag p50 ${c.source}→${c.target} (ms)`, get: (x) => ch(x)?.lagMs.p50 ?? NaN, tolerance: { kind: 'abs', value: 5 } },
        { id: `lagMean:${key}`, label: `lag mean ${c.source}→${c.target} (ms)`, get: (x) => ch(x)?.lagMs.mean ?? NaN, tolerance: { kind: 'info' } },
      );
    }
  }
  return out;
}

export interface CompareOptions {
  /**
   * Whether commits wait for replicas (semi-sync, sync): then the commit
   * latency is the network's round trip and is judged; an async local commit
   * is mostly this machine's client and scheduling overhead, shown only.
   */
  syncCommit: boolean;
  /** Rows of the caller's own (the etcd lab's per-region latency and leader changes), first. */
  extra?: LabMetric[] | undefined;
  /** The real run does not measure replication lag (the etcd lab): no lag rows. */
  noLag?: boolean | undefined;
  /** RTO max's tolerance instead of 20%, or `info` (the etcd lab judges the RTO of each leader loss instead). */
  rtoTolerance?: number | 'info' | undefined;
}

/** One row per metric that applies to this scenario. */
export function compareRuns(sim: readonly Summary[], lab: readonly Summary[], o: CompareOptions): LabRow[] {
  const rows: LabRow[] = [];
  const common = o.noLag ? LAB_METRICS.filter((m) => m.id !== 'lagP99') : [...channelMetrics(sim), ...LAB_METRICS];
  for (const m of [...(o.extra ?? []), ...common]) {
    const metric: LabMetric = m.id === 'writeLatencyP50' && !o.syncCommit ? { ...m, tolerance: { kind: 'info' } }
      : m.id === 'rtoMax' && o.rtoTolerance !== undefined ? { ...m, tolerance: o.rtoTolerance === 'info' ? { kind: 'info' } : { kind: 'rel', value: o.rtoTolerance } } : m;
    if (metric.applies && !metric.applies(sim)) continue;
    const simValues = sim.map(metric.get);
    const ci = meanCi95(metric.optional ? simValues.filter((x) => Number.isFinite(x)) : simValues);
    const measured = lab.map(metric.get);
    const notMeasured = measured.length === 0 || measured.some((x) => !Number.isFinite(x));
    rows.push({ metric, sim: ci, measured, verdict: notMeasured ? { judged: false, ok: true, text: 'not measured' } : judge(metric.tolerance, ci, median(measured)) });
  }
  return rows;
}

/** The table as text. */
export function formatLabTable(rows: readonly LabRow[], seeds: number): string {
  const header = ['metric', `simulated (${seeds} seeds)`, 'measured', 'verdict'];
  const body = rows.map((r) => [
    r.metric.label,
    Number.isFinite(r.sim.halfWidth) ? `${fmt(r.sim.mean)} ± ${fmt(r.sim.halfWidth)}` : fmt(r.sim.mean),
    r.measured.map(fmt).join(', '),
    r.verdict.text,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('   ').trimEnd();
  return [line(header), line(header.map((_, i) => '-'.repeat(widths[i] as number))), ...body.map(line)].join('\n');
}

/** The table as JSON (NaN → null). */
export function labTableJson(rows: readonly LabRow[]): object[] {
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return rows.map((r) => ({
    metric: r.metric.id, label: r.metric.label,
    simulated: { n: r.sim.n, mean: num(r.sim.mean), halfWidth: num(r.sim.halfWidth) },
    measured: r.measured, judged: r.verdict.judged, ok: r.verdict.ok, verdict: r.verdict.text,
  }));
}
