// A fast-check arbitrary of whole scenarios, for the scenario-space fuzzer
// (test/fuzz.test.ts, scripts/fuzz.ts). It lives under test/ because
// fast-check is a dev dependency: nothing under sim/ may import it.
//
// What it covers: 1–4 regions with skewed, drifting clocks; every topology
// kind; replication mode and channel (WAL, CDC), ship interval, apply time,
// semi-sync timeout, WAL retention; read routing and read-your-writes;
// consensus voters, leases, read strategies and table placements;
// leaderless replica counts, levels, fan-out, hints, sloppy quorums;
// failover mode, fencing, candidate and rejoin; every jitter distribution;
// bandwidth from a trickle to 10 TB/s; workload shape (arrivals, keys,
// tables, per-region load, read-after-write, sessions, timeout); and every
// fault verb of the schema, with and without `for`, overlapping, half of them
// aimed at the primary's (leader's) region. Runs are short (1–5 simulated
// seconds at a few dozen operations per second per region) so one case takes
// well under a second. The values are mostly valid; the few the validator
// refuses test that refusals are located errors, not crashes.
import fc from 'fast-check';
import { FAULT_KINDS, FaultSchema } from '../../sim/scenario/schema-faults.ts';
import { TopologySchema } from '../../sim/scenario/schema-topology.ts';

/** A scenario as YAML would hold it (unit strings, plain objects). */
export type ScenarioSpec = Record<string, unknown>;

const REGION_IDS = ['us-east-1', 'eu-west-1', 'ap-southeast-1', 'sa-east-1'];
const RANDOM_KINDS: readonly string[] = FaultSchema.shape.random.unwrap().shape.kinds.element.options;
/** The schema's topology kinds: a new kind is fuzzed with the common fields at once (its own section needs a generator here). */
const TOPOLOGY_KINDS: readonly string[] = TopologySchema.shape.kind.unwrap().options;

const ms = (n: number): string => `${n}ms`;
const msIn = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map(ms);
const usIn = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => `${n}us`);
const perS = (hi: number) => fc.integer({ min: 0, max: hi }).map((n) => `${n}/s`);
const prob = fc.integer({ min: 0, max: 100 }).map((n) => n / 100);

/** A random duration of every distribution kind, location parameters within [0, hiMs] ms. */
function durationDist(hiMs: number): fc.Arbitrary<unknown> {
  const d = () => msIn(0, hiMs);
  const clamp = fc.option(fc.record({ max: msIn(hiMs, 2 * hiMs) }), { nil: undefined });
  const withClamp = <T extends object>(a: fc.Arbitrary<T>) => fc.tuple(a, clamp).map(([o, c]) => ({ ...o, ...(c ?? {}) }));
  const objects: fc.Arbitrary<Record<string, unknown>>[] = [
    withClamp(fc.record({ dist: fc.constant('constant'), value: d() })),
    fc.tuple(fc.integer({ min: 0, max: hiMs }), fc.integer({ min: 0, max: hiMs })).map(([a, b]) => ({ dist: 'uniform', min: ms(Math.min(a, b)), max: ms(Math.max(a, b)) })),
    withClamp(fc.record({ dist: fc.constant('normal'), mean: d(), stddev: d() })),
    withClamp(fc.record({ dist: fc.constant('lognormal'), median: d(), sigma: fc.integer({ min: 0, max: 20 }).map((n) => n / 10) })),
    withClamp(fc.record({ dist: fc.constant('exponential'), mean: d() })),
    withClamp(fc.record({ dist: fc.constant('pareto'), scale: d(), shape: fc.integer({ min: 1, max: 50 }).map((n) => n / 10) })),
    withClamp(fc.record({ dist: fc.constant('empirical'), samples: fc.array(d(), { minLength: 1, maxLength: 5 }) })),
  ];
  const mixture = fc.tuple(fc.oneof(...objects), fc.oneof(...objects), fc.integer({ min: 1, max: 99 })).map(([a, b, w]) => ({ dist: 'mixture', of: [{ ...a, weight: w / 100 }, { ...b, weight: (100 - w) / 100 }] }));
  return fc.oneof(d(), ...objects, mixture);
}

/** Shares that sum to exactly 1 in decimal. */
const SHARE_SETS = [[1], [0.5, 0.5], [0.25, 0.75], [0.2, 0.3, 0.5]];

interface World {
  ids: string[];
  /** The region writes start from (primary / preferred leader), or the first region. */
  home: string;
  durationMs: number;
  tables: string[];
}

const region = (w: World) => fc.oneof(fc.constant(w.home), fc.constantFrom(...w.ids));
const pair = (w: World) => fc.tuple(region(w), fc.constantFrom(...w.ids)).map(([a, b]) => (a === b && w.ids.length > 1 ? [a, w.ids.find((x) => x !== a) as string] : [a, b]));

/** One fault of the given verb: `at` inside the run, `for` present or not. */
function fault(w: World, kind: (typeof FAULT_KINDS)[number]): fc.Arbitrary<Record<string, unknown>> {
  const factor = fc.integer({ min: 1, max: 100 });
  const body: Record<(typeof FAULT_KINDS)[number], fc.Arbitrary<unknown>> = {
    partition: fc.oneof(
      region(w).map((r) => ({ isolate: r })),
      pair(w).map(([from, to]) => ({ from, to })),
      fc.shuffledSubarray(w.ids, { minLength: 1, maxLength: Math.max(1, w.ids.length - 1) }).map((a) => ({ groups: [a, w.ids.filter((x) => !a.includes(x))].filter((g) => g.length > 0) })),
    ),
    crash: region(w).map((r) => ({ region: r })),
    outage: region(w).map((r) => ({ region: r })),
    pause: region(w).map((r) => ({ region: r })),
    slowLink: fc.record({ between: pair(w), factor }),
    loss: fc.record({ between: pair(w), probability: prob }),
    slowApply: fc.record({ region: region(w), factor }),
    clockJump: fc.record({ region: region(w), by: fc.integer({ min: -3000, max: 3000 }).map(ms) }),
    stonithFailure: fc.record({ probability: prob }),
    random: fc.record({
      kinds: fc.subarray([...RANDOM_KINDS], { minLength: 1 }),
      meanInterval: msIn(1, 2000),
      duration: durationDist(1500),
    }),
  };
  const span = w.durationMs;
  return fc
    .record({ at: fc.integer({ min: 0, max: span - 1 }), for: fc.option(fc.integer({ min: 0, max: span }), { nil: undefined }), body: body[kind] })
    .map(({ at, for: f, body: b }) => ({ at: ms(at), ...(f !== undefined ? { for: ms(f) } : {}), [kind]: b }));
}

/** Verbs acting between two regions: a single-region scenario draws them rarely (the validator refuses them there). */
const LINK_VERBS: readonly string[] = ['partition', 'slowLink', 'loss'];
const anyFault = (w: World) => {
  const local = FAULT_KINDS.filter((k) => !LINK_VERBS.includes(k));
  const kinds = w.ids.length > 1 ? fc.constantFrom(...FAULT_KINDS) : fc.oneof({ arbitrary: fc.constantFrom(...local), weight: 9 }, { arbitrary: fc.constantFrom(...FAULT_KINDS), weight: 1 });
  return kinds.chain((k) => fault(w, k));
};

function network(w: World): fc.Arbitrary<Record<string, unknown>> {
  const pairs: [string, string][] = [];
  w.ids.forEach((a, i) => w.ids.slice(i + 1).forEach((b) => pairs.push([a, b])));
  return fc
    .record({
      rtts: fc.tuple(...pairs.map(() => msIn(1, 300))),
      jitter: durationDist(5),
      bandwidth: fc.constantFrom('20KB/s', '1MB/s', '100MB/s', '1GB/s', '10TB/s'),
      intraRegionRtt: usIn(100, 3000),
      loss: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 }).map((n) => n / 100)),
    })
    .map(({ rtts, ...rest }) => {
      const out: Record<string, Record<string, string>> = {};
      pairs.forEach(([a, b], i) => ((out[a] ??= {})[b] = rtts[i] as string));
      return { rtt: out, ...rest };
    });
}

const counts = (w: World, hi: number) => fc.tuple(...w.ids.map(() => fc.integer({ min: 0, max: hi }))).map((c) => Object.fromEntries(w.ids.map((id, i) => [id, c[i]])));
const LEVELS = ['ONE', 'TWO', 'THREE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL', 1, 2, 3] as const;
const READS = ['leaseholder', 'read-index', 'follower', 'local-unsafe'] as const;

function topology(w: World, kind: string): fc.Arbitrary<Record<string, unknown>> {
  const n = w.ids.length;
  const replication = fc.record(
    {
      mode: fc.constantFrom('async', 'semi-sync', 'sync'),
      syncReplicas: fc.integer({ min: 1, max: Math.max(1, n - 1) }),
      channel: fc.constantFrom('wal', 'cdc'),
      shipInterval: fc.constantFrom('0ms', '1ms', '10ms', '100ms'),
      applyTime: durationDist(3),
      semiSyncTimeout: msIn(10, 2000),
      cdcDelay: durationDist(50),
      cdcPartitions: fc.integer({ min: 1, max: 16 }),
      cdcThroughput: fc.constantFrom('20/s', '1000/s', '50000/s'),
      walRetention: fc.constantFrom('4KB', '64KB', '16MB'),
    },
    { requiredKeys: ['mode', 'channel'] },
  );
  const reads = fc.record({
    routing: fc.constantFrom('local', 'primary'),
    readYourWrites: fc.record({ strategy: fc.constantFrom('none', 'wrote-recently', 'session-lsn', 'primary'), ttl: msIn(0, 3000), timeout: msIn(0, 1000) }, { requiredKeys: ['strategy'] }),
  });
  const consensus = fc
    .record(
      {
        voters: counts(w, 3),
        nonVoters: counts(w, 1),
        leader: fc.constant(w.home),
        heartbeatInterval: fc.integer({ min: 50, max: 500 }),
        electionExtra: fc.integer({ min: 1, max: 1500 }),
        preVote: fc.boolean(),
        checkQuorum: fc.boolean(),
        leaseDuration: fc.oneof(fc.constant('0s'), msIn(200, 3000)),
        maxClockOffset: msIn(0, 500),
        reads: fc.oneof(fc.constantFrom(...READS), fc.tuple(...w.ids.map(() => fc.constantFrom(...READS))).map((r) => Object.fromEntries(w.ids.map((id, i) => [id, r[i]])))),
        followerReadLag: msIn(0, 2000),
        tables: fc.tuple(...w.tables.map(() => fc.option(fc.oneof(
          fc.record({ locality: fc.constant('regional-by-table'), leader: region(w) }, { requiredKeys: ['locality'] }),
          fc.record({ locality: fc.constant('regional-by-row'), survival: n >= 3 ? fc.constantFrom('zone', 'region') : fc.constant('zone') }, { requiredKeys: ['locality'] }),
        ), { nil: undefined }))).map((ps) => Object.fromEntries(w.tables.flatMap((t, i) => (ps[i] ? [[t, ps[i]]] : [])))),
      },
      { requiredKeys: ['heartbeatInterval', 'electionExtra'] },
    )
    .map(({ heartbeatInterval, electionExtra, voters, ...rest }) => ({
      ...rest,
      // A preferred leader without a voter is refused; keep at least one there so most cases run.
      ...(voters ? { voters: { ...voters, [w.home]: Math.max(1, voters[w.home] ?? 0) } } : {}),
      heartbeatInterval: ms(heartbeatInterval),
      electionTimeout: ms(heartbeatInterval + electionExtra),
    }));
  const leaderless = fc.record(
    {
      replicas: counts(w, 3),
      write: fc.constantFrom(...LEVELS),
      read: fc.constantFrom(...LEVELS),
      readFanout: fc.constantFrom('all', 'nearest'),
      timestamps: fc.constantFrom('wallclock', 'hlc'),
      readRepair: prob,
      hintedHandoff: fc.oneof(fc.constant(false), fc.record({ maxHintWindow: msIn(0, 5000), replayInterval: msIn(10, 2000) })),
      antiEntropyInterval: fc.oneof(fc.constant('0s'), msIn(100, 2000)),
      sloppyQuorum: fc.boolean(),
      legs: fc.record({ write: durationDist(20), ack: durationDist(20), read: durationDist(20), response: durationDist(20) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['write', 'read'] },
  );
  return fc
    .record({ replication, reads, consensus, conflict: fc.constantFrom('lww-hlc', 'lww-wallclock'), leaderless }, { requiredKeys: ['replication', 'reads'] })
    .map((t) => {
      const { consensus: c, leaderless: l, conflict, ...common } = t;
      return {
        kind,
        ...(kind === 'single-primary' ? { primary: w.home } : {}),
        ...common,
        ...(kind === 'consensus' && c ? { consensus: c } : {}),
        ...(kind === 'active-active' && conflict ? { conflict } : {}),
        ...(kind === 'leaderless' && l ? { leaderless: validLeaderless(l, w.home) } : {}),
      };
    });
}

/** Mostly valid: a replica in the home region, and no sloppy quorum without hints. */
function validLeaderless(l: Record<string, unknown>, home: string): Record<string, unknown> {
  const replicas = l['replicas'] as Record<string, number> | undefined;
  return {
    ...l,
    ...(replicas ? { replicas: { ...replicas, [home]: Math.max(1, replicas[home] ?? 0) } } : {}),
    ...(l['sloppyQuorum'] === true && l['hintedHandoff'] === false ? { sloppyQuorum: false } : {}),
  };
}

function failover(w: World): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        mode: fc.constantFrom('automatic', 'automatic', 'manual', 'none'),
        controller: fc.constantFrom(...w.ids),
        heartbeatInterval: fc.integer({ min: 50, max: 500 }),
        detectionExtra: fc.integer({ min: 1, max: 1500 }),
        candidate: fc.oneof(fc.constant('most-caught-up'), fc.constantFrom(...w.ids)),
        maxDataLoss: msIn(0, 5000),
        fencing: fc.constantFrom('none', 'stonith', 'lease'),
        stonithDelay: msIn(0, 1000),
        stonithFailureProbability: prob,
        leaseDuration: msIn(100, 2000),
        promotionTime: msIn(0, 1000),
        dnsTtl: msIn(0, 3000),
        rejoin: fc.constantFrom('rewind', 'rebuild'),
      },
      { requiredKeys: ['mode', 'heartbeatInterval', 'detectionExtra', 'fencing'] },
    )
    .map(({ heartbeatInterval, detectionExtra, ...rest }) => ({ ...rest, heartbeatInterval: ms(heartbeatInterval), detectionTimeout: ms(heartbeatInterval + detectionExtra) }));
}

function workload(w: World, shares: number[]): fc.Arbitrary<Record<string, unknown>> {
  const load = fc.record({ writes: perS(100), reads: perS(100) });
  return fc.record(
    {
      arrivals: fc.constantFrom('poisson', 'constant'),
      keys: fc.record({ count: fc.integer({ min: 1, max: 500 }), distribution: fc.constantFrom('uniform', 'zipf'), s: fc.integer({ min: 0, max: 30 }).map((n) => n / 10) }),
      tables: fc.tuple(...w.tables.map(() => fc.record({ rowBytes: fc.integer({ min: 0, max: 4096 }), merge: fc.constantFrom('gset', 'orset') }, { requiredKeys: [] }))).map((ts) =>
        ts.map((t, i) => ({ name: w.tables[i], share: shares[i], ...t })),
      ),
      regions: fc.tuple(...w.ids.map(() => fc.option(load, { nil: undefined, freq: 4 }))).map((ls) => Object.fromEntries(w.ids.flatMap((id, i) => (ls[i] ? [[id, ls[i]]] : [])))),
      readAfterWrite: fc.record({ probability: prob, delay: durationDist(50) }),
      remoteShare: prob,
      sessions: fc.integer({ min: 1, max: 200 }),
      clientTimeout: msIn(100, 3000),
    },
    { requiredKeys: ['tables', 'regions'] },
  );
}

/** A whole scenario: 1–4 regions, 1–5 simulated seconds, 0–6 faults. */
export function scenarioArbitrary(): fc.Arbitrary<ScenarioSpec> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 4 }),
      kind: fc.constantFrom(...TOPOLOGY_KINDS),
      homeIndex: fc.nat(3),
      durationMs: fc.integer({ min: 500, max: 5000 }),
      shares: fc.constantFrom(...SHARE_SETS),
    })
    .chain(({ n, kind, homeIndex, durationMs, shares }) => {
      const ids = REGION_IDS.slice(0, n);
      const w: World = { ids, home: ids[homeIndex % n] as string, durationMs, tables: shares.map((_, i) => (i === 0 ? 'data' : `t${i}`)) };
      const clock = fc.record({ offset: fc.integer({ min: -800, max: 800 }).map(ms), driftPpm: fc.integer({ min: -500, max: 500 }) }, { requiredKeys: [] });
      return fc
        .record({
          seed: fc.integer({ min: 0, max: 2 ** 31 }),
          warmup: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: durationMs - 1 })),
          clocks: fc.tuple(...ids.map(() => fc.option(clock, { nil: undefined }))),
          network: network(w),
          topology: topology(w, kind),
          failover: failover(w),
          monitoring: fc.tuple(fc.nat(2000), fc.nat(2000)).map(([a, b]) => ({ lagWarning: ms(Math.min(a, b)), lagCritical: ms(Math.max(a, b)) })),
          workload: workload(w, shares),
          faults: fc.array(anyFault(w), { maxLength: 6 }),
        })
        .map(({ seed, warmup, clocks, ...rest }) => ({
          name: 'fuzz',
          seed,
          duration: ms(durationMs),
          warmup: ms(warmup),
          regions: ids.map((id, i) => ({ id, ...(clocks[i] ? { clock: clocks[i] } : {}) })),
          ...rest,
        }));
    });
}
