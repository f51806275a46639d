// The resource budget of a run, judged before it starts: how many events a
// scenario will make, how much memory it will hold at its peak, and how long
// it will take, estimated from the scenario alone (rates × duration, keys ×
// bytes per key, faults, heartbeats, ship ticks) and, for a batch of runs,
// the grid's size. Refuses what cannot fit on the machine with one problem
// naming the field most responsible and the value that would fit; warns
// about work that will take long.
//
// Pure: the machine's limits (node's heap limit, physical memory) are passed
// in (sim/scenario/machine.ts reads them). It does not load scenarios
// (loader.ts) or word where a field is (locator.ts).
//
// Calibration (Node 20.20, this project's 2-core VM, peak figures sampled
// every 1% of simulated time; test/scenario/budget.test.ts repeats them):
// - events per operation: 1.66–2.86 on the seven reference scenarios
//   (2.86 active-active-clock-skew, 1.66 primary-region-partition); EVENTS_PER_OP = 3.
// - heartbeats: heartbeatInterval 1ms instead of 1s for 60 s added 179,711
//   events for 59,940 more pings: 3.0 a ping (tick, ping, answer).
// - ship ticks: shipInterval 10ms instead of 1s for 60 s added 5,940 events for
//   5,940 ticks: 1 a tick. The lag monitor: 4 events/s (250 ms samples).
// - random faults: 600 faults (meanInterval 100ms, 60 s, no load) added 1,124
//   events: 1.9 a fault (start and end); EVENTS_PER_FAULT = 3.
// - speed: 87 k–390 k events per wall second on the reference scenarios,
//   90 k in an overloaded run, 1.3 M when idle but for heartbeats; 300 k assumed.
// - rows: 3 M more keys (×3 tables, 3 regions) added 216 MB of typed arrays,
//   24 B a row = 8 B per node (2 regions: 16 B a row).
// - written rows: 1.2 M writes over 3 M rows (≈1.0 M distinct) raised the
//   peak JS heap by 232 MB: ~200 B per distinct written row (the staleness
//   checker's per-row list), plus the dense per-row index.
// - unapplied writes: with network.bandwidth 1B/s, 609 k more unapplied writes
//   raised the peak heap by 180 MB: ~300 B per write waiting on a replica.
// - summary: random faults at 600 windows added 220 KB of summary JSON
//   (~370 B a window); a per-second series point is ~45 B of JSON.
import { moments, type Dist } from '../core/distributions.ts';
import { formatDurationUs } from '../core/units.ts';
import type { PathSegment } from './paths.ts';
import type { Problem } from './problems.ts';
import type { Scenario } from './schema.ts';

/** Measured constants (see the header for where each comes from). */
export const CALIBRATION = {
  eventsPerOp: 3,
  eventsPerHeartbeat: 3,
  eventsPerShipTick: 1,
  monitorEventsPerS: 4,
  eventsPerRandomFault: 3,
  /** Wall speed for warnings (slow end of the measured range). */
  eventsPerWallS: 300_000,
  /** Wall speed for refusals (the fast end: hour-long runs in the benchmark reach 1.0–1.2 M events/s), so nothing that could finish in time is refused. */
  eventsPerWallSFast: 1_000_000,
  /** JS heap of Node, the loader and a run's fixed structures. */
  heapBaseBytes: 64e6,
  /** The staleness checker's dense per-row index (a holey array grown 1.5× at a time). */
  heapPerRowBytes: 12,
  heapPerWrittenRowBytes: 200,
  heapPerPendingWriteBytes: 300,
  /** A per-second series point in the summary: the object, its JSON text, the recorder's slot. */
  heapPerSeriesPointBytes: 150,
  /** A fault window in the summary and timeline: objects and JSON. */
  heapPerFaultWindowBytes: 1000,
  /** Typed arrays per row and node (visible versions). */
  offHeapPerRowPerNodeBytes: 8,
  /** Typed arrays per client session (routing state and the session checker). */
  offHeapPerSessionBytes: 120,
  /** A result line kept by a batch (its text, and compare's parsed copy). */
  heapPerKeptResultBytes: 3,
} as const;

/** Replication backlog assumed even without faults (queueing, batching, RTT). */
const LAG_FLOOR_US = 10e6;
/** Warn when the work is estimated to take longer than this. */
export const WARN_WALL_S = 60;
/** Refuse work estimated to take longer than this on this machine. */
export const MAX_WALL_S = 24 * 3600;
/** Most rows (keys × tables) a run may have: row ids are stored as 32-bit integers. */
export const MAX_ROWS = 2 ** 31 - 1;
/** Longest string V8 builds (2^29 − 24 characters): a summary JSON beyond it cannot be written. */
export const MAX_JSON_CHARS = 2 ** 29 - 24;
/** Share of node's heap limit a run may plan to use at its peak (the peak counts garbage, V8 needs room to collect). */
export const HEAP_SHARE = 0.5;
/** Share of physical memory all concurrent runs may plan to use. */
export const MEMORY_SHARE = 0.5;

/** What the machine gives a run. */
export interface MachineLimits {
  /** V8's heap limit for one isolate (node's main thread or a worker), bytes. */
  heapLimitBytes: number;
  /** Physical memory, bytes. */
  memoryBytes: number;
}

/**
 * One contribution to an estimate, tied to the field that drives it.
 * `scaling` says how the contribution moves with that field's value (to say
 * what value would fit).
 */
export interface Term {
  path: PathSegment[];
  /** What it is, in words with the numbers (`100000000 keys × 3 tables × 3 nodes`). */
  what: string;
  amount: number;
  /** The field's value in model units, and how to print a value of it. */
  value: number;
  scaling: 'linear' | 'inverse';
  unit: 'count' | 'us' | 'rate' | 'seeds';
  /** Says what would fit when this term must shrink by factor `f` (0 < f < 1); default: the field's value scaled. */
  fit?: ((f: number) => string) | undefined;
}

/** Estimated cost of one run. */
export interface RunEstimate {
  events: number;
  eventTerms: Term[];
  heapBytes: number;
  heapTerms: Term[];
  offHeapBytes: number;
  offHeapTerms: Term[];
  /** Bytes of one run's summary JSON (a results line). */
  summaryBytes: number;
  /** Rows: keys × tables (row ids are 32-bit: at most MAX_ROWS). */
  rows: number;
}

/** A conservative high quantile (≈ p99) of a duration distribution, µs. */
export function highQuantileUs(d: Dist): number {
  let q: number;
  switch (d.dist) {
    case 'constant': q = d.value; break;
    case 'uniform': q = d.max; break;
    case 'normal': q = d.mean + 4 * d.stddev; break;
    case 'lognormal': q = d.median * Math.exp(3 * d.sigma); break;
    case 'exponential': q = 5 * d.mean; break;
    case 'pareto': q = d.scale * Math.pow(100, 1 / d.shape); break;
    case 'empirical': q = d.samples.reduce((a, b) => (b > a ? b : a), 0); break;
    case 'mixture': q = d.of.reduce((a, c) => Math.max(a, highQuantileUs(c)), 0); break;
  }
  return d.max !== undefined ? Math.min(q, d.max) : q;
}

/** Expected distinct rows hit by `writes` uniform draws over `rows` rows (an upper bound for skewed keys). */
export function distinctRows(rows: number, writes: number): number {
  if (rows <= 0 || writes <= 0) return 0;
  return rows * -Math.expm1(-writes / rows);
}

/** Fault kinds that can hold a replica behind for as long as they last. */
const DISRUPTIVE = new Set(['partition', 'crash', 'outage', 'pause', 'slowApply', 'slowLink']);

/** Estimates one run of a validated scenario. */
export function estimateRun(sc: Scenario): RunEstimate {
  const C = CALIBRATION;
  const T = sc.duration;
  const durationS = T / 1e6;
  const n = sc.regions.length;
  const kind = sc.topology.kind;
  const tables = sc.workload.tables;
  const rows = sc.workload.keys.count * tables.length;
  const keysPath = ['workload', 'keys', 'count'];

  // --- load ------------------------------------------------------------------
  const loads = Object.entries(sc.workload.regions).map(([id, l]) => ({ id, writes: l.writes, reads: l.reads }));
  const writesPerS = loads.reduce((a, l) => a + l.writes, 0);
  const rawReads = sc.workload.readAfterWrite.probability;
  const opsPerS = loads.reduce((a, l) => a + l.writes * (1 + rawReads) + l.reads, 0);
  const busiest = [...loads].sort((a, b) => b.writes + b.reads - (a.writes + a.reads))[0];
  const busiestWriter = [...loads].sort((a, b) => b.writes - a.writes)[0];
  const ratePath = (id: string, k: 'writes' | 'reads') => ['workload', 'regions', id, k];

  const eventTerms: Term[] = [];
  if (busiest && opsPerS > 0) {
    // Located at the busiest region's rate; what fits is said for the duration (events scale with it exactly).
    const k = busiest.writes >= busiest.reads ? 'writes' : 'reads';
    eventTerms.push({
      path: ratePath(busiest.id, k), what: `${fmtCount(opsPerS)} operations/s (all regions) × ${formatDurationUs(T)}`,
      amount: opsPerS * durationS * C.eventsPerOp, value: busiest[k], scaling: 'linear', unit: 'rate',
      fit: (f) => `at these rates, a duration up to about ${formatDurationUs(Math.floor(T * f))} fits (or rates of about ${Math.floor(f * 100)}% of these)`,
    });
  }
  if (sc.failover.mode !== 'none' && n > 1 && kind === 'single-primary' && sc.failover.heartbeatInterval > 0) {
    const pings = T / sc.failover.heartbeatInterval;
    eventTerms.push({
      path: ['failover', 'heartbeatInterval'], what: `${fmtCount(pings)} heartbeats (every ${formatDurationUs(sc.failover.heartbeatInterval)} for ${formatDurationUs(T)})`,
      amount: pings * C.eventsPerHeartbeat, value: sc.failover.heartbeatInterval, scaling: 'inverse', unit: 'us',
    });
  }
  const ship = sc.topology.replication.shipInterval;
  if (kind !== 'region-pinned' && n > 1 && ship > 0) {
    const shippers = kind === 'active-active' ? n : 1;
    const ticks = (T / ship) * shippers;
    eventTerms.push({
      path: ['topology', 'replication', 'shipInterval'], what: `${fmtCount(ticks)} WAL ship ticks (every ${formatDurationUs(ship)})`,
      amount: ticks * C.eventsPerShipTick, value: ship, scaling: 'inverse', unit: 'us',
    });
  }
  eventTerms.push({ path: ['duration'], what: `lag monitor samples over ${formatDurationUs(T)}`, amount: durationS * C.monitorEventsPerS, value: T, scaling: 'linear', unit: 'us' });

  // Faults: windows in the summary, events of random faults, and the longest span a replica may fall behind.
  let faultWindows = 0;
  let longestUs = 0;
  sc.faults.forEach((f, i) => {
    if (f.at >= T) return;
    const spanUs = Math.min(T - f.at, f.for ?? T);
    if (f.random) {
      const count = spanUs / Math.max(1, f.random.meanInterval);
      faultWindows += count;
      eventTerms.push({
        path: ['faults', i, 'random', 'meanInterval'], what: `${fmtCount(count)} random faults (one every ${formatDurationUs(f.random.meanInterval)} for ${formatDurationUs(spanUs)})`,
        amount: count * C.eventsPerRandomFault, value: f.random.meanInterval, scaling: 'inverse', unit: 'us',
      });
      if (f.random.kinds.some((k) => DISRUPTIVE.has(k))) {
        const each = highQuantileUs(f.random.duration);
        // Faults that overlap keep a replica behind for their whole span.
        longestUs = Math.max(longestUs, each >= f.random.meanInterval ? spanUs : Math.min(each, spanUs));
      }
    } else {
      faultWindows += 1;
      if ([...DISRUPTIVE].some((k) => f[k as keyof typeof f] !== undefined)) longestUs = Math.max(longestUs, spanUs);
    }
  });
  const events = sum(eventTerms);

  // --- memory ----------------------------------------------------------------
  const heapTerms: Term[] = [{ path: [], what: 'node and the model\'s fixed structures', amount: C.heapBaseBytes, value: 0, scaling: 'linear', unit: 'count' }];
  const offHeapTerms: Term[] = [];
  const totalWrites = writesPerS * durationS;
  const keyValue = sc.workload.keys.count;
  const rowsWhat = `${fmtCount(keyValue)} keys × ${tables.length} table${tables.length === 1 ? '' : 's'}`;
  if (totalWrites > 0) {
    const written = distinctRows(rows, totalWrites);
    heapTerms.push({
      path: keysPath, what: `${rowsWhat}, ~${fmtCount(written)} of them written`,
      amount: rows * C.heapPerRowBytes + written * C.heapPerWrittenRowBytes, value: keyValue, scaling: 'linear', unit: 'count',
    });
  }
  const rowArrays = kind === 'active-active' ? 2 * n + 1 : n;
  offHeapTerms.push({
    path: keysPath, what: `${rowsWhat} × ${rowArrays} row arrays`,
    amount: rows * rowArrays * C.offHeapPerRowPerNodeBytes, value: keyValue, scaling: 'linear', unit: 'count',
  });
  const sessions = sc.workload.sessions * n;
  offHeapTerms.push({
    path: ['workload', 'sessions'], what: `${fmtCount(sc.workload.sessions)} sessions × ${n} regions`,
    amount: sessions * C.offHeapPerSessionBytes, value: sc.workload.sessions, scaling: 'linear', unit: 'count',
  });

  // Writes waiting on a replica: the backlog of the slowest replica. A replica
  // that cannot keep up at all (apply, bandwidth or broker slower than the
  // writes) falls behind for the whole run; otherwise for the longest fault.
  const rep = sc.topology.replication;
  const filteredShare = tables.reduce((a, t) => a + (rep.filters.includes(t.name) ? t.share : 0), 0);
  const shippedPerS = kind === 'region-pinned' || n < 2 ? 0 : writesPerS * (1 - filteredShare);
  if (busiestWriter && shippedPerS > 0) {
    const applyMeanUs = Math.max(moments(rep.applyTime).mean, 0);
    const avgRowBytes = tables.reduce((a, t) => a + t.share * t.rowBytes, 0);
    const capacities = [
      applyMeanUs > 0 ? 1e6 / applyMeanUs : Infinity,
      avgRowBytes > 0 ? sc.network.bandwidth / avgRowBytes : Infinity,
      rep.channel === 'cdc' ? rep.cdcPartitions * rep.cdcThroughput : Infinity,
    ];
    const capacity = Math.min(...capacities);
    const overloaded = capacity <= shippedPerS;
    const windowUs = overloaded ? T : Math.min(T, LAG_FLOOR_US + longestUs);
    const pending = shippedPerS * (windowUs / 1e6);
    const why = overloaded
      ? `a replica applies at most ${fmtCount(capacity)} writes/s, so all ${fmtCount(pending)} writes of ${formatDurationUs(T)} may wait unapplied`
      : `${fmtCount(pending)} writes waiting on a replica (${formatDurationUs(windowUs)} of writes)`;
    const underCapacity = Math.floor((busiestWriter.writes * 0.9 * capacity) / shippedPerS);
    heapTerms.push({
      path: ratePath(busiestWriter.id, 'writes'), what: `${fmtCount(shippedPerS)} writes/s (all regions): ${why}`,
      amount: pending * C.heapPerPendingWriteBytes, value: busiestWriter.writes, scaling: 'linear', unit: 'rate',
      fit: overloaded
        ? (f) => `writes under what a replica applies fit (this region at about ${fmtCount(underCapacity)}/s or less, with the others as they are), or a duration up to about ${formatDurationUs(Math.floor(T * f))}`
        : (f) => `write rates of about ${Math.floor(f * 100)}% of these fit`,
    });
  }
  const channels = kind === 'active-active' ? n * (n - 1) : kind === 'single-primary' ? n - 1 : 0;
  const seriesPoints = durationS * (channels + 2);
  heapTerms.push({
    path: ['duration'], what: `per-second series over ${formatDurationUs(T)} (${channels + 2} in the summary)`,
    amount: seriesPoints * C.heapPerSeriesPointBytes, value: T, scaling: 'linear', unit: 'us',
  });
  if (faultWindows > 0) {
    const random = sc.faults.findIndex((f) => f.random !== undefined);
    heapTerms.push({
      path: random >= 0 ? ['faults', random, 'random', 'meanInterval'] : ['faults'], what: `${fmtCount(faultWindows)} fault windows in the summary`,
      amount: faultWindows * C.heapPerFaultWindowBytes, value: random >= 0 ? (sc.faults[random]?.random?.meanInterval ?? 1) : sc.faults.length,
      scaling: random >= 0 ? 'inverse' : 'linear', unit: random >= 0 ? 'us' : 'count',
    });
  }

  const summaryBytes = 20_000 + seriesPoints * 45 + faultWindows * 370;
  return { events, eventTerms, heapBytes: sum(heapTerms), heapTerms, offHeapBytes: sum(offHeapTerms), offHeapTerms, summaryBytes, rows };
}

/** A batch of runs: how many, how many at once, whether their result lines are kept in memory. */
export interface BatchShape {
  /** Runs this process will do (a shard's share for a sharded sweep). */
  runs: number;
  /** Runs at the same time (worker threads). */
  concurrent: number;
  /** Result lines kept in memory until the end (compare's table, a sweep's result list). */
  keepsResults: boolean;
  /** The field that sets the number of runs (e.g. `--seeds`), for messages. */
  runsField?: { name: string; value: number } | undefined;
}

/** The verdict: at most one refusal (by field path, for the locator), and warnings. */
export interface Verdict {
  refusal?: Problem | undefined;
  warnings: string[];
}

/**
 * Judges the estimate of the heaviest run of a batch (or of a single run:
 * `batch` omitted) against the machine. `totalEvents` is the batch's sum
 * (defaults to runs × the run's events).
 */
export function judge(run: RunEstimate, limits: MachineLimits, batch?: BatchShape, totalEvents?: number): Verdict {
  const C = CALIBRATION;
  const runs = batch?.runs ?? 1;
  const concurrent = Math.max(1, Math.min(batch?.concurrent ?? 1, runs));
  const heapBudget = HEAP_SHARE * limits.heapLimitBytes;
  const memoryBudget = MEMORY_SHARE * limits.memoryBytes;
  const seedsTerm = (perRun: number, what: string): Term | undefined =>
    batch?.runsField && runs > 1 ? { path: [], what: `${fmtCount(runs)} runs × ${what}`, amount: runs * perRun, value: batch.runsField.value, scaling: 'linear', unit: 'seeds' } : undefined;

  // 0. Row ids must fit their 32-bit columns, and one run's summary must serialise (pretty-printed for `run --out`: ~1.5× the compact line).
  if (run.rows > MAX_ROWS) {
    return { refusal: { path: ['workload', 'keys', 'count'], message: `${run.rows} rows (keys × tables) exceed the ${MAX_ROWS} row ids repsim has (32-bit); lower the keys or the tables` }, warnings: [] };
  }
  if (run.summaryBytes * 1.5 > MAX_JSON_CHARS) {
    const terms = run.heapTerms.filter((t) => t.path[0] === 'duration' || t.path[0] === 'faults');
    return { refusal: refusal(terms, MAX_JSON_CHARS / 1.5 / run.summaryBytes * sum(terms), `would write a summary of about ${fmtBytes(run.summaryBytes * 1.5)} of JSON (per-second series and fault windows); the largest string node builds is ${fmtBytes(MAX_JSON_CHARS)}`, batch), warnings: [] };
  }
  // 1. One run's heap (the main thread also keeps every result line when the batch keeps them).
  const kept = batch?.keepsResults ? seedsTerm(run.summaryBytes * C.heapPerKeptResultBytes, `${fmtBytes(run.summaryBytes)} result line kept for the table`) : undefined;
  const heapTerms = kept ? [...run.heapTerms, kept] : run.heapTerms;
  const heap = sum(heapTerms);
  if (heap > heapBudget) {
    return { refusal: refusal(heapTerms, heapBudget, `needs about ${fmtBytes(heap)} of JS heap at its peak; node gives this process ${fmtBytes(limits.heapLimitBytes)} and repsim plans to use at most ${Math.round(HEAP_SHARE * 100)}% of it (${fmtBytes(heapBudget)})`, batch), warnings: [] };
  }
  // 2. Physical memory for the runs at once.
  const perRun = run.heapBytes + run.offHeapBytes;
  const total = perRun * concurrent + (kept?.amount ?? 0);
  if (total > memoryBudget) {
    const terms = [...run.heapTerms, ...run.offHeapTerms].map((t) => ({ ...t, amount: t.amount * concurrent }));
    return { refusal: refusal(kept ? [...terms, kept] : terms, memoryBudget, `needs about ${fmtBytes(total)} of memory${concurrent > 1 ? ` (${concurrent} runs at once)` : ''}; this machine has ${fmtBytes(limits.memoryBytes)} and repsim plans to use at most ${Math.round(MEMORY_SHARE * 100)}% of it`, batch), warnings: [] };
  }
  // 3. Time.
  const events = totalEvents ?? run.events * runs;
  const wallS = events / C.eventsPerWallS / concurrent;
  const fastWallS = events / C.eventsPerWallSFast / concurrent;
  if (fastWallS > MAX_WALL_S) {
    const terms = batch?.runsField && runs > 1
      ? [{ path: [], what: `${fmtCount(runs)} runs × ~${fmtCount(events / runs)} events`, amount: events, value: batch.runsField.value, scaling: 'linear' as const, unit: 'seeds' as const }]
      : run.eventTerms;
    return { refusal: refusal(terms, MAX_WALL_S * C.eventsPerWallSFast * concurrent, `would make about ${fmtCount(events)} events and take at least ${fmtSeconds(fastWallS)} here (even at ${fmtCount(C.eventsPerWallSFast)} events/s${concurrent > 1 ? ` on each of ${concurrent} workers` : ''}); repsim refuses work over ${fmtSeconds(MAX_WALL_S)}`, batch), warnings: [] };
  }
  const warnings: string[] = [];
  if (wallS > WARN_WALL_S) warnings.push(`this will take ${fmtSeconds(fastWallS)}–${fmtSeconds(wallS)} (~${fmtCount(events)} events${runs > 1 ? ` over ${fmtCount(runs)} runs` : ''}${concurrent > 1 ? ` on ${concurrent} workers` : ''})`);
  return { warnings };
}

/** The one problem: located at the largest term's field, naming the others, and what value of that field would fit. */
function refusal(terms: readonly Term[], budget: number, headline: string, batch: BatchShape | undefined): Problem {
  const total = sum(terms);
  const ranked = [...terms].filter((t) => t.amount > 0).sort((a, b) => b.amount - a.amount);
  const top = ranked.find((t) => t.path.length > 0 || t.unit === 'seeds') ?? (ranked[0] as Term);
  const share = (t: Term) => `${t.what} (${Math.round((100 * t.amount) / total)}%)`;
  const others = ranked.filter((t) => t !== top && t.amount >= 0.05 * total && (t.path.length > 0 || t.unit === 'seeds'));
  const f = (budget - (total - top.amount)) / top.amount;
  let fit: string;
  const name = top.unit === 'seeds' ? (batch?.runsField?.name ?? 'runs') : 'this field';
  if (f <= 0) fit = `it would not fit even without ${top.unit === 'seeds' ? 'that many runs' : 'this'}: lower ${others.map((t) => t.path.join('.') || batch?.runsField?.name).join(', ') || 'the rest'} first`;
  else if (top.fit) fit = top.fit(f);
  else {
    const v = top.scaling === 'linear' ? top.value * f : top.value / f;
    fit = top.scaling === 'linear' ? `${name} fits up to about ${fmtValue(v, top)}` : `${name} fits from about ${fmtValue(v, top)}`;
    if (top.unit === 'seeds' && batch?.runsField && batch.runs > 1) {
      const fieldFits = Math.floor(batch.runsField.value * f);
      fit = fieldFits >= 1
        ? `at most about ${fmtCount(fieldFits)} ${batch.runsField.name} fit (or split the work with --shard)`
        : `at most about ${fmtCount(Math.floor(batch.runs * f))} of its ${fmtCount(batch.runs)} runs fit: fewer swept values or variants (or split the work with --shard)`;
    }
  }
  const also = others.length > 0 ? `; also ${others.map(share).join(', ')}` : '';
  const prefix = top.path.length === 0 && batch?.runsField ? `${batch.runsField.name} ${batch.runsField.value}: ` : '';
  return { path: top.path, message: `${prefix}too much for this machine: this ${batch && batch.runs > 1 ? 'batch' : 'run'} ${headline}. Mostly ${share(top)}${also}. ${fit[0]?.toUpperCase()}${fit.slice(1)}` };
}

function fmtValue(v: number, t: Term): string {
  if (t.unit === 'us') return formatDurationUs(t.scaling === 'inverse' ? Math.ceil(v) : Math.floor(v));
  if (t.unit === 'rate') return `${fmtCount(Math.floor(v))}/s`;
  return fmtCount(Math.max(1, Math.floor(v)));
}

function sum(terms: readonly Term[]): number {
  return terms.reduce((a, t) => a + t.amount, 0);
}

/** 1234567 → "1.23M"; small numbers as integers. */
export function fmtCount(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e9) return `${+(x / 1e9).toPrecision(3)}G`;
  if (x >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e4) return `${+(x / 1e3).toPrecision(3)}k`;
  if (x > 0 && x < 10) return String(+x.toPrecision(2));
  return String(Math.round(x));
}

/** Bytes in decimal units: "9.6 GB". */
export function fmtBytes(b: number): string {
  if (b >= 1e12) return `${+(b / 1e12).toPrecision(3)} TB`;
  if (b >= 1e9) return `${+(b / 1e9).toPrecision(3)} GB`;
  if (b >= 1e6) return `${+(b / 1e6).toPrecision(3)} MB`;
  return `${Math.round(b / 1e3)} kB`;
}

function fmtSeconds(s: number): string {
  if (s >= 2 * 86400) return `${+(s / 86400).toPrecision(3)} days`;
  if (s >= 2 * 3600) return `${+(s / 3600).toPrecision(3)} hours`;
  if (s >= 120) return `${Math.round(s / 60)} minutes`;
  return `${Math.round(s)} s`;
}
