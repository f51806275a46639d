// Named RNG streams: reproducible per (seed, name), independent of each other
// and of the order in which streams are created.
import { describe, expect, it } from 'vitest';
import { RngRoot, type Rng } from '../../sim/core/rng.ts';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('reproducibility', () => {
  it('gives the same sequence for the same seed and name', () => {
    expect(draws(new RngRoot(7).stream('apply'), 1000)).toEqual(draws(new RngRoot(7).stream('apply'), 1000));
  });

  it('treats a numeric seed and its decimal string alike', () => {
    expect(draws(new RngRoot(42).stream('x'), 10)).toEqual(draws(new RngRoot('42').stream('x'), 10));
  });

  it('pins the derivation: these draws are part of every scenario result', () => {
    // If this changes, every golden summary changes with it: bump them deliberately, not by accident.
    const a = new RngRoot(1).stream('a');
    expect(draws(a, 3)).toEqual([0.36649977741762996, 0.21510494919493794, 0.6829381769057363]);
    const b = new RngRoot('scenario-42').stream('link:us-east-1->eu-west-1');
    expect([b.next(), b.int(1000)]).toEqual([0.5601602690294385, 671]);
  });
});

describe('independence', () => {
  it('gives different sequences for different names, including near-identical ones', () => {
    const root = new RngRoot(1);
    const names = ['a', 'b', 'link-1', 'link-10', 'link-1 ', 'A', ''];
    const seqs = names.map((n) => draws(root.stream(n), 20).join());
    expect(new Set(seqs).size).toBe(names.length);
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(new RngRoot(1).stream('a'), 20)).not.toEqual(draws(new RngRoot(2).stream('a'), 20));
  });

  it('does not shift a stream when another is created or drawn from in between', () => {
    const alone = draws(new RngRoot(3).stream('A'), 200);

    const root = new RngRoot(3);
    const a = root.stream('A');
    const first = draws(a, 100);
    const b = root.stream('B');
    draws(b, 57);
    const c = root.stream('C');
    const rest: number[] = [];
    for (let i = 0; i < 100; i++) {
      rest.push(a.next());
      b.next();
      c.int(10);
    }
    expect([...first, ...rest]).toEqual(alone);
  });

  it('does not depend on stream creation order', () => {
    const r1 = new RngRoot(9);
    const x1 = r1.stream('x');
    const y1 = r1.stream('y');
    const r2 = new RngRoot(9);
    const y2 = r2.stream('y');
    const x2 = r2.stream('x');
    expect(draws(x1, 50)).toEqual(draws(x2, 50));
    expect(draws(y1, 50)).toEqual(draws(y2, 50));
  });

  it('streams are uncorrelated (|r| within 5 standard errors of 0)', () => {
    const n = 100_000;
    const root = new RngRoot(11);
    const a = draws(root.stream('a'), n);
    const b = draws(root.stream('b'), n);
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(a);
    const mb = mean(b);
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      const da = (a[i] as number) - ma;
      const db = (b[i] as number) - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    // Under independence the sample correlation has standard error ≈ 1/√n.
    expect(Math.abs(sab / Math.sqrt(saa * sbb))).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe('stream names', () => {
  it('throws when the same name is asked for twice, naming it', () => {
    const root = new RngRoot(1);
    root.stream('failover');
    expect(() => root.stream('failover')).toThrow(/"failover" issued twice/);
  });

  it('allows the same name under different roots', () => {
    expect(() => {
      new RngRoot(1).stream('n');
      new RngRoot(1).stream('n');
    }).not.toThrow();
  });

  it('carries its name', () => {
    expect(new RngRoot(1).stream('clock:eu').name).toBe('clock:eu');
  });
});

describe('ranges', () => {
  it('next() is in [0, 1) with mean 1/2 (within 5 standard errors)', () => {
    const n = 200_000;
    const xs = draws(new RngRoot(5).stream('u'), n);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });

  it('int(n) is an integer in [0, n), each value equally likely (within 5 standard errors)', () => {
    const rng = new RngRoot(6).stream('i');
    const k = 7;
    const n = 140_000;
    const counts = new Array<number>(k).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.int(k);
      if (!(Number.isInteger(v) && v >= 0 && v < k)) outOfRange++;
      else counts[v] = (counts[v] as number) + 1;
    }
    expect(outOfRange).toBe(0);
    const p = 1 / k;
    const se = Math.sqrt(n * p * (1 - p));
    for (const c of counts) expect(Math.abs(c - n * p)).toBeLessThan(5 * se);
  });
});
