// The scenario schema's control plane: failure detection, failover and
// fencing (single-primary), and replication lag alerts.
import { z } from 'zod';
import { Duration, Interval, Probability, RegionId } from './schema-units.ts';

export const FailoverSchema = z
  .strictObject({
    mode: z.enum(['automatic', 'manual', 'none']).default('automatic').describe('automatic: the controller fails over; manual: detection and alerts only; none: no controller. Default automatic.'),
    controller: RegionId().optional().describe('Region hosting the failover controller. Default: the first region that is not the primary.'),
    heartbeatInterval: Interval().prefault('1s').describe('Controller ping interval, at least 1ms. Default 1s.'),
    detectionTimeout: Duration().prefault('10s').describe('Time without a heartbeat answer before the primary is declared failed. Default 10s.'),
    candidate: z.string().default('most-caught-up').describe('most-caught-up, or a region id. Default most-caught-up.'),
    maxDataLoss: Duration().prefault('5s').describe('Refuse to promote a candidate whose replication lag exceeds this. Default 5s.'),
    fencing: z.enum(['none', 'stonith', 'lease']).default('stonith').describe('none | stonith | lease. Default stonith.'),
    stonithDelay: Duration().prefault('2s').describe('Time the out-of-band power-off takes. Default 2s.'),
    stonithFailureProbability: Probability().default(0).describe('Probability that a STONITH attempt fails. Default 0.'),
    leaseDuration: Duration().prefault('5s').describe('lease fencing: a primary stops accepting writes when its lease (renewed through the controller) lapses. Default 5s.'),
    promotionTime: Duration().prefault('1s').describe('Time to promote the candidate once fencing is done. Default 1s.'),
    dnsTtl: Duration().prefault('30s').describe('How long clients cache the primary\'s address. Default 30s.'),
    rejoin: z.enum(['rewind', 'rebuild']).default('rewind').describe('How a returning old primary rejoins: rewind (discard unreplicated WAL) or rebuild (full snapshot). Default rewind.'),
  })
  .describe('Failure detection, failover and fencing (single-primary).');

export const MonitoringSchema = z
  .strictObject({
    lagWarning: Duration().prefault('1s').describe('Replication lag that raises a warning alert. Default 1s.'),
    lagCritical: Duration().prefault('5s').describe('Replication lag that raises a critical alert. Default 5s.'),
  })
  .describe('Replication lag alerts.');
