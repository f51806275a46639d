// The metric paths `validate` accepts in `expect:` are exactly the number
// (and boolean) leaves of a real run's metrics: every leaf of a run of the
// example scenario (with a failover, so the lists are not empty) is accepted,
// and misspelt, partial or text paths are refused with a reason.
import { describe, expect, it } from 'vitest';
import { runCase } from '../../sim/case.ts';
import { metricPathProblem } from '../../sim/scenario/metrics.ts';

const root = new URL('../..', import.meta.url).pathname;

function leaves(v: unknown, prefix: string[] = []): string[] {
  if (typeof v === 'number' || typeof v === 'boolean') return [prefix.join('.')];
  if (Array.isArray(v)) return [[...prefix, 'length'].join('.'), ...v.flatMap((x, i) => leaves(x, [...prefix, String(i)]))];
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...prefix, k]));
  return [];
}

describe('expect metric paths', () => {
  it('accepts every number leaf of a real summary', () => {
    const { summary } = runCase({ file: `${root}scenarios/primary-region-partition.yaml`, sets: ['duration=3m', 'warmup=10s'] });
    expect(summary.metrics.failovers.length).toBeGreaterThan(0);
    const paths = leaves(summary.metrics);
    expect(paths).toContain('failovers.0.rtoMs');
    expect(paths).toContain('replication.channels.1.lagMs.p99');
    expect(paths.filter((p) => metricPathProblem(p) !== undefined)).toEqual([]);
  }, 60_000);

  it.each([
    ['splitBrain.ocurrences', /unknown metric "splitBrain.ocurrences": splitBrain has occurrences, durationMs, divergentWrites/],
    ['nosuch', /metrics has reads, writes/],
    ['reads.stalenessMs', /a group; name one of its fields/],
    ['failovers', /a list; use .length or an index/],
    ['failovers.first', /is a list/],
    ['failovers.0.from', /is text, not a number/],
    ['rpo.lostAckedWrites.max', /is already a value/],
  ])('refuses %s', (path, message) => {
    expect(metricPathProblem(path)).toMatch(message);
  });

  it('accepts a record key of any name (per-region figures)', () => {
    expect(metricPathProblem('rto.writeUnavailableMs.us-east-1')).toBeUndefined();
  });
});
