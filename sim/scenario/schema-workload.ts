// The scenario schema's client workload: tables, keys, per-region load,
// reads after writes, sessions and the client timeout.
import { z } from 'zod';
import { Duration, DurationDist, LoadRate, MAX_KEYS, Probability, Size } from './schema-units.ts';

const TableSchema = z
  .strictObject({
    name: z.string().min(1).max(128).describe('Table name.'),
    share: z.number().gt(0).max(1).describe('Share of operations on this table; shares sum to 1.'),
    rowBytes: Size().prefault(256).describe('Bytes a write of one row adds to the WAL. Default 256B.'),
    merge: z.enum(['gset', 'orset']).optional().describe('active-active and leaderless: merge concurrent writes as a CRDT (gset: grow-only set; orset: add-wins set) instead of LWW.'),
  })
  .describe('A table of the workload.');

const RegionLoadSchema = z
  .strictObject({
    writes: LoadRate().prefault(0).describe('Write rate from this region\'s clients, e.g. 500/s, at most 1000000/s. Default 0.'),
    reads: LoadRate().prefault(0).describe('Read rate from this region\'s clients, at most 1000000/s. Default 0.'),
  })
  .describe('One region\'s client load.');

export const WorkloadSchema = z
  .strictObject({
    arrivals: z.enum(['poisson', 'constant']).default('poisson').describe('Arrival process per region and operation kind. Default poisson.'),
    keys: z
      .strictObject({
        count: z.number().int().min(1).max(MAX_KEYS).default(10_000).describe('Number of distinct keys (rows) per table, at most 10000000. Default 10000.'),
        distribution: z.enum(['uniform', 'zipf']).default('uniform').describe('Key popularity. Default uniform.'),
        s: z.number().min(0).max(10).default(0.99).describe('zipf exponent. Default 0.99.'),
      })
      .prefault({}),
    tables: z.array(TableSchema).min(1).max(1000).prefault([{ name: 'data', share: 1 }]).describe('Tables and their shares. Default one table "data".'),
    regions: z.record(z.string(), RegionLoadSchema).default({}).describe('Client load per region id.'),
    readAfterWrite: z
      .strictObject({
        probability: Probability().default(0).describe('Probability that a write is followed by a read of the same key by the same session. Default 0.'),
        delay: DurationDist().prefault(0).describe('Delay from the write\'s ack to that read. Default 0.'),
      })
      .prefault({}),
    remoteShare: Probability().default(0).describe('region-pinned, and consensus tables placed regional-by-row: share of a region\'s operations on users homed elsewhere. Default 0.'),
    sessions: z.number().int().min(1).max(1_000_000).default(10_000).describe('Client sessions per region (a session is one user\'s connection; read-your-writes is judged per session). Default 10000.'),
    clientTimeout: Duration().prefault('5s').describe('A request without an answer after this long counts as failed. Default 5s.'),
  })
  .describe('The client workload.');
