// The topology module interface, exercised by a toy topology written in this
// file: every region keeps its own copy and nothing is replicated (writes
// commit and answer locally, reads return the local copy). It shows what a
// new topology provides, and checks what the one assembly does with it: the
// fault hooks fire when the faults act, the timeline follows regionState,
// and the measurement judges reads by the module's staleness oracle.
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { assemble } from '../../sim/run.ts';
import { DbNode } from '../../sim/db/node.ts';
import type { TopologyModule } from '../../sim/topology/module.ts';

const text = `
name: toy
seed: 4
duration: 10s
regions: [ { id: a }, { id: b } ]
network: { rtt: { a: { b: 20ms } } }
failover: { mode: none }
workload:
  keys: { count: 10 }
  regions: { a: { writes: 100/s }, b: { reads: 100/s } }
faults:
  - { at: 2s, for: 1s, partition: { isolate: b } }
  - { at: 4s, for: 1s, pause: { region: a } }
  - { at: 6s, for: 1s, crash: { region: b } }
  - { at: 8s, clockJump: { region: a, by: -50ms } }
`;

function toy(calls: string[]): TopologyModule {
  return {
    kind: 'single-primary',
    create(ctx) {
      const now = () => ctx.sched.now / 1e6;
      const nodes = ctx.regionIds.map((_, r) => new DbNode({ region: r, rowCount: ctx.keys.rowCount, applyTime: () => 0, applyRng: ctx.rng.stream(`toy/${r}`), onApplied: () => {} }));
      let seq = 0;
      return {
        write(op) {
          const node = nodes[op.region]!;
          if (!node.isUp) return ctx.workload.writeFailed(op);
          const version = ++seq;
          const lsn = node.wal.endLsn + 1;
          node.commitLocal({ lsnEnd: lsn, writeId: version, rowId: op.row, table: op.table, bytes: op.bytes, commitUs: ctx.sched.now, origin: op.region, epoch: 0 });
          ctx.workload.writeAcked(op, ctx.sched.now, { node, version, lsn, epoch: 0, commitUs: ctx.sched.now });
        },
        read(op) {
          const node = nodes[op.region]!;
          if (!node.isUp) return ctx.workload.readFailed(op);
          ctx.workload.readServed(op, node.rowVersion[op.row]!, ctx.sched.now);
        },
        nodesOf: (r) => [nodes[r]!],
        hostsIn: () => 1,
        channels: () => [],
        monitored: false,
        measure: {
          oracle: { kind: 'versions', minVisible: (row) => Math.min(...nodes.map((x) => x.rowVersion[row]!)) },
          epochs: false,
        },
        initialState: () => 'primary',
        regionState: (r) => ({ state: nodes[r]!.isUp ? (ctx.regions.isolated(r) ? 'partitioned' : 'primary') : 'down', role: 'primary' }),
        faults: {
          cut: (a, b) => calls.push(`${now()} cut ${a}->${b}`),
          healed: (a, b) => calls.push(`${now()} healed ${a}->${b}`),
          paused: (r) => calls.push(`${now()} paused ${r}`),
          resumed: (r) => calls.push(`${now()} resumed ${r}`),
          crashed: (r) => calls.push(`${now()} crashed ${r}`),
          restarting: (r) => calls.push(`${now()} restarting ${r}`),
          back: (r) => calls.push(`${now()} back ${r}`),
          clockJumped: (r, by) => calls.push(`${now()} clock ${r} ${by}`),
        },
        start: () => {},
        catchUp: () => {},
      };
    },
  };
}

describe('a topology module plugged into the one assembly', () => {
  it('gets its fault hooks at the faults\' times, a timeline from regionState, and reads judged by its oracle', () => {
    const sc = loadScenarioFromText(text, 'inline.yaml').scenario;
    const calls: string[] = [];
    const s = assemble(sc, { seed: 4, variant: 'default', contentHash: 'x' }, toy(calls)).run();
    expect(calls).toEqual([
      '2 cut 1->0', '2 cut 0->1', '3 healed 1->0', '3 healed 0->1',
      '4 paused 0', '5 resumed 0',
      '6 crashed 1', '7 restarting 1', '7 back 1',
      '8 clock 0 -50000',
    ]);
    const b = s.timeline.filter((x) => x.region === 'b').map((x) => [x.state, x.startMs, x.endMs]);
    expect(b).toEqual([['primary', 0, 2000], ['partitioned', 2000, 3000], ['primary', 3000, 6000], ['down', 6000, 7000], ['primary', 7000, 10000]]);
    // Nothing is replicated: b reads only its own (never written) copy, so every read of a row a wrote
    // (acked before the read began) is stale; b's reads during its crash (6–7 s, ~100) fail.
    expect(s.metrics.reads.stale).toBeGreaterThan(0.8 * (s.metrics.reads.total - s.metrics.reads.failed));
    expect(s.metrics.reads.failed).toBeGreaterThan(70);
    expect(s.metrics.reads.failed).toBeLessThan(130);
    // a's writes during its pause (4–5 s) fail: DbNode is paused, this toy does not wait.
    expect(s.metrics.writes.failed).toBeGreaterThan(70);
  });
});
