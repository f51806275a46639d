// The scenario schema: every field a scenario may have, its unit, default and
// doc. This is the single source of the scenario's TypeScript types and of
// the JSON Schema (`repsim schema`). Values are converted to the model's units
// here: durations to microseconds, sizes to bytes, rates to per second.
// Cross-field rules (regions exist, RTT for every pair, ...) live in
// validate.ts; reading YAML and locating errors lives in loader.ts.
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

// ---------------------------------------------------------------------------

const ClockSchema = z
  .strictObject({
    offset: SignedDuration().prefault(0).describe('Offset of this region\'s clock from true time (signed duration). Default 0.'),
    driftPpm: z.number().min(-100_000).max(100_000).default(0).describe('Clock drift in parts per million (positive runs fast). Default 0.'),
  })
  .describe('The region\'s local wall clock: offset and drift from true time.');

const RegionSchema = z
  .strictObject({
    id: RegionId().describe('Region id, e.g. "us-east-1". Referenced by network.rtt, topology, workload and faults.'),
    clock: ClockSchema.prefault({}),
  })
  .describe('One region: a database node, a router, client sessions and a local clock.');

const NetworkSchema = z
  .strictObject({
    rtt: z
      .record(z.string(), z.record(z.string(), Duration()))
      .describe('Symmetric round-trip times: rtt[a][b] (either order) for every pair of regions. One-way delay is RTT/2 plus jitter.'),
    jitter: DurationDist().prefault(0).describe('Extra one-way delay per message, a random duration. Default 0.'),
    bandwidth: Bandwidth().prefault('1GB/s').describe('Per-link bandwidth for stream traffic (WAL, CDC): a batch of B bytes takes B/bandwidth to serialise. Default 1GB/s.'),
    intraRegionRtt: Duration().prefault('1ms').describe('Round trip between a client and the database in its own region. Default 1ms.'),
    loss: Probability().default(0).describe('Probability that a datagram (heartbeat, client request or reply) is lost on any inter-region link. Default 0.'),
  })
  .describe('The network between regions.');

const ReplicationSchema = z
  .strictObject({
    mode: z.enum(['async', 'semi-sync', 'sync']).default('async').describe('async: ack on local commit; semi-sync: ack when syncReplicas replicas have received it; sync: ack when all replicas have applied it. Default async.'),
    syncReplicas: z.number().int().min(1).max(64).default(1).describe('Replicas that must receive a commit before a semi-sync ack. Default 1.'),
    channel: z.enum(['wal', 'cdc']).default('wal').describe('wal: ordered physical stream; cdc: row changes through a log broker. Default wal.'),
    shipInterval: Duration().prefault('10ms').describe('WAL batch flush interval; 0ms ships every commit at once. Default 10ms.'),
    applyTime: DurationDist().prefault({ dist: 'exponential', mean: '50us' }).describe('Time a replica takes to apply one write. Default exponential, mean 50us.'),
    filters: z.array(z.string()).max(1000).default([]).describe('Tables excluded from shipping (e.g. audit logs). Default none.'),
    semiSyncTimeout: Duration().optional().describe('semi-sync only: after waiting this long for replica acks the primary falls back to async for that commit (MySQL rpl_semi_sync_source_timeout). Default: never (writes block).'),
    cdcDelay: DurationDist().prefault({ dist: 'exponential', mean: '20ms' }).describe('cdc only: the log broker\'s extra hop delay, drawn per row change. Default exponential, mean 20ms.'),
    cdcPartitions: z.number().int().min(1).max(4096).default(8).describe('cdc only: log broker partitions per channel; a row\'s changes go to partition rowId mod cdcPartitions and stay in order there. Default 8.'),
    cdcThroughput: Rate().refine((r) => r > 0, 'cdcThroughput must be positive').prefault('50000/s').describe('cdc only: row changes each broker partition delivers per second. Default 50000/s.'),
    walRetention: Size().refine((b) => b > 0, 'walRetention must be positive').optional().describe('WAL each node keeps for replicas that lag (like wal_keep_size): older WAL is trimmed, and a replica that needs it must be rebuilt from a snapshot. Default per topology: 16MB single-primary, 256MB active-active (kept per origin for its peers); region-pinned replicates nothing.'),
  })
  .describe('How writes reach replicas.');

const ReadsSchema = z
  .strictObject({
    routing: z.enum(['local', 'primary']).default('local').describe('local: nearest replica; primary: always the primary. Default local.'),
    readYourWrites: z
      .strictObject({
        strategy: z.enum(['none', 'wrote-recently', 'session-lsn', 'primary']).default('none').describe('none | wrote-recently | session-lsn | primary. Default none.'),
        ttl: Duration().prefault('5s').describe('wrote-recently: how long after a write the session reads from the primary. Default 5s.'),
        timeout: Duration().prefault('1s').describe('session-lsn: how long the local replica may wait to reach the session\'s LSN before the read falls back to the primary. Default 1s.'),
      })
      .prefault({})
      .describe('Read-your-writes strategy.'),
  })
  .describe('Where reads go.');

const READ_STRATEGIES = ['leaseholder', 'read-index', 'follower', 'local-unsafe'] as const;
const ReplicaCounts = () => z.record(z.string(), z.number().int().min(0).max(15));

// Table localities as CockroachDB's multi-region SQL names them
// (cockroachlabs.com/docs/stable/table-localities: REGIONAL BY TABLE, REGIONAL
// BY ROW) and its survival goals (docs/stable/multiregion-survival-goals:
// ZONE = 3 voters in the home region and a non-voter in each other region;
// REGION = 2 voters at home and 3 elsewhere, at least 3 regions).
const TablePlacementSchema = z
  .strictObject({
    locality: z.enum(['regional-by-table', 'regional-by-row']).describe('regional-by-table: the table is one Raft group with its own placement and leader region (CockroachDB REGIONAL BY TABLE IN region). regional-by-row: one group per home region, led from there, holding the rows homed there (home = key mod region count, the rows region-pinned homes; clients pick rows homed in their region except workload.remoteShare of their operations) — CockroachDB REGIONAL BY ROW.'),
    leader: RegionId().optional().describe('regional-by-table: the table\'s preferred leader region (its home). Default: topology.consensus.leader (the first region if unset). Not for regional-by-row (each home region leads its rows).'),
    voters: ReplicaCounts().optional().describe('regional-by-table: voting replicas per region id. Default: from survival if set, else topology.consensus.voters. Not for regional-by-row (survival places them).'),
    nonVoters: ReplicaCounts().optional().describe('regional-by-table: non-voting replicas per region id. Default: from survival if set, else topology.consensus.nonVoters. Not for regional-by-row.'),
    survival: z.enum(['zone', 'region']).optional().describe('Survival goal placing the voters relative to the home region: zone = 3 voters at home (one per zone) and a non-voter in each other region (a region outage takes the group down with it); region = 2 voters at home and 3 spread over the other regions nearest first, with a non-voter in any region left without a replica (needs at least 3 regions; survives a region outage, local writes pay the RTT to the nearest other region). Default: zone for regional-by-row; for regional-by-table, unset (the voters above apply).'),
  })
  .describe('Placement of one table.');

// Defaults are CockroachDB's (pkg/base/config.go: a 500 ms Raft tick, heartbeats every
// 2 ticks, election timeout 4 ticks randomised ×[1, 2), CheckQuorum on, 6 s range
// leases; --max-offset 500ms; follower_read_timestamp() reads 4.8 s in the past).
const ConsensusSchema = z
  .strictObject({
    voters: ReplicaCounts().optional().describe('Voting replicas per region id; several in one region stand for zones (e.g. {us-east-1: 2, eu-west-1: 2, ap-southeast-1: 1}). A majority of all voters commits. Default: 1 per region.'),
    nonVoters: ReplicaCounts().default({}).describe('Non-voting read replicas per region id, fed asynchronously by the leader (CockroachDB non-voters); they never vote or count toward a quorum. Default none.'),
    leader: RegionId().optional().describe('Preferred leader region (lease preference): the group starts led from there and returns there when a voter there is healthy and caught up. Default: the first region.'),
    heartbeatInterval: Duration().prefault('1s').describe('Leader heartbeat interval (also renews the lease). Default 1s (CockroachDB: 2 ticks of 500ms).'),
    electionTimeout: Duration().prefault('2s').describe('Base election timeout: a follower that hears no leader for its timeout, drawn uniformly in [1×, 2×) of this at every term change, campaigns. Default 2s (CockroachDB: 4 ticks of 500ms).'),
    preVote: z.boolean().default(true).describe('Pre-vote: a node campaigns only if a majority would vote for it, so a node cut off one way cannot disrupt a healthy leader. Default true.'),
    checkQuorum: z.boolean().default(true).describe('Check-quorum: a leader that has not heard from a majority for an election timeout steps down, and followers that heard from a leader within an election timeout ignore vote requests. Default true (CockroachDB COCKROACH_RAFT_ENABLE_CHECKQUORUM).'),
    leaseDuration: Duration().prefault('6s').describe('Leader lease: the leader serves leaseholder reads while a majority acknowledged a heartbeat sent within this long (on its own clock); a new leader serves only once the previous lease has surely expired on its clock (its expiry + maxClockOffset). 0s: no lease (leaseholder reads use read-index). Default 6s (CockroachDB defaultRangeLeaseDuration).'),
    maxClockOffset: Duration().prefault('500ms').describe('Bound on the offset between any two clocks that lease safety assumes. Default 500ms (CockroachDB --max-offset).'),
    reads: z
      .union([z.enum(READ_STRATEGIES), z.record(z.string(), z.enum(READ_STRATEGIES))])
      .default('leaseholder')
      .describe('Read strategy for all regions, or per region id (regions not named use leaseholder): leaseholder (linearizable, the leader answers under its lease) | read-index (the leader confirms leadership with a quorum round trip per read) | follower (the nearest replica answers as of now − followerReadLag once its closed timestamp allows, else the leaseholder does) | local-unsafe (the nearest replica answers from what it has). Default leaseholder.'),
    followerReadLag: Duration().prefault('4.8s').describe('follower reads: how far in the past they read. Default 4.8s (CockroachDB follower_read_timestamp()).'),
    tables: z.record(z.string(), TablePlacementSchema).default({}).describe('Placement per table name (workload.tables): a listed table gets its own Raft groups (regional-by-table: one; regional-by-row: one per home region), each with its own replicas, elections and leases; tables not listed share the group placed by the fields above. Default {} (one group for every table).'),
  })
  .describe('consensus: a Raft group over regions. Writes commit when a majority of voters hold them durably (durability time per entry: topology.replication.applyTime); the client\'s ack follows commit.');

/** A leaderless consistency level: ONE | TWO | THREE | QUORUM | LOCAL_QUORUM | EACH_QUORUM | ALL, or a replica count. */
const ConsistencyLevelSchema = () =>
  z.union([z.enum(['ONE', 'TWO', 'THREE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL']), z.number().int().min(1).max(1000)]);

const LeaderlessSchema = z
  .strictObject({
    replicas: z
      .record(z.string(), z.number().int().min(0).max(100))
      .optional()
      .describe('Replicas of every key per region id (Cassandra NetworkTopologyStrategy counts); N is their sum. Default: 1 per region.'),
    write: ConsistencyLevelSchema().default('QUORUM').describe('Write consistency level: the coordinator acknowledges once this many replicas (ONE, TWO, THREE, QUORUM = ⌊N/2⌋+1, LOCAL_QUORUM = a majority of its own region\'s replicas, EACH_QUORUM = a majority in every region, ALL, or an integer) have the write. Default QUORUM.'),
    read: ConsistencyLevelSchema().default('QUORUM').describe('Read consistency level: the coordinator answers with the newest version among the first answers that meet it (same levels as write). Default QUORUM.'),
    readFanout: z.enum(['all', 'nearest']).default('all').describe('all: ask every reachable replica and answer after the first replies that meet the level (Dynamo, PBS); nearest: ask only the nearest replicas the level needs (Cassandra\'s snitch). Default all.'),
    timestamps: z.enum(['wallclock', 'hlc']).default('wallclock').describe('Write timestamps for last-writer-wins: the coordinator region\'s skewed wall clock (Cassandra; clock skew loses updates) or its hybrid logical clock. Default wallclock.'),
    readRepair: Probability().default(0.1).describe('Probability that a read repairs the replicas it heard stale answers from (they get the newest version). Default 0.1.'),
    hintedHandoff: z
      .union([
        z.literal(false),
        z.strictObject({
          maxHintWindow: Duration().prefault('3h').describe('A hint older than this is dropped (Cassandra max_hint_window). Default 3h.'),
          replayInterval: Duration().prefault('10s').describe('How often a node replays its hints to replicas that are reachable again. Default 10s.'),
        }),
      ])
      .prefault({})
      .describe('Hinted handoff: the coordinator keeps a hint for a replica that was unreachable (or did not acknowledge within workload.clientTimeout) and replays it later; false turns it off. Default on, with the defaults below.'),
    antiEntropyInterval: Duration().prefault('0s').describe('Period of anti-entropy repair between every pair of reachable replicas; 0s: off. Default 0s.'),
    sloppyQuorum: z.boolean().default(false).describe('Sloppy quorum (Dynamo, Riak): a spare node in the coordinator\'s region stands in for an unreachable replica, acknowledges the write and keeps a hint for it; writes then fail only when the coordinator is down. Default false.'),
    legs: z
      .strictObject({
        write: DurationDist().optional().describe('Whole time of a write request, coordinator → replica, including the replica\'s work (PBS W).'),
        ack: DurationDist().optional().describe('Whole time of a write acknowledgement, replica → coordinator (PBS A).'),
        read: DurationDist().optional().describe('Whole time of a read request, coordinator → replica, including the lookup (PBS R).'),
        response: DurationDist().optional().describe('Whole time of a read response, replica → coordinator (PBS S).'),
      })
      .prefault({})
      .describe('Per-leg latency overrides, e.g. measured on a real cluster. Default for each leg: the link\'s one-way delay (RTT/2 × slow factor + jitter; half of intraRegionRtt within a region) plus, for write and read, one draw of topology.replication.applyTime as the replica\'s service time.'),
  })
  .describe('leaderless: Dynamo / Cassandra / Riak-style quorum replication (N replicas, R and W consistency levels).');

const TopologySchema = z
  .strictObject({
    kind: z.enum(['single-primary', 'active-active', 'region-pinned', 'consensus', 'leaderless']).default('single-primary').describe('single-primary | active-active | region-pinned | consensus | leaderless. Default single-primary.'),
    primary: RegionId().optional().describe('single-primary: the initial primary region. Default: the first region.'),
    replication: ReplicationSchema.prefault({}),
    reads: ReadsSchema.prefault({}),
    consensus: ConsensusSchema.prefault({}),
    conflict: z.enum(['lww-hlc', 'lww-wallclock']).default('lww-hlc').describe('active-active: last-writer-wins on hybrid logical clocks or on the skewed wall clock. Tables with `merge` use their CRDT instead. Default lww-hlc.'),
    leaderless: LeaderlessSchema.prefault({}),
  })
  .describe('Replication topology.');

const FailoverSchema = z
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

const MonitoringSchema = z
  .strictObject({
    lagWarning: Duration().prefault('1s').describe('Replication lag that raises a warning alert. Default 1s.'),
    lagCritical: Duration().prefault('5s').describe('Replication lag that raises a critical alert. Default 5s.'),
  })
  .describe('Replication lag alerts.');

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

const WorkloadSchema = z
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

const GroupsPartition = z.strictObject({ groups: z.array(z.array(RegionId()).min(1)).min(2) });
const FaultSchema = z
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
