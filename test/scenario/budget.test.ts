// The resource budget (sim/scenario/budget.ts): every expected number below
// is derived by hand from the scenario and the calibration constants, and
// the calibration itself is checked against real runs of two reference
// scenarios.
import { describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { CALIBRATION, distinctRows, estimateRun, fmtCount, highQuantileUs, judge, type MachineLimits } from '../../sim/scenario/budget.ts';
import { simulate } from '../../sim/run.ts';

const root = new URL('../..', import.meta.url).pathname;

/** Two regions, 100 s, 100 writes/s + 200 reads/s from `a`, 1000 keys in one 256 B table, heartbeats every 1 s, ship every 10 ms. */
function scenario(extra = ''): string {
  return `name: budget
duration: 100s
regions: [{ id: a }, { id: b }]
network: { rtt: { a: { b: 10ms } } }
workload:
  keys: { count: 1000 }
  regions: { a: { writes: 100/s, reads: 200/s } }
${extra}`;
}
const load = (extra = '', sets: string[] = []) => loadScenarioFromText(scenario(extra), 'budget.yaml', { sets });
const roomy: MachineLimits = { heapLimitBytes: 4e9, memoryBytes: 24e9 };

describe('estimateRun, by hand', () => {
  const e = estimateRun(load().scenario);
  it('events: operations, heartbeats, ship ticks and monitor samples', () => {
    // ops (100 + 200)/s × 100 s × 3 = 90,000; heartbeats 100 s / 1 s × 3 = 300;
    // ship ticks 100 s / 10 ms × 1 = 10,000; monitor 100 s × 4 = 400.
    expect(e.events).toBeCloseTo(90_000 + 300 + 10_000 + 400, 6);
  });
  it('heap: base, written rows, writes waiting on the replica, summary series', () => {
    // rows 1000; 10,000 writes hit 1000 × (1 − e^−10) = 999.9546 distinct rows:
    //   1000 × 12 + 999.9546 × 200 = 211,990.9
    // replica capacity min(1e6/50us = 20,000/s, 1e9 B/s / 256 B = 3.9M/s) > 100/s:
    //   backlog window min(100 s, 10 s floor + 0 fault span) = 10 s → 1000 writes × 300 = 300,000
    // series: (1 channel + 2) × 100 s = 300 points × 150 = 45,000
    expect(e.heapBytes).toBeCloseTo(64e6 + 211_990.92 + 300_000 + 45_000, 0);
  });
  it('off-heap: row arrays per node and session state', () => {
    // 1000 rows × 2 nodes × 8 B = 16,000; 10,000 sessions × 2 regions × 120 B = 2,400,000
    expect(e.offHeapBytes).toBe(16_000 + 2_400_000);
    expect(e.summaryBytes).toBe(20_000 + 300 * 45);
  });
  it('a replica that cannot keep up holds every write of the run', () => {
    // 1 B/s carries 1/256 of a write a second: overloaded, so all 100/s × 100 s = 10,000 writes wait.
    const slow = estimateRun(load('', ['network.bandwidth=1B/s']).scenario);
    const pending = slow.heapTerms.find((t) => t.path.join('.') === 'workload.regions.a.writes');
    expect(pending?.amount).toBe(10_000 * 300);
    expect(pending?.what).toMatch(/a replica applies at most 0.0039 writes\/s, so all 10k writes of 1.67m may wait unapplied/);
  });
  it('random faults: count over their span, and their events', () => {
    // faults from 10 s to the end (90 s), one every 100 ms: 900 faults × 3 events = 2,700
    const f = estimateRun(load(`faults: [{ at: 10s, random: { kinds: [partition], meanInterval: 100ms, duration: 50ms } }]`).scenario);
    const t = f.eventTerms.find((x) => x.path.join('.') === 'faults.0.random.meanInterval');
    expect(t?.amount).toBeCloseTo(2_700, 6);
    expect(f.events - e.events).toBeCloseTo(2_700, 6);
  });
});

describe('judge', () => {
  it('accepts the small run silently', () => {
    expect(judge(estimateRun(load().scenario), roomy)).toEqual({ warnings: [] });
  });
  it('refuses too many keys for the heap, at workload.keys.count, with the count that fits', () => {
    const e = estimateRun(load('', ['workload.keys.count=10000000']).scenario);
    // heap budget 50% × 300 MB = 150 MB. Keys term: 1e7 × 12 + 10,000 writes over 1e7 rows
    // (9,995.0 distinct) × 200 = 121,999,000; the rest 64e6 + 300,000 + 45,000 = 64,345,000.
    // Total 186.3 MB > 150 MB; the keys may take 150e6 − 64,345,000 = 85,655,000:
    // f = 0.70210, so about 7,021,000 keys fit ("7.02M").
    const v = judge(e, { heapLimitBytes: 300e6, memoryBytes: 24e9 });
    expect(v.refusal?.path).toEqual(['workload', 'keys', 'count']);
    expect(v.refusal?.message).toMatch(/needs about 186 MB of JS heap at its peak; node gives this process 300 MB and repsim plans to use at most 50% of it \(150 MB\)/);
    expect(v.refusal?.message).toMatch(/This field fits up to about 7\.02M$/);
  });
  it('refuses a batch that would take more than a day even at the fast rate, naming --seeds', () => {
    const e = estimateRun(load().scenario);
    // 1e6 runs × 100,700 events = 1.007e11 events; at 1e6 events/s that is 1.007e5 s > 86,400 s.
    // Runs that fit: 1e6 × 86,400e6 / 1.007e11 = 857,994 → "858k".
    const v = judge(e, roomy, { runs: 1e6, concurrent: 1, keepsResults: false, runsField: { name: '--seeds', value: 1e6 } });
    expect(v.refusal?.path).toEqual([]);
    expect(v.refusal?.message).toMatch(/^--seeds 1000000: too much for this machine: this batch would make about 101G events/);
    expect(v.refusal?.message).toMatch(/At most about 858k --seeds fit \(or split the work with --shard\)$/);
  });
  it('a grid too big for its swept values, not its seeds, says so', () => {
    // 1e6 runs from --param values × --seeds 1: f = 0.858 (as above), and 0.858 × 1 seed < 1,
    // so the message counts runs: 1e6 × 0.858 = 857,994 → "858k".
    const v = judge(estimateRun(load().scenario), roomy, { runs: 1e6, concurrent: 1, keepsResults: false, runsField: { name: '--seeds', value: 1 } });
    expect(v.refusal?.message).toMatch(/At most about 858k of its 1M runs fit: fewer swept values or variants \(or split the work with --shard\)$/);
  });
  it('refuses a batch whose kept result lines do not fit', () => {
    // 1e5 lines × 33,500 B × 3 = 10.05 GB of heap for the table alone.
    const v = judge(estimateRun(load().scenario), roomy, { runs: 1e5, concurrent: 1, keepsResults: true, runsField: { name: '--seeds', value: 1e5 } });
    expect(v.refusal?.message).toMatch(/result line kept for the table/);
  });
  it('warns, with a range, about work that takes over a minute', () => {
    // 1000 runs × 100,700 events = 1.007e8: 101 s at 1e6 events/s, 336 s at 3e5.
    const v = judge(estimateRun(load().scenario), roomy, { runs: 1000, concurrent: 1, keepsResults: false });
    expect(v.refusal).toBeUndefined();
    expect(v.warnings).toEqual(['this will take 101 s–6 minutes (~101M events over 1000 runs)']);
  });
  it('refuses more rows than 32-bit row ids, whatever the machine', () => {
    // 10,000,000 keys × 215 tables = 2.15e9 rows > 2^31 − 1 = 2,147,483,647.
    const tables = Array.from({ length: 215 }, (_, i) => `{ name: t${i}, share: ${1 / 215} }`).join(', ');
    const e = estimateRun(load(`  tables: [${tables}]`, ['workload.keys.count=10000000', 'workload.regions={}']).scenario);
    const v = judge(e, { heapLimitBytes: 1e15, memoryBytes: 1e15 });
    expect(v.refusal?.path).toEqual(['workload', 'keys', 'count']);
    expect(v.refusal?.message).toBe('2150000000 rows (keys × tables) exceed the 2147483647 row ids repsim has (32-bit); lower the keys or the tables');
  });
  it('refuses a summary longer than the longest string node builds', () => {
    // 30 days × 3 series × 45 B = 350 MB compact, 525 MB pretty... plus the base 20 kB: under 537 MB;
    // with 10 regions single-primary (9 channels, 11 series) it is 30 d × 11 × 45 × 1.5 = 1.92 GB.
    const regions = Array.from({ length: 10 }, (_, i) => `{ id: r${i} }`).join(', ');
    const rtt = Array.from({ length: 9 }, (_, i) => `r${i}: { ${Array.from({ length: 9 - i }, (_, j) => `r${i + j + 1}: 10ms`).join(', ')} }`).join(', ');
    const sc = loadScenarioFromText(`name: long\nduration: 720h\nregions: [${regions}]\nnetwork: { rtt: { ${rtt} } }\nfailover: { mode: none }\n`, 'long.yaml');
    const v = judge(estimateRun(sc.scenario), roomy);
    expect(v.refusal?.path).toEqual(['duration']);
    expect(v.refusal?.message).toMatch(/would write a summary of about 1\.92 GB of JSON/);
  });
});

describe('helpers', () => {
  it('distinct rows of uniform draws: rows × (1 − e^(−writes/rows))', () => {
    expect(distinctRows(1000, 1000)).toBeCloseTo(632.1206, 3);
    expect(distinctRows(1000, 0)).toBe(0);
  });
  it('high quantiles of durations', () => {
    expect(highQuantileUs({ dist: 'exponential', mean: 1e6 })).toBe(5e6);
    expect(highQuantileUs({ dist: 'pareto', scale: 1, shape: 2 })).toBeCloseTo(10, 9); // p99: 100^(1/2)
    expect(highQuantileUs({ dist: 'lognormal', median: 1, sigma: 1 })).toBeCloseTo(Math.exp(3), 9);
    expect(highQuantileUs({ dist: 'exponential', mean: 1e6, max: 2e6 })).toBe(2e6);
    // The schema allows 100,000 samples: too many to spread into Math.max's arguments.
    expect(highQuantileUs({ dist: 'empirical', samples: Array.from({ length: 100_000 }, (_, i) => i) })).toBe(99_999);
  });
  it('counts print short', () => {
    expect([fmtCount(1 / 256), fmtCount(999), fmtCount(12_345), fmtCount(857_994), fmtCount(1.007e11)]).toEqual(['0.0039', '999', '12.3k', '858k', '101G']);
  });
});

describe('calibration against real runs', () => {
  // Measured: github-2018-partition makes 227,535 events (estimate 283,860) and
  // active-active-clock-skew 194,968 (estimate 198,480); peak heaps 34 MB and 33 MB
  // against estimates of 68 MB and 65 MB. The estimate must stay above the
  // real run and within 3× of it.
  for (const name of ['github-2018-partition', 'active-active-clock-skew']) {
    it(`${name}: events estimated within [1×, 3×] of the run's`, () => {
      const l = loadScenario(`${root}scenarios/${name}.yaml`);
      const s = simulate(l.scenario, { seed: l.scenario.seed, variant: l.variant, contentHash: l.contentHash });
      const e = estimateRun(l.scenario);
      expect(e.events).toBeGreaterThanOrEqual(s.events);
      expect(e.events).toBeLessThanOrEqual(3 * s.events);
      expect(e.events / CALIBRATION.eventsPerWallS).toBeLessThan(60);
    }, 60_000);
  }
});
