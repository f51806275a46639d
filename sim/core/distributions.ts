// Random quantities: the scenario's distribution objects compiled to samplers.
// A sampler draws from a given stream; values are in the caller's unit (the
// scenario layer converts durations to microseconds before compiling).
import type { Rng } from './rng.ts';

/** A distribution with parameters already in the model's unit. */
export type Dist =
  | { dist: 'constant'; value: number; min?: number; max?: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'normal'; mean: number; stddev: number; min?: number; max?: number }
  | { dist: 'lognormal'; median: number; sigma: number; min?: number; max?: number }
  | { dist: 'exponential'; mean: number; min?: number; max?: number }
  | { dist: 'pareto'; scale: number; shape: number; min?: number; max?: number }
  | { dist: 'empirical'; samples: number[]; min?: number; max?: number }
  | { dist: 'mixture'; of: Array<{ weight: number } & Exclude<Dist, { dist: 'mixture' }>>; min?: number; max?: number };

/** Draws one value from a stream. */
export type Sampler = (rng: Rng) => number;

/** Standard normal by Box–Muller (one draw per call keeps streams simple to reason about). */
function standardNormal(rng: Rng): number {
  let u = rng.next();
  while (u <= 0) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Uniform in (0, 1]: safe for logarithms and negative powers. */
function openUniform(rng: Rng): number {
  return 1 - rng.next();
}

function raw(d: Dist): Sampler {
  switch (d.dist) {
    case 'constant': {
      const v = d.value;
      return () => v;
    }
    case 'uniform': {
      const lo = d.min;
      const span = d.max - d.min;
      return (rng) => lo + span * rng.next();
    }
    case 'normal': {
      const { mean, stddev } = d;
      return (rng) => mean + stddev * standardNormal(rng);
    }
    case 'lognormal': {
      const { median, sigma } = d;
      return (rng) => median * Math.exp(sigma * standardNormal(rng));
    }
    case 'exponential': {
      const mean = d.mean;
      return (rng) => -mean * Math.log(openUniform(rng));
    }
    case 'pareto': {
      const { scale, shape } = d;
      const inv = 1 / shape;
      return (rng) => scale / Math.pow(openUniform(rng), inv);
    }
    case 'empirical': {
      const s = d.samples.slice();
      const n = s.length;
      if (n === 0) throw new Error('invariant: an empirical distribution needs at least one sample');
      return (rng) => s[Math.floor(rng.next() * n)] ?? 0;
    }
    case 'mixture': {
      // One draw picks the component by cumulative weight, then the component draws.
      const parts = d.of.map((c) => compileDist(c));
      const cum: number[] = [];
      let acc = 0;
      for (const c of d.of) cum.push((acc += c.weight));
      const last = parts.length - 1;
      if (last < 0) throw new Error('invariant: a mixture needs at least one component');
      return (rng) => {
        const u = rng.next() * acc;
        let i = 0;
        while (i < last && u >= (cum[i] as number)) i++;
        return (parts[i] as Sampler)(rng);
      };
    }
  }
}

/** Compiles a distribution (with optional min/max clamps) to a sampler. */
export function compileDist(d: Dist): Sampler {
  const base = raw(d);
  if (d.dist === 'uniform') return base;
  const lo = d.min;
  const hi = d.max;
  if (lo === undefined && hi === undefined) return base;
  const min = lo ?? -Infinity;
  const max = hi ?? Infinity;
  return (rng) => {
    const v = base(rng);
    return v < min ? min : v > max ? max : v;
  };
}

/** The analytic mean and variance of an unclamped distribution (for tests and closed forms). */
export function moments(d: Dist): { mean: number; variance: number } {
  switch (d.dist) {
    case 'constant':
      return { mean: d.value, variance: 0 };
    case 'uniform':
      return { mean: (d.min + d.max) / 2, variance: (d.max - d.min) ** 2 / 12 };
    case 'normal':
      return { mean: d.mean, variance: d.stddev ** 2 };
    case 'lognormal': {
      const s2 = d.sigma ** 2;
      return { mean: d.median * Math.exp(s2 / 2), variance: d.median ** 2 * (Math.exp(s2) - 1) * Math.exp(s2) };
    }
    case 'exponential':
      return { mean: d.mean, variance: d.mean ** 2 };
    case 'pareto': {
      const { scale: x, shape: a } = d;
      const mean = a > 1 ? (a * x) / (a - 1) : Infinity;
      const variance = a > 2 ? (x * x * a) / ((a - 1) ** 2 * (a - 2)) : Infinity;
      return { mean, variance };
    }
    case 'empirical': {
      const n = d.samples.length;
      const mean = d.samples.reduce((a, b) => a + b, 0) / n;
      const variance = d.samples.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      return { mean, variance };
    }
    case 'mixture': {
      // E[X] = Σ w·m;  E[X²] = Σ w·(v + m²);  Var = E[X²] − E[X]².
      let mean = 0;
      let second = 0;
      for (const c of d.of) {
        const m = moments(c);
        mean += c.weight * m.mean;
        second += c.weight * (m.variance + m.mean * m.mean);
      }
      return { mean, variance: second - mean * mean };
    }
  }
}

/**
 * The analytic CDF P(X ≤ x) of an unclamped distribution, for tests and
 * closed forms (normal and lognormal through the error function).
 */
export function cdf(d: Dist, x: number): number {
  switch (d.dist) {
    case 'constant':
      return x >= d.value ? 1 : 0;
    case 'uniform':
      return x < d.min ? 0 : x >= d.max ? 1 : (x - d.min) / (d.max - d.min);
    case 'normal':
      return 0.5 * (1 + erf((x - d.mean) / (d.stddev * Math.SQRT2)));
    case 'lognormal':
      return x <= 0 ? 0 : 0.5 * (1 + erf(Math.log(x / d.median) / (d.sigma * Math.SQRT2)));
    case 'exponential':
      return x <= 0 ? 0 : 1 - Math.exp(-x / d.mean);
    case 'pareto':
      return x <= d.scale ? 0 : 1 - Math.pow(d.scale / x, d.shape);
    case 'empirical':
      return d.samples.filter((s) => s <= x).length / d.samples.length;
    case 'mixture':
      return d.of.reduce((a, c) => a + c.weight * cdf(c, x), 0);
  }
}

/** Error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function erf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return z >= 0 ? y : -y;
}
