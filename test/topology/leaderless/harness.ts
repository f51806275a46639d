// A bare leaderless store for unit tests: scheduler, network, clocks, legs
// and the topology, driven by hand (no workload, no scenario). Outcomes are
// judged as the assembled run judges them, and collected here.
import { Scheduler } from '../../../sim/core/scheduler.ts';
import { RngRoot } from '../../../sim/core/rng.ts';

import { compileDist, type Dist, type Sampler } from '../../../sim/core/distributions.ts';
import { Network } from '../../../sim/world/network.ts';
import { WallClock } from '../../../sim/world/clock.ts';
import { Legs, type Leg } from '../../../sim/topology/leaderless/legs.ts';
import { Leaderless, type LeaderlessConfig, type ReadAnswer } from '../../../sim/topology/leaderless/leaderless.ts';
import { LeaderlessJudge } from '../../../sim/topology/leaderless/judge.ts';
import { Visibility } from '../../../sim/measure/visibility.ts';
import { ConflictCounter } from '../../../sim/measure/conflicts.ts';
import { DbNode } from '../../../sim/db/node.ts';
import type { Op } from '../../../sim/db/op.ts';

export interface HarnessOptions {
  seed: number;
  /** Region count (ids r0, r1, ...). */
  regions: number;
  /** RTT between distinct regions, µs (all pairs). */
  rttUs?: number;
  /** RTT per pair, µs (overrides rttUs). */
  rttMatrixUs?: number[][];
  intraRegionRttUs?: number;
  clockOffsetUs?: number[];
  rows: number;
  /** Rows below this are set (CRDT) rows. */
  setRows?: number;
  config: Partial<LeaderlessConfig> & Pick<LeaderlessConfig, 'replicas'>;
  legs?: Partial<Record<Leg, Dist>>;
  serviceTime?: Dist;
  clientTimeoutUs?: number;
}

export interface ReadOutcome {
  op: Op;
  answer: ReadAnswer;
  stale: boolean;
  behind: number;
  tUs: number;
  consistent: boolean;
}

export class Harness {
  readonly sched = new Scheduler();
  readonly net: Network;
  readonly topo: Leaderless;
  readonly judge: LeaderlessJudge;
  /** Each region's process status (crash, pause, resume). */
  readonly nodes: DbNode[];
  /** Conflicts and lost updates, as the run's measurement counts them. */
  readonly conflicts: ConflictCounter;
  readonly visibility = new Visibility();
  readonly reads: ReadOutcome[] = [];
  readonly acked: Array<{ op: Op; id: number }> = [];
  failedWrites = 0;
  failedReads = 0;
  /** Called with every served read (after judging). */
  onRead: ((r: ReadOutcome) => void) | undefined;
  onAck: ((op: Op, id: number) => void) | undefined;
  private session = 0;
  private readonly isSet: (row: number) => boolean;

  constructor(o: HarnessOptions) {
    const rng = new RngRoot(o.seed);
    const ids = Array.from({ length: o.regions }, (_, i) => `r${i}`);
    const rtt = o.rttUs ?? 0;
    const intra = o.intraRegionRttUs ?? 0;
    this.net = new Network(this.sched, rng, {
      regionIds: ids, rttUs: ids.map((_, a) => ids.map((_, b) => (a === b ? intra : (o.rttMatrixUs?.[a]?.[b] ?? rtt)))), jitter: () => 0,
      bandwidthBytesPerS: 1e12, intraRegionRttUs: intra, loss: 0,
    });
    const clocks = ids.map((_, i) => new WallClock(o.clockOffsetUs?.[i] ?? 0, 0));
    const overrides: Partial<Record<Leg, Sampler>> = {};
    for (const [k, d] of Object.entries(o.legs ?? {})) overrides[k as Leg] = compileDist(d);
    const service = compileDist(o.serviceTime ?? { dist: 'constant', value: 0 });
    this.nodes = ids.map((id, r) => new DbNode({ region: r, rowCount: 1, applyTime: service, applyRng: rng.stream(`status/${id}`), onApplied: () => {} }));
    const legs = new Legs({
      sched: this.sched, net: this.net, overrides, serviceTime: service, serviceFactor: (r) => (this.nodes[r] as DbNode).applyFactor,
      legRng: rng.stream('leaderless/legs'), serviceRng: rng.stream('leaderless/service'), lossRng: rng.stream('leaderless/loss'),
    });
    const setRows = o.setRows ?? 0;
    const isSet = (row: number) => row < setRows;
    this.isSet = isSet;
    const config: LeaderlessConfig = {
      write: 'ONE', read: 'ONE', readFanout: 'all', timestamps: 'wallclock', readRepair: 0, hintedHandoff: undefined,
      antiEntropyIntervalUs: 0, sloppyQuorum: false, ...o.config,
    };
    const order = { beats: (a: number, b: number) => this.topo.facts.beats(a, b), concurrent: (a: number, b: number) => this.topo.facts.concurrent(a, b), addHolder: () => {} };
    this.conflicts = new ConflictCounter({ rowCount: o.rows, writes: order, warmupUs: 0, lww: (table) => table === 0, filtered: new Set() });
    this.topo = new Leaderless({
      sched: this.sched, net: this.net, legs, clocks, nodes: this.nodes, events: this.conflicts, rowCount: o.rows, isSet, rowBytes: () => 100, clientTimeoutUs: o.clientTimeoutUs ?? 5_000_000, warmupUs: 0,
      readRepairRng: rng.stream('leaderless/read-repair'), config,
      sink: {
        writeAcked: (op, id, atUs) => {
          op.done = true;
          this.judge.onAck(op.session, op.row, id, atUs);
          this.conflicts.writeAcked(op, atUs, { node: this.nodes[op.region] as DbNode, version: id, lsn: 0, epoch: 0, commitUs: atUs });
          this.acked.push({ op, id });
          this.onAck?.(op, id);
        },
        writeFailed: (op) => {
          op.done = true;
          this.conflicts.writeFailed(op);
          this.failedWrites++;
        },
        readServed: (op, answer) => {
          op.done = true;
          this.judge.answer = answer;
          const v = this.judge.onRead(op.region, op.session, op.row, answer.id, op.invokeUs);
          const tUs = v.tUs ?? -1;
          const consistent = v.consistent !== false;
          if (tUs >= 0) this.visibility.record(tUs, consistent);
          this.visibility.recordBehind(v.versionsBehind);
          const r: ReadOutcome = { op, answer, stale: v.stale, behind: v.versionsBehind, tUs, consistent };
          this.reads.push(r);
          this.onRead?.(r);
        },
        readFailed: (op) => {
          op.done = true;
          this.failedReads++;
        },
      },
    });
    this.judge = new LeaderlessJudge(this.topo, 1_000_000, o.rows, isSet);
    this.topo.start();
  }

  private op(write: boolean, region: number, row: number, session?: number): Op {
    return { write, region, session: session ?? this.session++ % 1_000_000, row, table: this.isSet(row) ? 1 : 0, bytes: 100, invokeUs: this.sched.now, done: false };
  }

  /** Issues a write now. */
  write(region: number, row: number, session?: number): Op {
    const op = this.op(true, region, row, session);
    this.conflicts.writeInvoked(op);
    this.topo.write(op);
    return op;
  }

  /** Issues a read now. */
  read(region: number, row: number, session?: number): Op {
    const op = this.op(false, region, row, session);
    this.topo.read(op);
    return op;
  }

  /** Region r's nodes crash (coordinator and replicas; data is kept). */
  crash(r: number): void {
    (this.nodes[r] as DbNode).stop('crashed', this.sched.now);
  }

  restart(r: number): void {
    (this.nodes[r] as DbNode).resume(this.sched.now);
  }

  /** Runs `f` at simulated time `atUs`. */
  at(atUs: number, f: () => void): void {
    this.sched.at(atUs, f, undefined);
  }

  run(untilUs: number): void {
    this.sched.run(untilUs);
  }
}

/** C(n, k). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/**
 * A random client load: writes and reads at Poisson times from random
 * regions on `rows` rows, from `fromUs` until `untilUs`. Draws from its own
 * stream of the harness seed.
 */
export function drive(h: Harness, o: { seed: number; regions: number; rows: number; writesPerS: number; readsPerS: number; fromUs?: number; untilUs: number; writeRegions?: number[] }): void {
  const rng = new RngRoot(o.seed).stream('test/drive');
  const arrive = (write: boolean, rate: number) => {
    let t = o.fromUs ?? 0;
    const next = () => {
      t += Math.round((-1e6 / rate) * Math.log(1 - rng.next()));
      if (t >= o.untilUs) return;
      h.at(t, () => {
        const regions = write && o.writeRegions ? o.writeRegions : Array.from({ length: o.regions }, (_, i) => i);
        const region = regions[rng.int(regions.length)] as number;
        const row = rng.int(o.rows);
        if (write) h.write(region, row);
        else h.read(region, row);
        next();
      });
    };
    next();
  };
  if (o.writesPerS > 0) arrive(true, o.writesPerS);
  if (o.readsPerS > 0) arrive(false, o.readsPerS);
}
