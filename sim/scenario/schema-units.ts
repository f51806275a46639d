// The scenario schema's field types: durations, rates, sizes, bandwidths,
// probabilities, region ids and random durations (distributions), each
// parsed to the model's units (µs, bytes, per second) and bounded; and the
// bounds themselves. The sections of the schema (schema-*.ts) build on these.
import { z } from 'zod';
import { parseBandwidthBytesPerS, parseDurationUs, parseRatePerS, parseSizeBytes, type ParseResult } from '../core/units.ts';
import type { Dist } from '../core/distributions.ts';

/** Longest simulated span a scenario may ask for (30 days), in microseconds. */
export const MAX_DURATION_US = 30 * 86_400_000_000;
/** Highest rate a scenario may ask for, per second. */
export const MAX_RATE_PER_S = 10_000_000;
/**
 * Highest client load per region and operation kind, per second. repsim
 * simulates 0.1–0.4 M operations per wall second, so a simulated second at
 * this rate takes several wall seconds; what the whole run can hold is
 * judged before it starts (budget.ts).
 */
export const MAX_LOAD_PER_S = 1_000_000;
/** Most distinct keys per table: each costs memory on every node (budget.ts judges keys × tables × regions). */
export const MAX_KEYS = 10_000_000;
/** Shortest heartbeat and mean random-fault interval (a controller pinging faster than 1 ms, or faults arriving faster, is no longer a model of anything real). */
export const MIN_INTERVAL_US = 1_000;
/** Largest size a scenario may name, in bytes (1 TB). */
export const MAX_SIZE_BYTES = 1e12;

function unitField(parse: (v: unknown) => ParseResult, what: string, min: number, max: number, hint: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    const r = parse(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    if (!(r.value >= min) || !(r.value <= max)) {
      ctx.addIssue({ code: 'custom', message: `${what} ${JSON.stringify(v)} is out of range (${hint})` });
      return z.NEVER;
    }
    return r.value;
  });
}

/** A duration ≥ 0: a string with a unit (`250us`, `70ms`, `43s`, `10m`, `1h`) or a number of milliseconds. Parsed to microseconds. */
export const Duration = () =>
  unitField(parseDurationUs, 'duration', 0, MAX_DURATION_US, 'from 0 to 30 days').transform((us) => Math.round(us));
/** A signed duration (clock offsets and jumps may be negative). Parsed to microseconds. */
export const SignedDuration = () =>
  unitField(parseDurationUs, 'duration', -MAX_DURATION_US, MAX_DURATION_US, 'within ±30 days').transform((us) => Math.round(us));
/** A rate: `500/s`, `30/m`, or a number per second. Parsed to events per second. */
export const Rate = () => unitField(parseRatePerS, 'rate', 0, MAX_RATE_PER_S, 'from 0 to 10,000,000/s');
/** A client load: like Rate, at most MAX_LOAD_PER_S. */
export const LoadRate = () => unitField(parseRatePerS, 'rate', 0, MAX_LOAD_PER_S, 'from 0 to 1,000,000/s');
/** An interval of at least 1 ms (heartbeats, random faults). Parsed to microseconds. */
export const Interval = () =>
  unitField(parseDurationUs, 'duration', MIN_INTERVAL_US, MAX_DURATION_US, 'from 1ms to 30 days').transform((us) => Math.round(us));
/** A size: `512B`, `64KB` (1 KB = 1000 B), `1MiB`, or a number of bytes. */
export const Size = () => unitField(parseSizeBytes, 'size', 0, MAX_SIZE_BYTES, 'from 0 to 1TB').transform((b) => Math.round(b));
/** A bandwidth: `100MB/s`, `1GiB/s`, or a number of bytes per second. */
export const Bandwidth = () => unitField(parseBandwidthBytesPerS, 'bandwidth', 1, 1e13, 'from 1B/s to 10TB/s');
/** A probability in [0, 1]. */
export const Probability = () => z.number().min(0).max(1);

const REGION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** A region id as declared in `regions[].id`. */
export const RegionId = () =>
  z.string().regex(REGION_ID, 'a region id is 1–63 letters, digits, "-" or "_", starting with a letter or digit');

/**
 * A random duration: a constant duration, or a distribution object whose
 * location/scale parameters are durations (sigma and shape are unitless).
 */
export const DurationDist = () =>
  z.union([
    z.string(),
    z.number(),
    ...distObjects(),
    z.strictObject({
      dist: z.literal('mixture'),
      of: z
        .array(z.union(distObjects().map((o) => o.extend({ weight: z.number().gt(0).max(1).describe('Share of draws from this component; the weights sum to 1.') }))))
        .min(1)
        .max(64)
        .describe('Components, each a distribution object with a weight.'),
      min: Duration().optional(),
      max: Duration().optional(),
    }).describe('A weighted mixture, e.g. the PBS fits: {dist: mixture, of: [{weight: 0.9122, dist: pareto, scale: 0.235, shape: 10}, {weight: 0.0878, dist: exponential, mean: 0.602}]}.'),
  ])
    .superRefine((v, ctx) => {
      if (typeof v !== 'object') return;
      for (const c of v.dist === 'mixture' ? v.of : [v]) {
        if (c.dist === 'uniform' && c.min > c.max) ctx.addIssue({ code: 'custom', message: 'uniform: min must not exceed max' });
      }
      if (v.dist === 'mixture') {
        const sum = v.of.reduce((a, c) => a + c.weight, 0);
        if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', path: ['of'], message: `mixture: the weights sum to ${sum}, not 1` });
      }
    })
    .transform((v, ctx): Dist => {
      if (typeof v === 'string' || typeof v === 'number') {
        const r = parseDurationUs(v);
        if (!r.ok || !(r.value >= 0) || r.value > MAX_DURATION_US) {
          ctx.addIssue({ code: 'custom', message: r.ok ? 'duration out of range (0 to 30 days)' : `${r.message}, or a distribution object such as {dist: exponential, mean: 50us}` });
          return z.NEVER;
        }
        return { dist: 'constant', value: Math.round(r.value) };
      }
      return v as Dist;
    });

/** The distribution objects a random duration (or a mixture component) may be. */
function distObjects() {
  return [
    z.strictObject({ dist: z.literal('constant'), value: Duration(), min: Duration().optional(), max: Duration().optional() }),
    z.strictObject({ dist: z.literal('uniform'), min: Duration(), max: Duration() }),
    z.strictObject({ dist: z.literal('normal'), mean: Duration(), stddev: Duration(), min: Duration().optional(), max: Duration().optional() }),
    z.strictObject({ dist: z.literal('lognormal'), median: Duration(), sigma: z.number().min(0).max(10), min: Duration().optional(), max: Duration().optional() }),
    z.strictObject({ dist: z.literal('exponential'), mean: Duration(), min: Duration().optional(), max: Duration().optional() }),
    z.strictObject({ dist: z.literal('pareto'), scale: Duration(), shape: z.number().gt(0).max(1000), min: Duration().optional(), max: Duration().optional() }),
    z.strictObject({ dist: z.literal('empirical'), samples: z.array(Duration()).min(1).max(100_000), min: Duration().optional(), max: Duration().optional() }),
  ] as const;
}
