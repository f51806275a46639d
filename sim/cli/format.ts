// Human-readable rendering of a summary for the terminal.
import type { Summary } from '../scenario/summary-types.ts';

const f = (x: number, digits = 1) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 && x > 0 ? 3 : 2)}%`;

/** A compact table of the headline numbers. */
export function formatSummary(s: Summary): string {
  const m = s.metrics;
  const rows: Array<[string, string]> = [
    ['reads', `${m.reads.total} (${m.reads.failed} failed)`],
    ['stale reads', `${m.reads.stale} (${pct(m.reads.staleFraction)})`],
    ['staleness ms', `p50 ${f(m.reads.stalenessMs.p50)}  p99 ${f(m.reads.stalenessMs.p99)}  max ${f(m.reads.stalenessMs.max)}`],
    ['versions behind', `mean ${f(m.reads.versionsBehind.mean, 2)}  max ${m.reads.versionsBehind.max}`],
    ['RYW / monotonic violations', `${m.reads.rywViolations} / ${m.reads.monotonicViolations}`],
    ['read latency ms', `p50 ${f(m.reads.latencyMs.p50)}  p99 ${f(m.reads.latencyMs.p99)}  max ${f(m.reads.latencyMs.max)}`],
    ['writes', `${m.writes.total} (${m.writes.acked} acked, ${m.writes.failed} failed)`],
    ['write latency ms', `p50 ${f(m.writes.latencyMs.p50)}  p99 ${f(m.writes.latencyMs.p99)}  max ${f(m.writes.latencyMs.max)}`],
    ['replication lag ms', `mean ${f(m.replication.lagMs.mean)}  p99 ${f(m.replication.lagMs.p99)}  max ${f(m.replication.lagMs.max)}`],
    ...m.replication.channels.map((c): [string, string] => [`  ${c.source} → ${c.target}`, `p99 ${f(c.lagMs.p99)}  max ${f(c.lagMs.max)}  (${c.status})`]),
    ['lag alerts', `${m.replication.alerts.warning} warning, ${m.replication.alerts.critical} critical`],
    ['RPO', `${m.rpo.lostAckedWrites} acked writes lost (${m.rpo.lostBytes} B, window ${f(m.rpo.lossWindowMs)} ms)`],
    ['RTO max ms', f(m.rto.maxMs)],
    ['split-brain', `${m.splitBrain.occurrences} (${f(m.splitBrain.durationMs)} ms, ${m.splitBrain.divergentWrites} divergent writes)`],
    ['conflicts / lost updates', `${m.conflicts.total} / ${m.conflicts.lostUpdates}`],
    ['availability', `writes ${pct(m.availability.writes)}  reads ${pct(m.availability.reads)}`],
  ];
  for (const fo of m.failovers) {
    rows.push([`failover ${fo.from} → ${fo.to}`, `at ${f(fo.completedAtMs / 1000, 1)} s, RTO ${f(fo.rtoMs)} ms, lost ${fo.lostAckedWrites}`]);
  }
  if (m.failoversRefused > 0) rows.push(['failovers refused', String(m.failoversRefused)]);
  const w = Math.max(...rows.map(([k]) => k.length));
  const head = `${s.scenario} · ${s.variant} · ${s.topology} · seed ${s.seed} · ${f(s.simulatedMs / 1000)} s simulated · ${s.events} events · replay ${s.replayKey}`;
  return [head, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n');
}
