// The summary JSON of one run (docs/metrics.md) as TypeScript types. Keys listed in
// docs/metrics.md are stable; additions (series, timeline, faults, ...) are ours.
// All times in milliseconds, sizes in bytes.

/** Percentile summary of a streamed histogram, in milliseconds. */
export interface Percentiles {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Bytes from one region to another over the run, by purpose. */
export interface TrafficLink {
  source: string;
  target: string;
  replicationBytes: number;
  clientBytes: number;
  controlBytes: number;
}

export interface TrafficSummary {
  /** Every directed pair of distinct regions, in region order. */
  links: TrafficLink[];
  crossRegionBytes: number;
  /** crossRegionBytes per second of simulated time. */
  crossRegionBytesPerSecond: number;
  /** Bytes sent inside regions (client to database, replicas of one region to each other). */
  intraRegionBytes: number;
}

export interface CostSummary {
  /** The run's cost: transfer plus hosts for the simulated span. */
  run: number;
  /** transferPerMonth + nodesPerMonth. */
  perMonth: number;
  /** The run's transfer cost at the same rate for 30 days. */
  transferPerMonth: number;
  /** The hosts' hourly prices for 30 days (720 hours). */
  nodesPerMonth: number;
}

export interface ChannelSummary {
  source: string;
  target: string;
  lagMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** Writes applied on this channel (after warmup). */
  applied: number;
  /** Final status of the channel. */
  status: 'active' | 'lagging' | 'failed' | 'rebuilding';
}

export interface FailoverSummary {
  from: string;
  to: string;
  reason: string;
  startedAtMs: number;
  completedAtMs: number;
  rtoMs: number;
  lostAckedWrites: number;
  lostBytes: number;
  /** Time of the fault that caused it (first missed heartbeat), ms. */
  faultAtMs: number;
  /** New epoch after the failover. */
  epoch: number;
  /** What ended the RTO: the new primary's first acknowledged write, or (none came) its promotion. */
  rtoEndsAt?: 'first-write' | 'promotion';
  /** consensus with per-table placement: the Raft group whose leader changed (placement.ts names them). */
  group?: string;
}

/** One Raft group of a consensus run with per-table placement. */
export interface ConsensusGroupSummary {
  /** `*` (tables not listed), a table name (regional-by-table) or `table@region` (regional-by-row). */
  name: string;
  /** Preferred leader region (the home). */
  home: string;
  /** Region of the leader at the end ('' if none). */
  leaderAtEnd: string;
  voters: number;
  nonVoters: number;
  elections: number;
  leaderChanges: number;
  maxTerm: number;
  /** Proposal → majority durable, ms. */
  commitLatencyMs: Percentiles;
  lostAckedWrites: number;
}

/** A per-second time series point for charts. */
export interface SeriesPoint {
  /** Start of the bucket, ms of simulated time. */
  tMs: number;
  /** Value in the series' unit. */
  value: number;
}

/** One lane segment of the per-region timeline chart. */
export interface TimelineSegment {
  region: string;
  /** What the region was doing. */
  state: 'primary' | 'replica' | 'down' | 'fenced' | 'partitioned' | 'paused' | 'rebuilding' | 'leader' | 'follower' | 'candidate' | 'unreachable';
  /** The node's role during the segment (a partitioned or paused primary is still a primary: a zombie). */
  role?: 'primary' | 'replica';
  startMs: number;
  endMs: number;
}

/** A fault window, for shading charts. */
export interface FaultWindow {
  kind: string;
  label: string;
  startMs: number;
  endMs: number;
}

export interface Summary {
  scenario: string;
  variant: string;
  topology: string;
  seed: number;
  replayKey: string;
  simulatedMs: number;
  /** Initial span excluded from metrics, ms (our addition). */
  warmupMs?: number;
  events: number;
  metrics: {
    reads: {
      total: number;
      stale: number;
      staleFraction: number;
      stalenessMs: Percentiles;
      versionsBehind: { mean: number; max: number };
      rywViolations: number;
      monotonicViolations: number;
      latencyMs: Percentiles;
      failed: number;
      /** Per client region: seconds weighted by the share of that region's reads that failed, ms (as rto.writeUnavailableMs for writes). Absent in summaries written before it existed. */
      unavailableMs?: Record<string, number>;
      /** t-visibility (docs/model.md). */
      visibility?: { points: Array<{ tMs: number; p: number | null; reads: number }>; t99Ms: number | null; t999Ms: number | null };
      /** k-staleness (docs/model.md): probability that a read returns one of the k newest acknowledged versions, k = 1 … 5. */
      kStaleness?: Array<{ k: number; p: number }>;
    };
    writes: {
      total: number;
      acked: number;
      failed: number;
      latencyMs: Percentiles;
    };
    replication: {
      lagMs: Percentiles;
      channels: ChannelSummary[];
      alerts: { warning: number; critical: number };
    };
    rpo: { lostAckedWrites: number; lostBytes: number; lossWindowMs: number };
    rto: { maxMs: number; writeUnavailableMs: Record<string, number> };
    splitBrain: { occurrences: number; durationMs: number; divergentWrites: number };
    conflicts: { total: number; lostUpdates: number };
    availability: { writes: number; reads: number };
    failovers: FailoverSummary[];
    failoversRefused: number;
    /** Bytes the network carried over the whole run (warmup included), per directed pair of regions and purpose (docs/metrics.md, "Traffic"). Absent in summaries written before it existed. */
    traffic?: TrafficSummary;
    /** With `costs` in the scenario: the run's cost and the same rate over a 30-day month (docs/metrics.md, "Cost"). */
    cost?: CostSummary;
    /** consensus topology only (docs/model.md): elections, pre-vote rounds, leader changes, highest term, commit latency per leader region, read unavailability per region, lease hazards beyond the clock bound. */
    consensus?: {
      elections: number;
      preVotes: number;
      leaderChanges: number;
      maxTerm: number;
      commitLatencyMs: Record<string, Percentiles>;
      /** Per client region: seconds weighted by the share of reads that failed, ms (as rto.writeUnavailableMs for writes). */
      readUnavailableMs: Record<string, number>;
      leaseReadsBeyondClockBound: number;
      /**
       * With topology.consensus.tables: latency of successful operations whose row's group prefers its
       * leader in the client's region (local) or elsewhere (remote), ms.
       */
      latencyMs?: {
        local: { writes: Percentiles; reads: Percentiles };
        remote: { writes: Percentiles; reads: Percentiles };
      };
      /** With topology.consensus.tables: one entry per Raft group. */
      groups?: ConsensusGroupSummary[];
    };
  };
  /** Per-second series for charts (our addition). */
  series: {
    /** Replication lag per second, per channel "source->target", ms: the largest of the monitor's 250 ms samples of the age of the oldest write the target has not applied. */
    lagMs: Record<string, SeriesPoint[]>;
    /** Stale-read fraction per second. */
    staleFraction: SeriesPoint[];
    /** Writes acknowledged per second. */
    writesAcked: SeriesPoint[];
  };
  /** Staleness CDF points of stale reads: {ms, fraction of all reads with staleness ≤ ms}. */
  stalenessCdf: Array<{ ms: number; fraction: number }>;
  timeline: TimelineSegment[];
  faults: FaultWindow[];
  /** Invariant violations found during the run (empty when all held). */
  invariantViolations: string[];
}
