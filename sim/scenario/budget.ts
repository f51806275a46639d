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
// (loader.ts) or word where a field is (locator.ts).//
// This file assembles the estimate and judges it; its parts: the measured
// constants and the terms an estimate is made of (budget-terms.ts, whose
// header says where each constant comes from), the event estimate
// (budget-events.ts), the memory estimate (budget-memory.ts), the refusal's
// wording (budget-refusal.ts) and number formats (budget-format.ts).
import type { Problem } from './problems.ts';
import type { Scenario } from './schema.ts';
import { CALIBRATION, sum, type BatchShape, type RunEstimate, type Term } from './budget-terms.ts';
import { fmtBytes, fmtCount, fmtSeconds } from './budget-format.ts';
import { estimateEvents, runLoad } from './budget-events.ts';
import { estimateMemory } from './budget-memory.ts';
import { refusal } from './budget-refusal.ts';

export { CALIBRATION, type BatchShape, type RunEstimate, type Term } from './budget-terms.ts';
export { fmtBytes, fmtCount } from './budget-format.ts';
export { highQuantileUs } from './budget-events.ts';
export { distinctRows } from './budget-memory.ts';

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

/** Estimates one run of a validated scenario. */
export function estimateRun(sc: Scenario): RunEstimate {
  const rows = sc.workload.keys.count * sc.workload.tables.length;
  const load = runLoad(sc);
  const { events, eventTerms, faultWindows, longestUs } = estimateEvents(sc, load);
  const { heapTerms, offHeapTerms, seriesPoints } = estimateMemory(sc, load, faultWindows, longestUs);
  const summaryBytes = 20_000 + seriesPoints * 45 + faultWindows * 370;
  return { events, eventTerms, heapBytes: sum(heapTerms), heapTerms, offHeapBytes: sum(offHeapTerms), offHeapTerms, summaryBytes, rows };
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
