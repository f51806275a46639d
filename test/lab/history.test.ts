// The lab's history recording without PostgreSQL: the simulator's workload
// drives LabClients, whose pools are an in-memory double of the cluster (a
// primary that applies writes at once and a standby that shows them only
// after a hand-set lag). The history must hold an invoke and a completion
// per operation with the write ids and the node that served each, and the
// recorder's staleness checker must judge reads of the lagging standby
// exactly as hand-derived below.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../sim/core/scheduler.ts';
import { RngRoot } from '../../sim/core/rng.ts';
import { KeySpace } from '../../sim/world/keys.ts';
import { Workload, workloadOptions } from '../../sim/workload/workload.ts';
import { labMeasurement } from '../../sim/lab/measure.ts';
import type { HistoryRecord } from '../../sim/measure/history.ts';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { LabClients, type Queryable } from '../../sim/lab/clients.ts';

/** A two-node "cluster" in memory: node 0 is the primary, node 1 shows each write `lagUs` after its commit. */
class FakeCluster {
  readonly rows = new Map<number, Array<{ v: number; atUs: number }>>();
  constructor(private readonly now: () => number, private readonly lagUs: number) {}
  pool(to: number): Queryable {
    return {
      query: async <R extends Record<string, unknown>>(text: string, values: unknown[]): Promise<{ rows: R[] }> => {
        await Promise.resolve();
        const k = Number(values[text.startsWith('WITH') ? 1 : 0]);
        if (text.startsWith('WITH')) {
          if (to !== 0) throw Object.assign(new Error('read-only'), { code: '25006', severity: 'ERROR' });
          const list = this.rows.get(k) ?? [];
          list.push({ v: Number(values[0]), atUs: this.now() });
          this.rows.set(k, list);
          return { rows: [] };
        }
        const visibleBefore = this.now() - (to === 0 ? 0 : this.lagUs);
        const seen = (this.rows.get(k) ?? []).filter((w) => w.atUs <= visibleBefore);
        return { rows: seen.length === 0 ? [] : [{ v: String(Math.max(...seen.map((w) => w.v))) } as unknown as R] };
      },
      prewarm: async () => undefined,
      reset: () => undefined,
      close: async () => undefined,
    };
  }
}

const SCENARIO = `
name: lab-history
duration: 2s
regions: [{ id: a }, { id: b }]
network: { rtt: { a: { b: 70ms } } }
failover: { mode: none }
workload:
  arrivals: constant
  keys: { count: 1 }
  sessions: 1
  regions: { a: { writes: 10/s }, b: { reads: 40/s } }
`;

describe('lab history recording', () => {
  it('records every operation with its write id and node, and judges standby reads with the staleness checker', async () => {
    const sc = loadScenarioFromText(SCENARIO, 'lab-history.yaml').scenario;
    const sched = new Scheduler();
    let nowUs = 0;
    const history: HistoryRecord[] = [];
    // No failover here: every ack is of epoch 1.
    const { recorder, events } = labMeasurement({ regionCount: 2, sessionCount: 2, warmupUs: 0, currentEpoch: () => 1 });
    const keys = new KeySpace({ keyCount: 1, distribution: 'uniform', s: 0, shares: [1] });
    const fake = new FakeCluster(() => nowUs, 30_000);
    const clients = new LabClients({
      cluster: { ids: ['a', 'b'], primary: 0, oneWayUs: () => 35_000 },
      openPool: (_from, to) => fake.pool(to),
      scenario: sc, sched, pump: () => void sched.run(nowUs),
    });
    const workload = new Workload(workloadOptions(sc, { sched, rng: new RngRoot(1), ids: ['a', 'b'], keys, endUs: sc.duration }, events, { write: (r) => history.push(r) }));
    clients.workload = workload;
    workload.start(clients);
    // Real time stands still in the double: advance it by hand, 1 ms at a time, letting promises settle.
    for (nowUs = 0; nowUs <= sc.duration; nowUs += 1000) {
      sched.run(nowUs);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    expect(clients.inFlight).toBe(0);

    // Constant arrivals: writes every 100 ms from t = 100 ms, reads every 25 ms from 25 ms, until 2 s.
    const writes = history.filter((h) => h.f === 'write');
    const reads = history.filter((h) => h.f === 'read');
    expect(writes.filter((h) => h.type === 'invoke')).toHaveLength(19);
    expect(writes.filter((h) => h.type === 'ok')).toHaveLength(19);
    expect(reads.filter((h) => h.type === 'invoke')).toHaveLength(79);
    expect(reads.filter((h) => h.type === 'ok')).toHaveLength(79);
    // Every completion names its invocation; write ids are 1, 2, ... in order; writes were served by the primary.
    const okWrites = writes.filter((h) => h.type === 'ok');
    expect(okWrites.map((h) => h.value)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(new Set(okWrites.map((h) => h.node))).toEqual(new Set(['a']));
    const invokes = new Set(history.filter((h) => h.type === 'invoke').map((h) => h.op));
    for (const h of history.filter((x) => x.type !== 'invoke')) expect(invokes.has(h.op)).toBe(true);

    // Hand-derived: write k is acknowledged at k·100 ms and visible on b from k·100 + 30 ms. A read at
    // t = k·100 + 25 ms (k ≥ 1) began after write k's ack but sees only k − 1: stale by 25 ms, one
    // version behind. Reads at k·100 + 50 and + 75 see write k; reads at k·100 (same instant as the
    // ack, which is not before the read began) are not stale. So 19 stale reads of 25 ms each
    // (the last write, at 1.9 s, is missed by the read at 1.925 s).
    const m = recorder.reads;
    expect(m.total).toBe(79);
    expect(m.stale).toBe(19);
    expect(m.staleness.summaryMs().p50).toBeCloseTo(25, 1);
    expect(m.versionsBehindMax).toBe(1);
    expect(recorder.writes.acked).toBe(19);
    expect(clients.acked.map((w) => w.id)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it('after a failover, a region whose DNS cache still names the old primary writes to it: a zombie (older epoch) ack', async () => {
    const sc = loadScenarioFromText(SCENARIO, 'lab-history.yaml').scenario;
    const sched = new Scheduler();
    let clients: LabClients | undefined;
    const { recorder, events } = labMeasurement({ regionCount: 2, sessionCount: 2, warmupUs: 0, currentEpoch: () => clients?.epoch ?? 1 });
    const fake = new FakeCluster(() => 0, 0);
    clients = new LabClients({ cluster: { ids: ['a', 'b'], primary: 0, oneWayUs: () => 35_000 }, openPool: (_f, to) => fake.pool(to), scenario: sc, sched, pump: () => undefined });
    const keys = new KeySpace({ keyCount: 1, distribution: 'uniform', s: 0, shares: [1] });
    const workload = new Workload(workloadOptions(sc, { sched, rng: new RngRoot(1), ids: ['a', 'b'], keys, endUs: sc.duration }, events, undefined));
    clients.workload = workload;
    // b is promoted (epoch 2) but b's router caches a for dnsTtl (30 s): the write goes to a, which is still up.
    clients.promoted(1, 0);
    clients.write({ write: true, region: 1, session: 1, row: 0, table: 0, bytes: 256, invokeUs: 0, done: false });
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(recorder.writes.acked).toBe(1);
    expect(clients.acked).toEqual([{ id: 1, row: 0, bytes: 256, node: 0, epoch: 1, ackUs: 0 }]);
    expect(clients.firstAckInEpoch.has(2)).toBe(false);
  });
});
