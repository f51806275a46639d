// The scenario schema: every field a scenario may have, its unit, default and
// doc. This is the single source of the scenario's TypeScript types and of
// the JSON Schema (`repsim schema`). Values are converted to the model's units
// here: durations to microseconds, sizes to bytes, rates to per second.
// Cross-field rules (regions exist, RTT for every pair, ...) live in
// validate.ts; reading YAML and locating errors lives in loader.ts.
//
// This file assembles the whole scenario from its sections — field types
// and bounds (schema-units.ts), regions and network (schema-network.ts),
// topology (schema-topology.ts), failover and monitoring
// (schema-failover.ts), workload (schema-workload.ts), faults
// (schema-faults.ts), prices (schema-costs.ts) — and re-exports their public names, so importers need
// only this file.
import { z } from 'zod';
import { RegionSchema, NetworkSchema } from './schema-network.ts';
import { TopologySchema } from './schema-topology.ts';
import { FailoverSchema, MonitoringSchema } from './schema-failover.ts';
import { WorkloadSchema } from './schema-workload.ts';
import { FaultSchema, type FAULT_KINDS } from './schema-faults.ts';
import { Duration } from './schema-units.ts';
import { CostsSchema } from './schema-costs.ts';

export {
  Bandwidth, Duration, DurationDist, Interval, LoadRate, MAX_DURATION_US, MAX_KEYS, MAX_LOAD_PER_S, MAX_RATE_PER_S, MAX_SIZE_BYTES, MIN_INTERVAL_US,
  Probability, Rate, RegionId, SignedDuration, Size,
} from './schema-units.ts';
export { FAULT_KINDS } from './schema-faults.ts';

const VariantSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'a variant name is 1–63 letters, digits, ".", "-" or "_"'),
    description: z.string().optional(),
    set: z.record(z.string(), z.unknown()).default({}).describe('Overrides: dotted path → value, as with --set.'),
  })
  .describe('A named variant of the scenario.');

/** A bound on one metric: an exact value, or {min, max}. */
export const BoundSchema = z.union([
  z.number(),
  z.boolean(),
  z.strictObject({ min: z.number().optional(), max: z.number().optional(), equals: z.number().optional() }),
]);

export const ScenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a scenario name is letters, digits, ".", "-" or "_"').describe('Scenario name (used in file names and reports).'),
    description: z.string().max(10_000).optional().describe('What the scenario shows; cite sources here.'),
    seed: z.number().int().min(0).max(2 ** 53 - 1).default(1).describe('Default seed. Default 1.'),
    duration: Duration().prefault('10m').describe('Simulated span. Default 10m.'),
    warmup: Duration().prefault(0).describe('Initial span excluded from metrics. Default 0.'),
    regions: z.array(RegionSchema).min(1).max(64).describe('Regions, each with one database node.'),
    network: NetworkSchema,
    topology: TopologySchema.prefault({}),
    failover: FailoverSchema.prefault({}),
    monitoring: MonitoringSchema.prefault({}),
    workload: WorkloadSchema.prefault({}),
    faults: z.array(FaultSchema).max(10_000).default([]).describe('Scheduled faults.'),
    costs: CostsSchema.optional(),
    variants: z.array(VariantSchema).max(1000).default([]).describe('Named variants: each applies `set` overrides to this scenario.'),
    expect: z.record(z.string(), z.unknown()).default({}).describe('Bounds asserted by `repsim check`: metric path → bound, or variant name → {metric path → bound}.'),
    check: z
      .strictObject({ seeds: z.number().int().min(1).max(10_000).default(3).describe('Seeds `repsim check` runs (seed, seed+1, ...). Default 3.') })
      .prefault({})
      .describe('Settings for `repsim check`.'),
  })
  .describe('A repsim scenario.');

/** A validated scenario, in model units (µs, bytes, per second). */
export type Scenario = z.output<typeof ScenarioSchema>;
/** A scenario as written (before defaults and unit conversion). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Fault = Scenario['faults'][number];
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Table = Scenario['workload']['tables'][number];

/** The JSON Schema of the scenario format, for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://repsim.dev/scenario.schema.json', title: 'repsim scenario' };
}
