// The scenario schema's faults: one scheduled fault of exactly one kind
// (partition, crash, outage, pause, slow link, loss, slow apply, clock jump,
// STONITH failure, or random faults drawn from their own stream).
import { z } from 'zod';
import { Duration, DurationDist, Interval, Probability, RegionId, SignedDuration } from './schema-units.ts';

const GroupsPartition = z.strictObject({ groups: z.array(z.array(RegionId()).min(1)).min(2) });
export const FaultSchema = z
  .strictObject({
    at: Duration().describe('When the fault starts (simulated time from 0).'),
    for: Duration().optional().describe('How long it lasts; omitted = until the end of the run.'),
    partition: z
      .union([z.strictObject({ isolate: RegionId() }), GroupsPartition, z.strictObject({ from: RegionId(), to: RegionId() })])
      .optional()
      .describe('Cut links: {isolate: r}, {groups: [[a], [b, c]]} or one-way {from: a, to: b}.'),
    crash: z.strictObject({ region: RegionId() }).optional().describe('The region\'s database node crashes (restarts after `for`); its network stays up.'),
    outage: z.strictObject({ region: RegionId() }).optional().describe('The whole region goes dark: node, clients, controller and links.'),
    pause: z.strictObject({ region: RegionId() }).optional().describe('The node freezes (GC stall) and resumes after `for` as if nothing happened.'),
    slowLink: z.strictObject({ between: z.tuple([RegionId(), RegionId()]), factor: z.number().min(1).max(10_000) }).optional().describe('Delay on the links between two regions × factor.'),
    loss: z.strictObject({ between: z.tuple([RegionId(), RegionId()]), probability: Probability() }).optional().describe('Datagram loss between two regions.'),
    slowApply: z.strictObject({ region: RegionId(), factor: z.number().min(1).max(10_000) }).optional().describe('The region\'s replica applies writes × factor slower.'),
    clockJump: z.strictObject({ region: RegionId(), by: SignedDuration() }).optional().describe('The region\'s wall clock jumps by a signed duration.'),
    stonithFailure: z.strictObject({ probability: Probability() }).optional().describe('STONITH attempts fail with this probability while the fault lasts.'),
    random: z
      .strictObject({
        kinds: z.array(z.enum(['partition', 'crash', 'outage', 'pause', 'slowLink', 'loss', 'slowApply', 'clockJump'])).min(1),
        meanInterval: Interval().describe('Mean time between random faults (exponential), at least 1ms.'),
        duration: DurationDist().describe('Duration of each random fault.'),
      })
      .optional()
      .describe('Faults drawn at random from their own RNG stream, starting at `at`, until `for` ends.'),
  })
  .superRefine((f, ctx) => {
    const kinds = FAULT_KINDS.filter((k) => f[k] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0 ? `a fault needs one of: ${FAULT_KINDS.join(', ')}` : `a fault has exactly one kind; found ${kinds.join(' and ')}`,
      });
  })
  .describe('One scheduled fault.');

/** The fault kinds, in the order the schema lists them. */
export const FAULT_KINDS = ['partition', 'crash', 'outage', 'pause', 'slowLink', 'loss', 'slowApply', 'clockJump', 'stonithFailure', 'random'] as const;
