// expect: evaluation — pass, fail, per-variant blocks, and unknown paths as errors.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { evaluateExpect, metricAt } from '../../sim/check/expect.ts';
import { runCase } from '../../sim/case.ts';
import { InputError } from '../../sim/core/errors.ts';
import { fixtures } from './helpers.ts';

const { summary } = runCase({ file: path.join(fixtures, 'small.yaml'), variant: 'async', seed: 1 });
const opts = { variant: 'async', variants: ['async', 'sync'], file: 'small.yaml' };

describe('evaluateExpect', () => {
  it('passes bounds the run meets', () => {
    const r = evaluateExpect({ 'splitBrain.occurrences': 0, 'reads.total': { min: 1 }, 'failovers.length': { max: 5 } }, summary, opts);
    expect(r.map((x) => x.ok)).toEqual([true, true, true]);
  });

  it('fails bounds the run misses, with the value and the bound', () => {
    const acked = summary.metrics.writes.acked;
    const r = evaluateExpect({ 'writes.acked': { max: acked - 1 }, 'rpo.lostAckedWrites': true }, summary, opts);
    expect(r[0]).toMatchObject({ ok: false, message: `writes.acked = ${acked}, expected ≤ ${acked - 1}` });
    expect(r[1]?.ok).toBe(summary.metrics.rpo.lostAckedWrites !== 0);
  });

  it('applies a variant block only to that variant', () => {
    const e = { sync: { 'writes.acked': -1 }, async: { 'reads.total': { min: 0 } } };
    expect(evaluateExpect(e, summary, opts).map((r) => r.path)).toEqual(['reads.total']);
    expect(evaluateExpect(e, summary, { ...opts, variant: 'sync' })[0]?.ok).toBe(false);
  });

  it('reports an unknown metric as bad input, located, never as a pass', () => {
    const err = (() => {
      try {
        evaluateExpect({ 'splitBrain.occurences': 0, async: { 'rpo.lost': 0 } }, summary, opts);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems).toEqual([
      'small.yaml: expect.splitBrain.occurences: unknown metric "splitBrain.occurences"',
      'small.yaml: expect.async.rpo.lost: unknown metric "rpo.lost"',
    ]);
  });

  it('refuses groups, lists and malformed bounds', () => {
    expect(metricAt(summary.metrics, 'splitBrain')).toMatch(/not a number/);
    expect(() => evaluateExpect({ 'reads.total': { least: 1 } }, summary, opts)).toThrow(InputError);
    expect(() => evaluateExpect({ 'reads.total': { min: 5, max: 1 } }, summary, opts)).toThrow(/min \(5\) is above max/);
  });
});
