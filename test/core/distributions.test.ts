// Samplers against their closed forms: mean, variance and median of 200k
// draws, clamps, and the empirical distribution's uniform choice.
//
// Tolerances are standard errors, not fudge factors. With N independent
// draws from a distribution with central moments μ2 (variance) and μ4:
//   SE(sample mean)     = √(μ2 / N)
//   SE(sample variance) ≈ √((μ4 − μ2²) / N)   (bias of order μ2/N is negligible)
//   SE(sample fraction) = √(p(1 − p) / N)     for an event of probability p
// Every check allows Z = 5 standard errors. By the normal approximation a
// correct sampler fails one check with probability ≈ 5.7e-7, so the ~60 checks
// here fail spuriously with probability < 4e-5 for any seed; the seeds are
// fixed, so the suite is deterministic. A wrong mean or scale shows up as
// many tens of standard errors at N = 200k.
import { describe, expect, it } from 'vitest';
import { cdf, compileDist, moments, type Dist } from '../../sim/core/distributions.ts';
import { RngRoot, type Rng } from '../../sim/core/rng.ts';

const N = 200_000;
const Z = 5;

const root = new RngRoot('test/core/distributions');
let streamCount = 0;
/** A fresh stream per use, so no two checks share draws. */
function stream(): Rng {
  return root.stream(`s${streamCount++}`);
}

function sample(d: Dist, n = N): Float64Array {
  const f = compileDist(d);
  const rng = stream();
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = f(rng);
  return xs;
}

function meanVar(xs: Float64Array): { mean: number; variance: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, variance: ss / (xs.length - 1) };
}

function fraction(xs: Float64Array, pred: (x: number) => boolean): number {
  let k = 0;
  for (const x of xs) if (pred(x)) k++;
  return k / xs.length;
}

/** |observed − expected| within Z standard errors, with a message that says which. */
function expectWithin(what: string, observed: number, expected: number, se: number): void {
  const z = Math.abs(observed - expected) / se;
  expect(z, `${what}: observed ${observed}, expected ${expected}, ${z.toFixed(2)} standard errors off (limit ${Z})`).toBeLessThan(Z);
}

function expectFraction(what: string, xs: Float64Array, pred: (x: number) => boolean, p: number): void {
  expectWithin(what, fraction(xs, pred), p, Math.sqrt((p * (1 - p)) / xs.length));
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7, far below the SEs used). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Central moments from raw moments E[X], E[X²], E[X³], E[X⁴]. */
function centralFromRaw(e1: number, e2: number, e3: number, e4: number): { mean: number; m2: number; m4: number } {
  return { mean: e1, m2: e2 - e1 * e1, m4: e4 - 4 * e3 * e1 + 6 * e2 * e1 * e1 - 3 * e1 ** 4 };
}

interface Case {
  name: string;
  d: Dist;
  /** Closed-form mean, variance μ2 and fourth central moment μ4 (Infinity when it does not exist). */
  mean: number;
  m2: number;
  m4: number;
  /** The value with P(X ≤ median) = 1/2, for continuous kinds. */
  median?: number;
  /** The support's lower bound, when it has one. */
  lowest?: number;
}

const lognormal = (median: number, sigma: number): Case => {
  const mu = Math.log(median);
  const raw = (k: number): number => Math.exp(k * mu + (k * k * sigma * sigma) / 2);
  return { name: `lognormal(median ${median}, σ ${sigma})`, d: { dist: 'lognormal', median, sigma }, ...centralFromRaw(raw(1), raw(2), raw(3), raw(4)), median, lowest: 0 };
};
const pareto = (scale: number, shape: number): Case => {
  const raw = (k: number): number => (shape > k ? (shape * scale ** k) / (shape - k) : Infinity);
  const c = shape > 4 ? centralFromRaw(raw(1), raw(2), raw(3), raw(4)) : { mean: raw(1), m2: shape > 2 ? raw(2) - raw(1) ** 2 : Infinity, m4: Infinity };
  return { name: `pareto(scale ${scale}, shape ${shape})`, d: { dist: 'pareto', scale, shape }, ...c, median: scale * 2 ** (1 / shape), lowest: scale };
};
const empiricalSamples = [3, 1, 4, 1, 5, 9, 2, 6];
const empirical = ((): Case => {
  const raw = (k: number): number => empiricalSamples.reduce((s, x) => s + x ** k, 0) / empiricalSamples.length;
  return { name: 'empirical', d: { dist: 'empirical', samples: empiricalSamples }, ...centralFromRaw(raw(1), raw(2), raw(3), raw(4)) };
})();

const CASES: Case[] = [
  { name: 'constant', d: { dist: 'constant', value: 7 }, mean: 7, m2: 0, m4: 0 },
  { name: 'uniform(2, 10)', d: { dist: 'uniform', min: 2, max: 10 }, mean: 6, m2: 64 / 12, m4: 8 ** 4 / 80, median: 6, lowest: 2 },
  { name: 'normal(3, 2)', d: { dist: 'normal', mean: 3, stddev: 2 }, mean: 3, m2: 4, m4: 3 * 16, median: 3 },
  lognormal(2, 0.5),
  lognormal(1, 1),
  { name: 'exponential(mean 4)', d: { dist: 'exponential', mean: 4 }, mean: 4, m2: 16, m4: 9 * 4 ** 4, median: 4 * Math.LN2, lowest: 0 },
  pareto(1, 3), // 2 < shape ≤ 4: finite variance (the mean obeys the CLT), infinite μ4 (no variance check)
  pareto(2, 2.5),
  pareto(1, 6),
  empirical,
];

describe.each(CASES)('$name', (c) => {
  const xs = sample(c.d);
  const { mean, variance } = meanVar(xs);

  it('moments() agrees with the closed form', () => {
    const m = moments(c.d);
    expect(m.mean).toBeCloseTo(c.mean, 10);
    if (Number.isFinite(c.m2)) expect(m.variance / Math.max(1, c.m2)).toBeCloseTo(c.m2 / Math.max(1, c.m2), 10);
    else expect(m.variance).toBe(Infinity);
  });

  it('sample mean within 5 standard errors', () => {
    if (c.m2 === 0) expect(mean).toBe(c.mean);
    else expectWithin(`${c.name} mean`, mean, c.mean, Math.sqrt(c.m2 / N));
  });

  it.skipIf(!Number.isFinite(c.m4))('sample variance within 5 standard errors', () => {
    if (c.m2 === 0) expect(variance).toBe(0);
    else expectWithin(`${c.name} variance`, variance, c.m2, Math.sqrt((c.m4 - c.m2 * c.m2) / N));
  });

  it.skipIf(c.median === undefined)('half the draws fall below the median', () => {
    expectFraction(`${c.name} P(X ≤ median)`, xs, (x) => x <= (c.median as number), 0.5);
  });

  it('draws are finite and within the support', () => {
    const lowest = c.lowest ?? -Infinity;
    expect(fraction(xs, (x) => !(Number.isFinite(x) && x >= lowest))).toBe(0);
  });

  it('the same stream gives the same draws', () => {
    const f = compileDist(c.d);
    const a = new RngRoot(1).stream('x');
    const b = new RngRoot(1).stream('x');
    for (let i = 0; i < 100; i++) expect(f(a)).toBe(f(b));
  });
});

describe('uniform', () => {
  it('stays in [min, max): its min and max are its range, not clamps', () => {
    const xs = sample({ dist: 'uniform', min: -1, max: 1 });
    expect(fraction(xs, (x) => !(x >= -1 && x < 1))).toBe(0);
    expectFraction('uniform(-1, 1) P(X < -0.5)', xs, (x) => x < -0.5, 0.25);
  });
});

describe('clamps', () => {
  it('normal(0, 1) clamped to [-1, 2] puts each tail’s mass exactly on its bound', () => {
    const xs = sample({ dist: 'normal', mean: 0, stddev: 1, min: -1, max: 2 });
    expect(fraction(xs, (x) => x < -1 || x > 2)).toBe(0);
    expectFraction('P(X = -1)', xs, (x) => x === -1, normalCdf(-1));
    expectFraction('P(X = 2)', xs, (x) => x === 2, 1 - normalCdf(2));
  });

  it('exponential(mean 1) clamped to [0.1, 2]', () => {
    const xs = sample({ dist: 'exponential', mean: 1, min: 0.1, max: 2 });
    expect(fraction(xs, (x) => x < 0.1 || x > 2)).toBe(0);
    expectFraction('P(X = 0.1)', xs, (x) => x === 0.1, 1 - Math.exp(-0.1));
    expectFraction('P(X = 2)', xs, (x) => x === 2, Math.exp(-2));
  });

  it('lognormal(median 1, σ 1) clamped to [0.5, 3]', () => {
    const xs = sample({ dist: 'lognormal', median: 1, sigma: 1, min: 0.5, max: 3 });
    expect(fraction(xs, (x) => x < 0.5 || x > 3)).toBe(0);
    expectFraction('P(X = 0.5)', xs, (x) => x === 0.5, normalCdf(Math.log(0.5)));
    expectFraction('P(X = 3)', xs, (x) => x === 3, 1 - normalCdf(Math.log(3)));
  });

  it('pareto(scale 1, shape 3) clamped to [1.5, 10]', () => {
    const xs = sample({ dist: 'pareto', scale: 1, shape: 3, min: 1.5, max: 10 });
    expect(fraction(xs, (x) => x < 1.5 || x > 10)).toBe(0);
    expectFraction('P(X = 1.5)', xs, (x) => x === 1.5, 1 - 1.5 ** -3);
    expectFraction('P(X = 10)', xs, (x) => x === 10, 10 ** -3);
  });

  it('only a max (or only a min) clamps one side', () => {
    const hi = sample({ dist: 'normal', mean: 0, stddev: 1, max: 0 }, 20_000);
    expect(fraction(hi, (x) => x > 0)).toBe(0);
    expect(fraction(hi, (x) => x < -2)).toBeGreaterThan(0);
    const lo = sample({ dist: 'normal', mean: 0, stddev: 1, min: 0 }, 20_000);
    expect(fraction(lo, (x) => x < 0)).toBe(0);
    expect(fraction(lo, (x) => x > 2)).toBeGreaterThan(0);
  });

  it('constant and empirical are clamped too', () => {
    const rng = stream();
    expect(compileDist({ dist: 'constant', value: 5, min: 6 })(rng)).toBe(6);
    expect(compileDist({ dist: 'constant', value: 5, max: 4 })(rng)).toBe(4);
    const xs = sample({ dist: 'empirical', samples: [1, 2, 3], max: 2.5 }, 30_000);
    expect([...new Set(xs)].sort()).toEqual([1, 2, 2.5]);
  });
});

describe('empirical', () => {
  it('picks only its samples, each position with probability 1/n', () => {
    const xs = sample({ dist: 'empirical', samples: empiricalSamples });
    const values = [...new Set(empiricalSamples)];
    expect(fraction(xs, (x) => !values.includes(x))).toBe(0);
    for (const v of values) {
      // A value listed k times is drawn with probability k/n.
      const p = empiricalSamples.filter((s) => s === v).length / empiricalSamples.length;
      expectFraction(`P(X = ${v})`, xs, (x) => x === v, p);
    }
  });

  it('copies its samples when compiled', () => {
    const samples = [1, 2];
    const f = compileDist({ dist: 'empirical', samples });
    samples[0] = 100;
    samples[1] = 100;
    const rng = stream();
    for (let i = 0; i < 100; i++) expect(f(rng)).toBeLessThanOrEqual(2);
  });

  it('with one sample, always returns it', () => {
    const rng = stream();
    const f = compileDist({ dist: 'empirical', samples: [42] });
    expect(Array.from({ length: 10 }, () => f(rng))).toEqual(new Array(10).fill(42));
  });

  it('rejects an empty sample list', () => {
    expect(() => compileDist({ dist: 'empirical', samples: [] })).toThrow(/at least one sample/);
  });

  it('moments() uses the population variance (each sample equally likely)', () => {
    expect(moments({ dist: 'empirical', samples: [1, 3] })).toEqual({ mean: 2, variance: 1 });
  });
});

describe('pareto moments', () => {
  it('are infinite where the closed form diverges', () => {
    expect(moments({ dist: 'pareto', scale: 1, shape: 1 })).toEqual({ mean: Infinity, variance: Infinity });
    expect(moments({ dist: 'pareto', scale: 1, shape: 2 }).variance).toBe(Infinity);
    expect(moments({ dist: 'pareto', scale: 1, shape: 3 })).toEqual({ mean: 1.5, variance: 0.75 });
  });
});

describe('mixture', () => {
  // The PBS paper's LNKD-SSD fit (Bailis et al., VLDB 2012, Table 3), in ms:
  // 91.22% Pareto(xm 0.235, α 10) + 8.78% exponential(λ 1.66 /ms).
  const pareto: Dist = { dist: 'pareto', scale: 0.235, shape: 10 };
  const exponential: Dist = { dist: 'exponential', mean: 1 / 1.66 };
  const ssd: Dist = { dist: 'mixture', of: [{ weight: 0.9122, ...pareto }, { weight: 0.0878, ...exponential }] };

  it('moments() is the weighted mean and the law of total variance (hand-derived)', () => {
    const mp = (10 * 0.235) / 9;
    const vp = (0.235 ** 2 * 10) / (81 * 8);
    const me = 1 / 1.66;
    const mean = 0.9122 * mp + 0.0878 * me;
    const second = 0.9122 * (vp + mp * mp) + 0.0878 * (2 * me * me);
    const m = moments(ssd);
    expect(m.mean).toBeCloseTo(mean, 12);
    expect(m.variance).toBeCloseTo(second - mean * mean, 12);
  });

  it('sample mean within 5 standard errors of the closed form', () => {
    const { mean, variance } = moments(ssd);
    expectWithin('mixture mean', meanVar(sample(ssd)).mean, mean, Math.sqrt(variance / N));
  });

  it('the sample CDF matches the weighted CDF of its components at several points', () => {
    const xs = sample(ssd);
    for (const x of [0.25, 0.3, 0.5, 1, 2, 5]) {
      const p = 0.9122 * (1 - (0.235 / x) ** 10) + 0.0878 * (1 - Math.exp(-1.66 * x));
      expect(cdf(ssd, x)).toBeCloseTo(p, 12);
      expectFraction(`P(X ≤ ${x})`, xs, (v) => v <= x, p);
    }
  });

  it('draws each component with its weight (one component constant, so it is recognisable)', () => {
    const d: Dist = { dist: 'mixture', of: [{ weight: 0.3, dist: 'constant', value: -1 }, { weight: 0.7, dist: 'uniform', min: 0, max: 1 }] };
    expectFraction('share of the constant component', sample(d), (v) => v === -1, 0.3);
  });

  it('clamps apply to the mixture as a whole', () => {
    const d: Dist = { dist: 'mixture', of: [{ weight: 1, dist: 'exponential', mean: 1 }], min: 0.5, max: 2 };
    const xs = sample(d);
    expectFraction('mass on the lower clamp', xs, (v) => v === 0.5, 1 - Math.exp(-0.5));
    expect(xs.reduce((a, b) => Math.max(a, b), 0)).toBe(2);
  });
});
