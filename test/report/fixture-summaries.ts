// Hand-made run summaries for report tests: plausible numbers for a
// three-region single-primary scenario whose primary region is partitioned
// for 43 s, in three variants over three seeds; a shipInterval sweep; and a
// single run. Deterministic (own small PRNG). Not a simulation: the numbers
// only have to look like one.
import type { FailoverSummary, FaultWindow, SeriesPoint, Summary, TimelineSegment } from '../../sim/scenario/summary-types.ts';
import type { RunResult } from '../../sim/report/runs.ts';

/** mulberry32: a tiny seeded PRNG, good enough for fixture noise. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** How a fixture variant behaves. */
interface Profile {
  /** Writes lost per failover, mean. */
  lostWrites: number;
  /** RTO, ms. */
  rtoMs: number;
  /** Write latency p50 / p99, ms. */
  writeP50Ms: number;
  writeP99Ms: number;
  staleFraction: number;
  /** Median staleness of stale reads, ms. */
  stalenessMedianMs: number;
  splitBrain: boolean;
  /** Lag multiplier while shipping normally. */
  lagFactor: number;
}

const PROFILES: Record<string, Profile> = {
  'async-stonith': { lostWrites: 38, rtoMs: 14_200, writeP50Ms: 1.1, writeP99Ms: 3.4, staleFraction: 0.031, stalenessMedianMs: 45, splitBrain: false, lagFactor: 1 },
  'async-no-fencing': { lostWrites: 310, rtoMs: 12_100, writeP50Ms: 1.1, writeP99Ms: 3.5, staleFraction: 0.047, stalenessMedianMs: 60, splitBrain: true, lagFactor: 1 },
  'semi-sync-stonith': { lostWrites: 0, rtoMs: 14_600, writeP50Ms: 36, writeP99Ms: 78, staleFraction: 0.012, stalenessMedianMs: 25, splitBrain: false, lagFactor: 0.8 },
  async: { lostWrites: 20, rtoMs: 13_900, writeP50Ms: 1.1, writeP99Ms: 3.4, staleFraction: 0.03, stalenessMedianMs: 40, splitBrain: false, lagFactor: 1 },
  'semi-sync': { lostWrites: 0, rtoMs: 14_500, writeP50Ms: 36, writeP99Ms: 78, staleFraction: 0.012, stalenessMedianMs: 25, splitBrain: false, lagFactor: 0.8 },
};

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;
const SIMULATED_MS = 600_000;
const PARTITION = { startMs: 120_000, endMs: 163_000 };

function percentiles(median: number, spread: number, rand: () => number): Summary['metrics']['reads']['latencyMs'] {
  const p50 = round(median * (0.95 + 0.1 * rand()));
  return {
    mean: round(p50 * 1.15),
    p50,
    p95: round(p50 * spread * 0.7),
    p99: round(p50 * spread),
    max: round(p50 * spread * 3.1),
  };
}

function faultsOf(): FaultWindow[] {
  return [
    { kind: 'partition', label: 'partition: isolate us-east-1', ...PARTITION },
    { kind: 'clockJump', label: 'clock jump +2 s (ap-southeast-1)', startMs: 300_000, endMs: 300_000 },
    { kind: 'slowApply', label: 'slow apply ×5 (ap-southeast-1)', startMs: 360_000, endMs: 420_000 },
    { kind: 'pause', label: 'GC pause (ap-southeast-1)', startMs: 480_000, endMs: 485_000 },
  ];
}

function timelineOf(failoverAtMs: number, fenced: boolean): TimelineSegment[] {
  const [us, eu, ap] = REGIONS;
  const rejoinAt = fenced ? 171_000 : PARTITION.endMs;
  return [
    { region: us, state: 'primary', startMs: 0, endMs: PARTITION.startMs },
    { region: us, state: 'partitioned', startMs: PARTITION.startMs, endMs: fenced ? failoverAtMs - 1_000 : PARTITION.endMs },
    ...(fenced
      ? [
          { region: us, state: 'fenced' as const, startMs: failoverAtMs - 1_000, endMs: failoverAtMs + 1_000 },
          { region: us, state: 'down' as const, startMs: failoverAtMs + 1_000, endMs: rejoinAt },
        ]
      : []),
    { region: us, state: 'rebuilding', startMs: rejoinAt, endMs: rejoinAt + 14_000 },
    { region: us, state: 'replica', startMs: rejoinAt + 14_000, endMs: SIMULATED_MS },
    { region: eu, state: 'replica', startMs: 0, endMs: failoverAtMs },
    { region: eu, state: 'primary', startMs: failoverAtMs, endMs: SIMULATED_MS },
    { region: ap, state: 'replica', startMs: 0, endMs: 480_000 },
    { region: ap, state: 'paused', startMs: 480_000, endMs: 485_000 },
    { region: ap, state: 'replica', startMs: 485_000, endMs: SIMULATED_MS },
  ];
}

function lagSeries(profile: Profile, failoverAtMs: number, bucketMs: number, rand: () => number): Record<string, SeriesPoint[]> {
  const [us, eu, ap] = REGIONS;
  const series: Record<string, SeriesPoint[]> = {
    [`${us}->${eu}`]: [],
    [`${us}->${ap}`]: [],
    [`${eu}->${ap}`]: [],
    [`${eu}->${us}`]: [],
  };
  const push = (key: string, tMs: number, value: number): void => {
    series[key]?.push({ tMs, value: round(value, 2) });
  };
  for (let tMs = 0; tMs < SIMULATED_MS; tMs += bucketMs) {
    const noise = 0.85 + 0.3 * rand();
    const slow = tMs >= 360_000 && tMs < 420_000 ? 1 + (tMs - 360_000) / 4_000 : 1;
    if (tMs < PARTITION.startMs) {
      push(`${us}->${eu}`, tMs, 38 * noise * profile.lagFactor);
      push(`${us}->${ap}`, tMs, 79 * noise * profile.lagFactor);
    } else if (tMs < failoverAtMs) {
      // Cut off: the lag of what the replicas hold grows with time.
      push(`${us}->${eu}`, tMs, 38 + (tMs - PARTITION.startMs));
      push(`${us}->${ap}`, tMs, 79 + (tMs - PARTITION.startMs));
    } else {
      push(`${eu}->${ap}`, tMs, 82 * noise * profile.lagFactor * slow + (tMs - failoverAtMs < 4_000 ? 2_500 : 0));
      if (tMs >= 171_000) {
        const catchUp = tMs < 185_000 ? (185_000 - tMs) * 0.6 : 0;
        push(`${eu}->${us}`, tMs, 37 * noise * profile.lagFactor + catchUp);
      }
    }
  }
  return series;
}

function stalenessCdfOf(profile: Profile, rand: () => number): Array<{ ms: number; fraction: number }> {
  const points: Array<{ ms: number; fraction: number }> = [];
  const median = profile.stalenessMedianMs * (0.9 + 0.2 * rand());
  const maxMs = 43_000 * (0.8 + 0.2 * rand());
  for (let i = 0; i <= 40; i++) {
    const ms = round(0.5 * (maxMs / 0.5) ** (i / 40), 2);
    const staleAtMost = 1 - 1 / (1 + (ms / median) ** 1.3);
    points.push({ ms, fraction: i === 40 ? 1 : round(1 - profile.staleFraction * (1 - staleAtMost), 6) });
  }
  return points;
}

/** One fixture run summary. */
export function fixtureSummary(opts: {
  scenario: string;
  variant: string;
  seed: number;
  params?: Record<string, number | string>;
  /** Multiplies lost writes (e.g. with a larger ship interval). */
  lossFactor?: number;
  /** Adds to write latency, ms. */
  extraWriteMs?: number;
  /** Series bucket, ms (the simulation uses 1000; fixtures on disk use more to stay small). */
  bucketMs?: number;
}): RunResult {
  const bucketMs = opts.bucketMs ?? 1_000;
  const buckets = SIMULATED_MS / bucketMs;
  const profile = PROFILES[opts.variant];
  if (profile === undefined) throw new Error(`no fixture profile for variant ${opts.variant}`);
  const rand = prng(hash(`${opts.scenario}/${opts.variant}/${opts.seed}/${JSON.stringify(opts.params ?? {})}`));
  const rtoMs = round(profile.rtoMs * (0.9 + 0.2 * rand()), 1);
  const failoverAtMs = Math.round(PARTITION.startMs + rtoMs - 1_500);
  const lost = Math.round(profile.lostWrites * (opts.lossFactor ?? 1) * (0.6 + 0.8 * rand()));
  const readsTotal = 2_400_000 + Math.round(20_000 * rand());
  const writesTotal = 440_000 + Math.round(5_000 * rand());
  const staleFraction = round(profile.staleFraction * (0.85 + 0.3 * rand()), 5);
  const writeLatency = percentiles(profile.writeP50Ms + (opts.extraWriteMs ?? 0), profile.writeP99Ms / profile.writeP50Ms, rand);
  const stalenessMs = percentiles(profile.stalenessMedianMs, 40 + 20 * rand(), rand);
  const failover: FailoverSummary = {
    from: 'us-east-1',
    to: 'eu-west-1',
    reason: 'primary-unreachable',
    faultAtMs: PARTITION.startMs,
    startedAtMs: PARTITION.startMs + 10_000,
    completedAtMs: failoverAtMs,
    rtoMs,
    lostAckedWrites: lost,
    lostBytes: lost * 420,
    epoch: 2,
  };
  const series = lagSeries(profile, failoverAtMs, bucketMs, rand);
  const scale = { warning: Math.round(3 + 2 * rand()), critical: Math.round(1 + rand()) };
  const summary: Summary = {
    scenario: opts.scenario,
    variant: opts.variant,
    topology: 'single-primary',
    seed: opts.seed,
    replayKey: `rk1-${opts.seed}-${hash(opts.scenario).toString(16)}-${hash(opts.variant + JSON.stringify(opts.params ?? {})).toString(16)}`,
    simulatedMs: SIMULATED_MS,
    events: 1_200_000 + Math.round(100_000 * rand()),
    metrics: {
      reads: {
        total: readsTotal,
        stale: Math.round(readsTotal * staleFraction),
        staleFraction,
        stalenessMs,
        versionsBehind: { mean: round(1.2 + rand(), 2), max: 40 + Math.round(20 * rand()) },
        rywViolations: Math.round(3 * rand()),
        monotonicViolations: Math.round(2 * rand()),
        latencyMs: percentiles(0.6, 4, rand),
        failed: Math.round(1000 * rand()),
      },
      writes: {
        total: writesTotal,
        acked: writesTotal - 3_000,
        failed: 3_000,
        latencyMs: writeLatency,
      },
      replication: {
        lagMs: percentiles(55 * profile.lagFactor, 30 + 40 * rand(), rand),
        channels: Object.keys(series).map((key) => {
          const [source = '', target = ''] = key.split('->');
          return { source, target, lagMs: percentiles(50, 30, rand), applied: 400_000, status: 'active' as const };
        }),
        alerts: scale,
      },
      rpo: { lostAckedWrites: lost, lostBytes: lost * 420, lossWindowMs: lost > 0 ? round(2_000 + 8_000 * rand(), 1) : 0 },
      rto: { maxMs: rtoMs, writeUnavailableMs: { 'us-east-1': rtoMs, 'eu-west-1': round(rtoMs * 0.9, 1), 'ap-southeast-1': round(rtoMs * 0.95, 1) } },
      splitBrain: profile.splitBrain
        ? { occurrences: 1, durationMs: round(28_000 + 4_000 * rand(), 1), divergentWrites: lost }
        : { occurrences: 0, durationMs: 0, divergentWrites: 0 },
      conflicts: { total: 0, lostUpdates: 0 },
      availability: { writes: round(1 - rtoMs / SIMULATED_MS, 5), reads: round(0.999 - 0.001 * rand(), 5) },
      failovers: [failover],
      failoversRefused: 0,
    },
    series: {
      lagMs: series,
      staleFraction: Array.from({ length: buckets }, (_, i) => ({ tMs: i * bucketMs, value: round(staleFraction * (0.5 + rand()), 5) })),
      writesAcked: Array.from({ length: buckets }, (_, i) => ({ tMs: i * bucketMs, value: Math.round((780 + 40 * rand()) * (bucketMs / 1_000)) })),
    },
    stalenessCdf: stalenessCdfOf(profile, rand),
    timeline: timelineOf(failoverAtMs, !profile.splitBrain),
    faults: faultsOf(),
    invariantViolations: [],
  };
  return opts.params === undefined ? summary : { ...summary, params: opts.params };
}

export const COMPARE_SCENARIO = 'primary-region-partition';
export const COMPARE_VARIANTS = ['async-stonith', 'async-no-fencing', 'semi-sync-stonith'] as const;
export const SEEDS = [1, 2, 3] as const;

/** `repsim compare` output: three variants × three seeds. */
export function compareResults(bucketMs = 1_000): RunResult[] {
  return COMPARE_VARIANTS.flatMap((variant) => SEEDS.map((seed) => fixtureSummary({ scenario: COMPARE_SCENARIO, variant, seed, bucketMs })));
}

export const SWEEP_SCENARIO = 'ship-interval-sweep';
export const SWEEP_PARAM = 'topology.replication.shipInterval';
export const SWEEP_VALUES = [0, 10, 50] as const;

/** `repsim sweep` output: shipInterval ∈ {0, 10, 50} ms × {async, semi-sync} × three seeds. */
export function sweepResults(bucketMs = 1_000): RunResult[] {
  return SWEEP_VALUES.flatMap((interval) =>
    (['async', 'semi-sync'] as const).flatMap((variant) =>
      SEEDS.map((seed) =>
        fixtureSummary({
          scenario: SWEEP_SCENARIO,
          variant,
          seed,
          params: { [SWEEP_PARAM]: interval },
          lossFactor: 1 + interval / 8,
          extraWriteMs: variant === 'semi-sync' ? interval / 2 : 0,
          bucketMs,
        }),
      ),
    ),
  );
}

/** The scenario.json of a fixture result set. */
export function scenarioInfo(kind: 'compare' | 'sweep' | 'single'): Record<string, unknown> {
  if (kind === 'sweep') {
    return {
      name: SWEEP_SCENARIO,
      description: 'How the WAL ship interval trades write latency for data loss.',
      file: 'scenarios/ship-interval-sweep.yaml',
      contentHash: 'sha256:5e1f0c2a9b7d',
      variants: ['async', 'semi-sync'],
      params: [SWEEP_PARAM],
    };
  }
  return {
    name: COMPARE_SCENARIO,
    description: 'The primary region is cut off for 43 s; the controller fails over. <Escaping & "quotes" test>',
    file: 'scenarios/primary-region-partition.yaml',
    contentHash: 'sha256:9c4b7e21d0aa',
    variants: kind === 'single' ? ['async-stonith'] : [...COMPARE_VARIANTS],
    params: [],
  };
}

/** A single `repsim run --out` result: one summary. */
export function singleResult(bucketMs = 1_000): RunResult {
  return fixtureSummary({ scenario: COMPARE_SCENARIO, variant: 'async-stonith', seed: 42, bucketMs });
}

/** A fixture result set as files: name → content. */
export type FixtureFiles = Record<string, string>;

/**
 * The result sets committed under test/fixtures/results/ (coarser series to
 * keep them small): directory name → files.
 */
export function fixtureResultSets(): Record<string, FixtureFiles> {
  const jsonl = (runs: RunResult[]): string => runs.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return {
    compare: { 'results.jsonl': jsonl(compareResults(5_000)), 'scenario.json': json(scenarioInfo('compare')) },
    sweep: { 'results.jsonl': jsonl(sweepResults(10_000)), 'scenario.json': json(scenarioInfo('sweep')) },
    single: { 'summary.json': json(singleResult(2_000)), 'scenario.json': json(scenarioInfo('single')) },
  };
}
