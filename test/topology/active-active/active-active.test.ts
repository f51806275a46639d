// Active-active scenarios: LWW on skewed wall clocks loses more updates than
// HLC; a gset table loses no acknowledged add across a partition; replicas
// converge after faults heal; the example scenario's active-active variant.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioFromText } from '../../../sim/scenario/loader.ts';
import { assembleActiveActive } from '../../helpers/active-active.ts';
import { simulate } from '../../../sim/run.ts';
import type { Scenario } from '../../../sim/scenario/schema.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const specExample = path.resolve(here, '../../../scenarios/primary-region-partition.yaml');

/** Three regions, writes everywhere on hot keys; region c's clock is 500 ms behind. */
function hotKeys(extra = ''): string {
  return `
name: aa-hot-keys
seed: 7
duration: 30s
regions:
  - id: a
  - id: b
  - id: c
    clock: { offset: -500ms }
network:
  rtt: { a: { b: 70ms, c: 150ms }, b: { c: 160ms } }
  jitter: { dist: exponential, mean: 1ms }
topology: { kind: active-active }
failover: { mode: none }
workload:
  keys: { count: 2000, distribution: zipf, s: 0.5 }
  regions: { a: { writes: 200/s, reads: 200/s }, b: { writes: 200/s, reads: 200/s }, c: { writes: 200/s, reads: 200/s } }
  sessions: 100
${extra}`;
}

function scenario(text: string, sets: string[] = []): Scenario {
  return loadScenarioFromText(text, 'inline.yaml', { sets }).scenario;
}

function run(sc: Scenario, seed = sc.seed) {
  return assembleActiveActive(sc, seed).run();
}

describe('active-active', () => {
  it('lww-wallclock with a clock 500 ms behind loses several times more updates than lww-hlc', () => {
    const hlc = run(scenario(hotKeys(), ['topology.conflict=lww-hlc'])).metrics.conflicts;
    const wall = run(scenario(hotKeys(), ['topology.conflict=lww-wallclock'])).metrics.conflicts;
    console.log('lost updates: hlc', hlc, 'wallclock', wall);
    expect(hlc.total).toBeGreaterThan(0);
    expect(wall.lostUpdates).toBeGreaterThan(3 * hlc.lostUpdates);
  });

  it('a gset table loses no acknowledged add across a partition and heal; replicas converge', () => {
    const sc = scenario(hotKeys(`
  tables: [ { name: carts, share: 0.5, merge: gset }, { name: users, share: 0.5 } ]
faults:
  - { at: 5s, for: 10s, partition: { isolate: a } }
  - { at: 18s, for: 3s, crash: { region: b } }
`));
    const acked: Array<[number, number]> = [];
    const w = assembleActiveActive(sc, 3, (row, id) => acked.push([row, id]));
    const s = w.run();
    w.settle(10_000_000);
    const aa = w.activeActive;
    const carts = acked.filter(([row]) => row < sc.workload.keys.count);
    expect(carts.length).toBeGreaterThan(1000);
    for (let r = 0; r < 3; r++) for (const [row, id] of carts) expect(aa.reflects(r, row, id)).toBe(true);
    const states = [0, 1, 2].map((r) => JSON.stringify(aa.finalState(r)));
    expect(states[1]).toBe(states[0]);
    expect(states[2]).toBe(states[0]);
    expect(s.metrics.conflicts.total).toBeGreaterThan(0);
    expect(s.metrics.rpo.lostAckedWrites).toBe(0);
  });

  it('reads during an isolation are stale, and read-your-writes holds (reads are local)', () => {
    const s = run(scenario(hotKeys(`
  readAfterWrite: { probability: 0.5, delay: 10ms }
faults: [ { at: 5s, for: 10s, partition: { isolate: a } } ]
`)));
    expect(s.metrics.reads.stale).toBeGreaterThan(0);
    expect(s.metrics.reads.rywViolations).toBe(0);
    expect(s.metrics.reads.monotonicViolations).toBe(0);
    expect(s.metrics.reads.stalenessMs.max).toBeLessThan(10_500);
  });

  it('example scenario, active-active-hlc, 60 s: conflicts > 0, nothing acknowledged lost, same seed ⇒ same summary', () => {
    const load = () => loadScenario(specExample, { variant: 'active-active-hlc', sets: ['duration=60s'] });
    const l = load();
    const a = simulate(l.scenario, { seed: 42, variant: l.variant, contentHash: l.contentHash });
    const l2 = load();
    const b = simulate(l2.scenario, { seed: 42, variant: l2.variant, contentHash: l2.contentHash });
    console.log('spec example active-active-hlc conflicts', a.metrics.conflicts, 'stale', a.metrics.reads.staleFraction);
    expect(a.topology).toBe('active-active');
    expect(a.metrics.conflicts.total).toBeGreaterThan(0);
    expect(a.metrics.rpo.lostAckedWrites).toBe(0);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
  it('CDC channels: every remote write waits one broker delay more (constant 20 ms: mean lag +20 ms), and replicas still converge', () => {
    // Each row change waits one cdcDelay sample in the broker after its batch
    // arrives. With a constant 20 ms delay every remote write is visible
    // 20 ms later than over WAL channels with the same network draws (plus
    // 20 µs of partition service per change queued ahead of it on its
    // partition, at the default 50 000/s), so the mean lag moves by 20 ms
    // (the apply stages are nearly idle: 400 writes/s × 50 µs).
    const cdcSets = ['topology.replication.channel=cdc', 'topology.replication.cdcDelay={dist: constant, value: 20ms}'];
    const wal = run(scenario(hotKeys())).metrics.replication.lagMs.mean;
    const sc = scenario(hotKeys(), cdcSets);
    const w = assembleActiveActive(sc, sc.seed);
    const s = w.run();
    const cdc = s.metrics.replication.lagMs.mean;
    expect(Math.abs(cdc - wal - 20), `cdc lag ${cdc} ms vs wal ${wal} ms + 20`).toBeLessThan(1);
    w.settle(10_000_000);
    const aa = w.activeActive;
    const states = [0, 1, 2].map((r) => JSON.stringify(aa.finalState(r)));
    expect(states[1]).toBe(states[0]);
    expect(states[2]).toBe(states[0]);
  });
  it('CDC channels with a variable broker delay (exponential, mean 20 ms): nothing is skipped, replicas converge across a partition', () => {
    // Changes overtake each other in the broker; the receiver must still
    // apply every one (an earlier model skipped overtaken batches).
    const sc = scenario(
      hotKeys(`
faults: [ { at: 5s, for: 5s, partition: { isolate: b } } ]
`),
      ['topology.replication.channel=cdc', 'topology.replication.cdcDelay={dist: exponential, mean: 20ms}'],
    );
    const w = assembleActiveActive(sc, sc.seed);
    const s = w.run();
    w.settle(10_000_000);
    const aa = w.activeActive;
    const states = [0, 1, 2].map((r) => JSON.stringify(aa.finalState(r)));
    expect(states[1], 'b converged with a').toBe(states[0]);
    expect(states[2], 'c converged with a').toBe(states[0]);
    expect(s.metrics.rpo.lostAckedWrites).toBe(0);
  });
  it('CDC channels: changes to different rows become visible out of their source\'s order, changes to one row never do', () => {
    // Broker delay uniform 0–200 ms: at 200 writes/s per source, about 40
    // changes of one source are in the broker at once, so neighbours in
    // visibility order are often inverted. Per row, order is kept.
    const sc = scenario(hotKeys(), ['topology.replication.channel=cdc', 'topology.replication.cdcDelay={dist: uniform, min: 0ms, max: 200ms}']);
    const w = assembleActiveActive(sc, sc.seed);
    const aa = w.activeActive;
    const node = aa.inbound[1]![0]!; // region b's applier of source a
    const seen: Array<{ lsn: number; row: number; id: number }> = [];
    const hook = node.onVisible!;
    (node as { onVisible: typeof hook }).onVisible = (n, rec, doneUs) => {
      seen.push({ lsn: rec.lsnEnd, row: rec.rowId, id: rec.writeId });
      hook(n, rec, doneUs);
    };
    w.run();
    expect(seen.length).toBeGreaterThan(4000);
    let inverted = 0;
    for (let i = 1; i < seen.length; i++) if (seen[i]!.lsn < seen[i - 1]!.lsn) inverted++;
    expect(inverted, 'cross-row reordering').toBeGreaterThan(seen.length / 10);
    const last = new Map<number, number>();
    let rowInversions = 0;
    for (const v of seen) {
      if ((last.get(v.row) ?? 0) > v.id) rowInversions++;
      last.set(v.row, v.id);
    }
    expect(rowInversions, 'per-row order').toBe(0);
  });

  it('CDC channels: a set-row write visible ahead of its source\'s applied prefix counts as reflected; at the end every acknowledged add is everywhere', () => {
    const sc = scenario(
      hotKeys(`
  tables: [ { name: carts, share: 0.5, merge: gset }, { name: users, share: 0.5 } ]
`),
      ['topology.replication.channel=cdc', 'topology.replication.cdcDelay={dist: uniform, min: 0ms, max: 200ms}'],
    );
    const acked: Array<[number, number]> = [];
    const w = assembleActiveActive(sc, 5, (row, id) => acked.push([row, id]));
    w.run();
    const aa = w.activeActive;
    // At the end of the run some writes are visible while an earlier one of their source is still in the broker.
    expect([0, 1, 2].reduce((sum, r) => sum + aa.visibleAheadCount(r), 0), 'writes visible ahead of the prefix').toBeGreaterThan(0);
    const cartRows = sc.workload.keys.count; // carts are the first table: rows [0, count)
    for (let r = 0; r < 3; r++)
      for (let row = 0; row < cartRows; row++) {
        const held = aa.rows[r]![row]!;
        if (held !== 0) expect(aa.reflects(r, row, held), `region ${r} row ${row} shows write ${held}`).toBe(true);
      }
    w.settle(10_000_000);
    for (let r = 0; r < 3; r++) {
      expect(aa.visibleAheadCount(r)).toBe(0);
      for (const [row, id] of acked) if (row < cartRows) expect(aa.reflects(r, row, id)).toBe(true);
    }
    const states = [0, 1, 2].map((r) => JSON.stringify(aa.finalState(r)));
    expect(states[1]).toBe(states[0]);
    expect(states[2]).toBe(states[0]);
  });
});
