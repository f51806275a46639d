// What the lab can build out of real PostgreSQL processes on one machine (or,
// for a consensus topology, etcd: etcd-support.ts), and
// a located message (file:line:col: field: why) for everything else: a
// single-primary WAL topology of at most MAX_LAB_REGIONS regions, the rates
// two cores sustain, the failover and fault kinds that have a real
// counterpart. Checked before any process starts.
import { readFileSync } from 'node:fs';
import type { Scenario } from '../scenario/schema.ts';
import { parseYaml } from '../scenario/source.ts';
import { Locator } from '../scenario/locator.ts';
import type { Problem } from '../scenario/problems.ts';
import { etcdLabProblems } from './etcd-support.ts';

/** Most regions (PostgreSQL nodes) the lab starts at once. */
export const MAX_LAB_REGIONS = 5;
/** Most client operations per second, all regions together, that the lab drives on this kind of machine. */
export const MAX_LAB_OPS_PER_S = 3000;
/** Longest real run the lab accepts per trial, µs. */
export const MAX_LAB_DURATION_US = 30 * 60e6;

/** Problems that stop the lab from building `sc`, by field path (empty: it can). */
export function labProblems(sc: Scenario): Problem[] {
  const out: Problem[] = [];
  const no = (path: Problem['path'], message: string) => out.push({ path, message: `the lab cannot build this: ${message}` });
  const consensus = sc.topology.kind === 'consensus';
  if (sc.topology.kind !== 'single-primary' && !consensus) no(['topology', 'kind'], `PostgreSQL streaming replication is single-primary and etcd is consensus; "${sc.topology.kind}" has no real counterpart here`);
  if (consensus) etcdLabProblems(sc, no);
  const repl = sc.topology.replication;
  if (!consensus && repl.channel !== 'wal') no(['topology', 'replication', 'channel'], 'only the WAL channel (physical streaming replication) is built; CDC needs a log broker');
  if (!consensus && repl.filters.length > 0) no(['topology', 'replication', 'filters'], 'physical replication ships every table; filters need logical replication');
  if (!consensus && repl.semiSyncTimeout !== undefined) no(['topology', 'replication', 'semiSyncTimeout'], 'PostgreSQL synchronous replication never falls back to async');
  if (!consensus && sc.topology.reads.readYourWrites.strategy === 'session-lsn') no(['topology', 'reads', 'readYourWrites', 'strategy'], 'session-lsn reads are not built (use none, wrote-recently or primary)');
  if (!consensus && sc.regions.length > MAX_LAB_REGIONS) no(['regions'], `${sc.regions.length} regions; the lab starts at most ${MAX_LAB_REGIONS} PostgreSQL nodes`);
  if (sc.regions.length < 2) no(['regions'], 'one region has nothing to replicate to');
  if (sc.network.loss > 0) no(['network', 'loss'], 'datagram loss has no counterpart on TCP links');
  if (sc.failover.fencing === 'lease') no(['failover', 'fencing'], 'lease fencing is not built (use stonith or none)');
  if (sc.failover.stonithFailureProbability > 0) no(['failover', 'stonithFailureProbability'], 'STONITH in the lab is kill -9 and does not fail');
  if (sc.duration > MAX_LAB_DURATION_US) no(['duration'], `the lab runs in real time; at most ${MAX_LAB_DURATION_US / 60e6} minutes per trial`);
  let total = 0;
  for (const [id, l] of Object.entries(sc.workload.regions)) total += (l.writes ?? 0) + (l.reads ?? 0);
  if (total > MAX_LAB_OPS_PER_S) no(['workload', 'regions'], `${Math.round(total)} operations/s in all; this machine sustains about ${MAX_LAB_OPS_PER_S}/s through real PostgreSQL`);
  sc.faults.forEach((f, i) => {
    for (const k of ['loss', 'slowApply', 'clockJump', 'stonithFailure', 'random'] as const) {
      if (f[k] !== undefined) no(['faults', i, k], `the "${k}" fault has no real counterpart in the lab (partition, crash, outage, pause and slowLink do)`);
    }
  });
  return out;
}

/** The problems as located lines (`file:line:col: field: message`). */
export function locateLabProblems(file: string, problems: readonly Problem[]): string[] {
  if (problems.length === 0) return [];
  const source = parseYaml(readFileSync(file, 'utf8'), file);
  const locator = new Locator(source, []);
  return problems.map((p) => locator.locate(p).text);
}
