// The scenario schema's regions (each with its local clock) and the network
// between them.
import { z } from 'zod';
import { Bandwidth, Duration, DurationDist, Probability, RegionId, SignedDuration } from './schema-units.ts';

const ClockSchema = z
  .strictObject({
    offset: SignedDuration().prefault(0).describe('Offset of this region\'s clock from true time (signed duration). Default 0.'),
    driftPpm: z.number().min(-100_000).max(100_000).default(0).describe('Clock drift in parts per million (positive runs fast). Default 0.'),
  })
  .describe('The region\'s local wall clock: offset and drift from true time.');

export const RegionSchema = z
  .strictObject({
    id: RegionId().describe('Region id, e.g. "us-east-1". Referenced by network.rtt, topology, workload and faults.'),
    clock: ClockSchema.prefault({}),
  })
  .describe('One region: a database node, a router, client sessions and a local clock.');

export const NetworkSchema = z
  .strictObject({
    rtt: z
      .record(z.string(), z.record(z.string(), Duration()))
      .describe('Symmetric round-trip times: rtt[a][b] (either order) for every pair of regions. One-way delay is RTT/2 plus jitter.'),
    jitter: DurationDist().prefault(0).describe('Extra one-way delay per message, a random duration. Default 0.'),
    bandwidth: Bandwidth().prefault('1GB/s').describe('Per-link bandwidth for stream traffic (WAL, CDC): a batch of B bytes takes B/bandwidth to serialise. Default 1GB/s.'),
    intraRegionRtt: Duration().prefault('1ms').describe('Round trip between two processes of one region (a client and its database, replicas of one region). Every same-region request travels half of it (plus intraRegionJitter) to its node, and its answer back. Default 1ms.'),
    intraRegionJitter: DurationDist()
      .prefault(0)
      .describe('Extra one-way delay per message inside a region, a random duration, on its own random stream (network.jitter describes the links between regions). Default 0.'),
    hopOverhead: DurationDist()
      .prefault(0)
      .describe('Added each time a process receives a message it acts on (a client request or answer, a WAL batch or its acknowledgement, a Raft message, a leaderless leg): the cost of waking a process on a loaded host, as the lab calibration measures it. A random duration; default 0.'),
    loss: Probability().default(0).describe('Probability that a datagram (heartbeat, client request or reply) is lost on any inter-region link. Default 0.'),
  })
  .describe('The network between regions.');
