// The resource budget's measured constants and the shape of an estimate: a
// term per contribution, tied to the field that drives it, a run's estimate
// made of them, and the shape of a batch of runs. The bottom of the budget's
// files (budget.ts assembles them).
//
// Calibration (Node 20.20, this project's 2-core VM, peak figures sampled
// every 1% of simulated time; test/scenario/budget.test.ts repeats them):
// - events per operation: 2.30–2.93 on the single-primary, active-active and
//   region-pinned reference scenarios since a same-region request travels to
//   its node as an event of its own (2.93 active-active-clock-skew, 2.30
//   primary-region-partition; 1.66–2.86 before); EVENTS_PER_OP = 3.
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
import type { PathSegment } from './paths.ts';

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

/** The sum of the terms' amounts. */
export function sum(terms: readonly Term[]): number {
  return terms.reduce((a, t) => a + t.amount, 0);
}
