// Key choice: the zipf alias table draws keys with the closed-form zipf
// probabilities, and the compact table (32-bit probabilities rounded down)
// gives every draw the key the exact table gives.
import { describe, expect, it } from 'vitest';
import { aliasTable, floorToFloat32, KeySpace } from '../../sim/world/keys.ts';
import { RngRoot, type Rng } from '../../sim/core/rng.ts';

/** An Rng that returns the given uniforms in turn. */
function fixed(us: readonly number[]): Rng {
  let i = 0;
  return { name: 'fixed', next: () => us[i++ % us.length] as number, int: (n) => Math.floor((us[i++ % us.length] as number) * n) };
}

function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = 1 / Math.pow(k + 1, s);
  return w;
}

/** The draw an exact (64-bit) alias table gives for uniform u. */
function exactDraw(t: { prob: Float64Array; alias: Int32Array }, n: number, u: number): number {
  const x = u * n;
  const i = Math.floor(x);
  return x - i < (t.prob[i] as number) ? i : (t.alias[i] as number);
}

describe('floorToFloat32', () => {
  it('is the largest 32-bit float at or below x', () => {
    const xs = [0, 1, 0.1, 1 / 3, 2 / 3, 0.7, 1e-30, 0.999999999, 123.456, 2 ** -20 + 2 ** -50];
    for (const x of xs) {
      const f = floorToFloat32(x);
      expect(Math.fround(f)).toBe(f);
      expect(f).toBeLessThanOrEqual(x);
      // The next 32-bit float above f is above x.
      const b = new Float32Array([f]);
      new Uint32Array(b.buffer)[0]! += 1;
      expect(b[0] as number).toBeGreaterThan(x);
    }
  });
});

describe('KeySpace zipf draws', () => {
  for (const [n, s] of [[100_000, 0.99], [1000, 1.5], [37, 3], [5, 0.5], [3, 12]] as const) {
    it(`give the exact alias table's key for every uniform (${n} keys, s=${s})`, () => {
      const keys = new KeySpace({ keyCount: n, distribution: 'zipf', s, shares: [1] });
      const t = aliasTable(zipfWeights(n, s));
      const us: number[] = [];
      const rng = new RngRoot('keys-test').stream('u');
      for (let j = 0; j < 50_000; j++) us.push(rng.next());
      // Uniforms that put x − i just below, at and just above column i's probability.
      for (let j = 0; j < 2000; j++) {
        const i = Math.floor((j * n) / 2000);
        const p = t.prob[i] as number;
        for (const d of [-1e-7, -1e-12, 0, 1e-12, 1e-7]) {
          const u = (i + Math.min(Math.max(p * (1 + d), 0), 0.9999999999)) / n;
          if (u < 1) us.push(u);
        }
        us.push(i / n);
      }
      const draw = fixed(us);
      for (const u of us) expect(keys.pickKey(draw)).toBe(exactDraw(t, n, u));
    });
  }

  it('draws each key with its zipf probability (10 keys, s = 1: P(k) = 1/(k·H10))', () => {
    const n = 10;
    const keys = new KeySpace({ keyCount: n, distribution: 'zipf', s: 1, shares: [1] });
    const rng = new RngRoot('zipf-frequencies').stream('keys');
    const draws = 400_000;
    const counts = new Array<number>(n).fill(0);
    for (let j = 0; j < draws; j++) counts[keys.pickKey(rng)]!++;
    let h = 0;
    for (let k = 1; k <= n; k++) h += 1 / k;
    for (let k = 1; k <= n; k++) {
      const p = 1 / (k * h);
      const sd = Math.sqrt((draws * p * (1 - p)));
      expect(Math.abs((counts[k - 1] as number) - draws * p)).toBeLessThan(4 * sd);
    }
  });
});
