// The documented example, told as a story: us-east-1 (the primary) is cut off at
// 2 min for 43 s. Before the cut, replicas trail by about one one-way delay;
// during it the lag to them grows with the cut's age, reads in the other
// regions go stale, and the controller in eu-west-1 fails over.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadScenario } from '../sim/scenario/loader.ts';
import { simulate } from '../sim/run.ts';
import type { Summary } from '../sim/scenario/summary-types.ts';

const SPEC_EXAMPLE = resolve(import.meta.dirname, '../scenarios/primary-region-partition.yaml');

function run(variant: string, seed = 42, sets: string[] = []): Summary {
  const l = loadScenario(SPEC_EXAMPLE, { variant, sets: ['duration=4m', ...sets] });
  return simulate(l.scenario, { seed, variant: l.variant, contentHash: l.contentHash });
}

const window = (points: Array<{ tMs: number; value: number }>, fromS: number, toS: number) =>
  points.filter((p) => p.tMs >= fromS * 1000 && p.tMs < toS * 1000).map((p) => p.value);

describe('example scenario: partition of the primary region', () => {
  const s = run('async-stonith');

  it('lag before the partition is about one one-way delay; during it, it grows to tens of seconds', () => {
    const toEu = s.series.lagMs['us-east-1->eu-west-1'];
    expect(toEu, 'lag series for us-east-1->eu-west-1').toBeDefined();
    const before = window(toEu ?? [], 60, 119);
    const during = window(toEu ?? [], 121, 129);
    // One-way 35 ms + up to a 10 ms batch + jitter: well under 100 ms.
    expect(Math.max(...before)).toBeLessThan(100);
    // Nothing reaches eu-west-1 during the cut: lag = age of the cut (≥ 1 s after 1 s).
    expect(Math.max(...during)).toBeGreaterThan(8_000);
  });

  it('stale reads rise during the partition', () => {
    const before = window(s.series.staleFraction, 60, 119);
    const during = window(s.series.staleFraction, 122, 130);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(during)).toBeGreaterThan(3 * mean(before));
    expect(s.metrics.reads.stalenessMs.max).toBeGreaterThan(5_000);
  });

  it('fails over to eu-west-1 after detection + STONITH + promotion, with no split-brain', () => {
    expect(s.metrics.failovers).toHaveLength(1);
    const f = s.metrics.failovers[0];
    expect(f?.from).toBe('us-east-1');
    expect(f?.to).toBe('eu-west-1');
    // detectionTimeout 10 s (+ up to one 1 s heartbeat) + stonithDelay 2 s + promotionTime 1 s.
    expect(f?.rtoMs).toBeGreaterThanOrEqual(12_000);
    expect(f?.rtoMs).toBeLessThan(15_000);
    expect(s.metrics.splitBrain.occurrences).toBe(0);
    expect(s.invariantViolations).toEqual([]);
  });

  it('the four variants differ the way a reader expects', () => {
    const noFence = run('async-no-fencing');
    const semi = run('semi-sync-stonith');
    expect(noFence.metrics.splitBrain.occurrences).toBeGreaterThanOrEqual(1);
    expect(noFence.metrics.splitBrain.divergentWrites).toBeGreaterThan(0);
    expect(noFence.metrics.rpo.lostAckedWrites).toBeGreaterThan(s.metrics.rpo.lostAckedWrites);
    expect(semi.metrics.rpo.lostAckedWrites).toBe(0);
    expect(semi.metrics.writes.latencyMs.p50).toBeGreaterThan(s.metrics.writes.latencyMs.p50);
  });

  it('same seed gives a byte-identical summary; another seed a different one', () => {
    const a = JSON.stringify(run('async-stonith', 3, ['duration=40s']));
    const b = JSON.stringify(run('async-stonith', 3, ['duration=40s']));
    const c = JSON.stringify(run('async-stonith', 4, ['duration=40s']));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
