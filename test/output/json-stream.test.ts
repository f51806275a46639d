// jsonPieces (sim/output/json-stream.ts) prints exactly what
// JSON.stringify(value, null, 2) prints, whatever the value and however it
// is cut into pieces: random JSON values (fast-check), values with large
// arrays (split element by element) and the members JSON leaves out.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonPieces } from '../../sim/output/json-stream.ts';

function streamed(value: unknown): { text: string; pieces: number } {
  let text = '';
  let pieces = 0;
  for (const p of jsonPieces(value)) {
    text += p;
    pieces++;
  }
  return { text, pieces };
}

describe('jsonPieces', () => {
  it('prints JSON.stringify(value, null, 2) for random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(streamed(v).text).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('prints the same for large arrays nested in objects and arrays, in several pieces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 5000 }), fc.jsonValue({ maxDepth: 2 }), (n, leaf) => {
        const points = Array.from({ length: n }, (_, i) => ({ tMs: i * 1000, value: i % 7 === 0 ? null : i / 3 }));
        const v = { series: { lag: { 'a->b': points, 'b->a': [] }, nested: [points, leaf, [[]]], empty: {} }, leaf, n: -0 };
        expect(streamed(v).text).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 20, seed: 16 },
    );
    const big = { xs: Array.from({ length: 200_000 }, (_, i) => ({ tMs: i, value: i })) };
    const out = streamed(big);
    expect(out.text).toBe(JSON.stringify(big, null, 2));
    expect(out.pieces).toBeGreaterThan(1);
  });

  it('leaves out undefined and function members of objects and prints them as null in arrays, as JSON does', () => {
    const v = { a: undefined, b: () => 1, c: 1, d: Array.from({ length: 3000 }, (_, i) => (i === 5 ? undefined : i === 6 ? () => 2 : i)), e: { f: undefined } };
    expect(streamed(v).text).toBe(JSON.stringify(v, null, 2));
  });
});
