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
  | { dist: 'empirical'; samples: number[]; min?: number; max?: number };

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
  }
}
