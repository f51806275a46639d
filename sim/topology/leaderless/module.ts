// The leaderless topology as a module (sim/topology/module.ts): a Dynamo /
// Cassandra-style store (leaderless.ts) with one process status node per
// region (the fault verbs crash, pause, resume and slow it; it holds no
// data). Reads are judged by the answer the coordinator assembled
// (judge.ts), with t-visibility; concurrent writes are counted as conflicts
// and lost updates in the write facts' order (LWW by timestamp; concurrency
// by real time). No channels, no lag monitor, no failover.
//
// RPO (issue 14, item 5): at the end of the run, an acknowledged write that
// no replica reflects and no pending hint will deliver is lost (replicas are
// durable, so what a restarted replica lacks, hints and repair can still
// bring; a write acknowledged only by a sloppy stand-in whose hint expired is
// gone).
import { compileDist, type Sampler } from '../../core/distributions.ts';
import { DbNode } from '../../db/node.ts';
import type { TopologyContext, TopologyModule, TopologyRun } from '../module.ts';
import { Legs, type Leg } from './legs.ts';
import { Leaderless } from './leaderless.ts';
import { LeaderlessJudge } from './judge.ts';
import { replicaCounts } from '../../scenario/leaderless-rules.ts';

/** The assembled leaderless run (tests reach the store through `model`). */
export interface LeaderlessRun extends TopologyRun {
  readonly model: Leaderless;
}

export const leaderlessModule: TopologyModule = {
  kind: 'leaderless',
  create(ctx: TopologyContext): LeaderlessRun {
    const { scenario: sc, sched, rng, net, regionIds: ids, clocks, keys, regions, workload, events } = ctx;
    const l = sc.topology.leaderless;
    const setTables = sc.workload.tables.map((t) => t.merge !== undefined);
    const isSet = (row: number) => setTables[keys.tableOf(row)] === true;
    const counts = replicaCounts(sc);
    const applyTime = compileDist(sc.topology.replication.applyTime);
    // Status only: a node per region that the fault verbs stop and resume (one row, no data).
    const nodes = ids.map((id, r) => new DbNode({ region: r, rowCount: 1, applyTime, applyRng: rng.stream(`leaderless/status/${id}`), onApplied: () => {} }));
    const overrides: Partial<Record<Leg, Sampler>> = {};
    for (const leg of ['write', 'ack', 'read', 'response'] as const) {
      const d = l.legs[leg];
      if (d) overrides[leg] = compileDist(d);
    }
    const legs = new Legs({
      sched, net, overrides, serviceTime: applyTime, serviceFactor: (r) => (nodes[r] as DbNode).applyFactor,
      legRng: rng.stream('leaderless/legs'), serviceRng: rng.stream('leaderless/service'), lossRng: rng.stream('leaderless/loss'),
    });
    let judge: LeaderlessJudge | undefined;
    const ref = (op: { region: number }) => ({ node: nodes[op.region] as DbNode, lsn: 0, epoch: 0 });
    const rowBytes = sc.workload.tables.map((t) => t.rowBytes);
    const model = new Leaderless({
      sched, net, legs, nodes, events, clocks, rowCount: keys.rowCount, isSet, rowBytes: (row) => rowBytes[keys.tableOf(row)] ?? 0, clientTimeoutUs: sc.workload.clientTimeout, warmupUs: sc.warmup,
      readRepairRng: rng.stream('leaderless/read-repair'),
      config: {
        replicas: counts, write: l.write, read: l.read, readFanout: l.readFanout, timestamps: l.timestamps, readRepair: l.readRepair,
        hintedHandoff: l.hintedHandoff === false ? undefined : { maxHintWindowUs: l.hintedHandoff.maxHintWindow, replayIntervalUs: l.hintedHandoff.replayInterval },
        antiEntropyIntervalUs: l.antiEntropyInterval, sloppyQuorum: l.sloppyQuorum,
      },
      sink: {
        writeAcked: (op, id, atUs) => workload.writeAcked(op, atUs, { ...ref(op), version: id, commitUs: atUs }),
        writeFailed: (op) => workload.writeFailed(op),
        readServed: (op, answer, atUs) => {
          (judge as LeaderlessJudge).answer = answer;
          workload.readServed(op, answer.id, atUs);
        },
        readFailed: (op) => workload.readFailed(op),
      },
    });
    judge = new LeaderlessJudge(model, ids.length * sc.workload.sessions, keys.rowCount, isSet);
    const holds = (r: number) => (counts[r] ?? 0) > 0;
    type State = ReturnType<TopologyRun['regionState']>;
    return {
      model,
      write: (op) => model.write(op),
      read: (op) => model.read(op),
      nodesOf: (r) => [nodes[r] as DbNode],
      hostsIn: (r) => counts[r] ?? 0,
      channels: () => [],
      monitored: false,
      measure: {
        oracle: { kind: 'judge', judge },
        epochs: false,
        conflicts: { writes: model.facts, lww: (table) => setTables[table] !== true },
      },
      initialState: (r) => (holds(r) ? 'replica' : 'primary'),
      regionState: (r): State => ({
        state: regions.outage(r) > 0 || regions.crashed(r) > 0 ? 'down' : regions.paused(r) > 0 ? 'paused' : regions.cuts(r) > 0 ? 'partitioned' : holds(r) ? 'replica' : 'primary',
        role: 'replica',
      }),
      faults: {},
      start: () => model.start(),
      catchUp: () => {},
      finish() {
        const lost = model.lostAcked(sc.warmup);
        for (const id of lost.ids) {
          const row = model.facts.row[id] as number;
          events.lostAcked(row, id, model.facts.ackUs[id] as number, rowBytes[keys.tableOf(row)] ?? 0);
        }
      },
    };
  },
};
