// The scenario schema's topology: how writes reach replicas, where reads go,
// and the settings of the consensus (Raft) and leaderless (quorum)
// topologies.
import { z } from 'zod';
import { Duration, DurationDist, Probability, Rate, RegionId, Size } from './schema-units.ts';

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
    leaderPlacement: z.enum(['preferred', 'initial']).default('preferred').describe('What consensus.leader means: preferred (a lease preference: leadership returns there by a transfer when a voter there is healthy and caught up; CockroachDB) | initial (the group only starts led from there and the leader stays wherever an election put it; etcd has no leader preference). Default preferred.'),
    answerFrom: z.enum(['leader', 'local']).default('leader').describe('Who answers a client\'s write: leader (the gateway sends it to the leader, whose reply acknowledges it once committed: CockroachDB) | local (the client\'s own region\'s voter takes it, forwards it to the leader, and answers once the commit index has reached it and it applied the entry: etcd; the leader then sends the new commit index to its followers at once, as etcd\'s raft does). Default leader.'),
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

export const TopologySchema = z
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
