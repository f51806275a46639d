// One real run of a scenario (a "trial"): build the cluster, drive the
// simulator's own workload against it in real time, apply the faults, let
// the controller fail over, then heal everything, let the cluster converge,
// and judge the history with repsim's checkers into a docs/metrics.md summary.
//
//   cluster.build ─► clients.prewarm ─► workload + probes + controller + nemesis
//     ─► real time to `duration` ─► drain ─► heal, rejoin, converge
//     ─► surviving write log ─► judge (RPO, split-brain) ─► buildSummary
//
// Everything it starts is removed in `finally` (and by the watchdog if the
// process is killed).
import type { Scenario } from '../scenario/schema.ts';
import type { Summary } from '../scenario/summary-types.ts';
import type { HistoryWriter } from '../measure/history.ts';
import { Scheduler } from '../core/scheduler.ts';
import { RngRoot } from '../core/rng.ts';
import { KeySpace } from '../world/keys.ts';
import { Workload, workloadOptions } from '../workload/workload.ts';
import { labMeasurement } from './measure.ts';
import { buildSummary } from '../measure/summary.ts';
import { createLabRoot } from './cleanup.ts';
import { LabCluster } from './cluster.ts';
import { LabClients } from './clients.ts';
import { ConnPool } from './conn-pool.ts';
import { LagProbe } from './lag-probe.ts';
import { LabNemesis } from './faults.ts';
import { LabController } from './controller.ts';
import { judgeWrites } from './judge.ts';
import { sleep, startClock, type RealClock } from './clock.ts';
import type { PgInstall } from './postgres.ts';

export interface TrialOptions {
  pg: PgInstall;
  scenario: Scenario;
  /** Variant name the summary carries (`<variant>@lab`). */
  variant: string;
  /** Seed of the workload's random streams (keys, arrivals, sessions). */
  seed: number;
  log: (s: string) => void;
  history?: HistoryWriter | undefined;
  /** Lag probe poll interval, ms. */
  pollMs?: number;
  /** Keep the data directories (debugging). */
  keep?: boolean;
  /** Called once the cluster is up (tests kill the lab here). */
  onClusterUp?: (dir: string) => void;
}

export interface TrialResult {
  summary: Summary;
  /** Lag probe polls and measured setup time, for the calibration and the report. */
  setupMs: number;
}

export async function runTrial(o: TrialOptions): Promise<TrialResult> {
  const sc = o.scenario;
  const root = createLabRoot({ keep: o.keep ?? false });
  const setupClock = startClock();
  try {
    const cluster = new LabCluster(o.pg, sc, root, o.seed);
    await cluster.build(o.log);
    o.onClusterUp?.(root.dir);
    const ids = cluster.ids;
    const n = ids.length;
    const endUs = sc.duration;
    const sched = new Scheduler();
    const rng = new RngRoot(o.seed);
    const tables = sc.workload.tables;
    const keys = new KeySpace({ keyCount: sc.workload.keys.count, distribution: sc.workload.keys.distribution, s: sc.workload.keys.s, shares: tables.map((t) => t.share) });

    let clock: RealClock = startClock();
    const pump = () => void sched.run(clock.nowUs());
    const clients = new LabClients({
      cluster, scenario: sc, sched, pump,
      openPool: (from, to, max) => new ConnPool({ port: cluster.proxies[from]![to]!.port, max, queryTimeoutMs: sc.workload.clientTimeout / 1000, name: `client-${ids[from]}` }),
    });
    await clients.prewarm();
    const { recorder, judge, events } = labMeasurement({ regionCount: n, sessionCount: n * sc.workload.sessions, warmupUs: sc.warmup, currentEpoch: () => clients.epoch });
    const workload = new Workload(workloadOptions(sc, { sched, rng, ids, keys, endUs }, events, o.history));
    clients.workload = workload;
    const setupMs = setupClock.nowUs() / 1000;

    // The lab clock starts with the workload: scenario time 0.
    clock = startClock();
    const faultStart = ids.map(() => Infinity);
    const nemesis = new LabNemesis(cluster, {
      dark: workload.dark,
      restart: (r) => controller.restart(r),
      touched: (r, at) => {
        if (at === undefined) faultStart[r] = Infinity;
        else if (faultStart[r] === Infinity) faultStart[r] = at;
      },
      log: o.log,
    }, () => clock.nowUs());
    const controller = new LabController({
      cluster, clients, scenario: sc, nowUs: () => clock.nowUs(), originEpochUs: clock.originEpochUs,
      faultStartUs: (r) => faultStart[r] ?? Infinity,
      isDown: (r) => nemesis.down.has(r), isPaused: (r) => nemesis.paused.has(r), log: o.log,
      onPromoted: async (r, old) => {
        // A primary replays nothing: its probe would read its whole log at every poll.
        await stopProbe(r);
        // What the old primary acknowledged and the new one lacks is RPO loss, not staleness (as sim/control does).
        const suspects = clients.acked.filter((w) => w.node === old);
        const recent = suspects.slice(-20_000).map((w) => w.id);
        if (recent.length === 0) return;
        const rows = await cluster.sql(r, 'SELECT id::text AS id FROM wlog WHERE id = ANY($1::bigint[])', [recent]).catch(() => undefined);
        if (!rows) return;
        const kept = new Set(rows.map((x) => Number(x.id)));
        for (const w of suspects.slice(-20_000)) if (!kept.has(w.id)) judge.staleness.forget(w.row, w.id);
      },
      onRejoined: (r) => startProbe(r),
    });
    const maxRttUs = Math.max(...ids.flatMap((_, a) => ids.map((__, b) => 2 * cluster.oneWayUs(a, b))));
    // A row's commit follows its insert at once in async mode; a synchronous commit waits a round trip.
    const lookBackUs = (sc.topology.replication.mode === 'async' ? 0 : 2 * maxRttUs) + 30_000;
    const probes = new Map<number, LagProbe>();
    const startProbe = (r: number) => {
      if (probes.has(r)) return;
      const p = new LagProbe({
        port: cluster.nodes[r]!.port, pollMs: o.pollMs ?? (sc.topology.replication.mode === 'async' ? 3 : 10), lookBackUs, clock,
        onVisible: (commitUs, visibleUs) => recorder.applied(cluster.primary, r, commitUs, Math.max(commitUs, visibleUs)),
      });
      probes.set(r, p);
      p.start();
    };
    const stopProbe = async (r: number) => {
      const p = probes.get(r);
      probes.delete(r);
      await p?.stop();
    };
    for (let r = 0; r < n; r++) if (r !== cluster.primary) startProbe(r);
    const pumpTimer = setInterval(pump, 1);
    workload.start(clients);
    if (sc.failover.mode !== 'none' && n > 1) controller.start();
    nemesis.schedule(sc.faults, endUs);
    o.log(`lab: workload running for ${endUs / 1e6} s`);
    await sleep(endUs / 1000);
    pump();
    // Drain: answers still on the way (a client gives up after clientTimeout).
    const drainUntil = clock.nowUs() + sc.workload.clientTimeout + 500_000;
    while (clients.inFlight > 0 && clock.nowUs() < drainUntil) await sleep(20);
    clearInterval(pumpTimer);
    await nemesis.stop();

    // Converge: heal every link, resume and restart every node, rejoin old primaries.
    o.log('lab: healing and converging');
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) {
      cluster.heal(a, b);
      cluster.slow(a, b, 1);
    }
    for (let r = 0; r < n; r++) workload.dark[r] = false;
    for (const r of [...nemesis.paused]) cluster.nodes[r]?.resume();
    nemesis.paused.clear();
    for (const r of [...nemesis.down]) {
      nemesis.down.delete(r);
      await controller.restart(r).catch((e: unknown) => o.log(`lab: restart ${ids[r]}: ${String(e)}`));
    }
    await controller.finish();
    await Promise.all([...probes.keys()].map(stopProbe));
    await clients.close();
    for (let r = 0; r < n; r++) if (!cluster.nodes[r]!.alive() && r !== cluster.primary) {
      cluster.configureStandby(r, cluster.primary);
      await cluster.nodes[r]!.start().catch(() => undefined);
    }
    await cluster.waitStreaming(cluster.primary, 30_000).catch((e: unknown) => o.log(`lab: ${String(e)}`));
    const rows = await cluster.sql(cluster.primary, 'SELECT id::text AS id FROM wlog');
    const surviving = new Set(rows.map((x) => Number(x.id)));
    const promoted = controller.records.map((f) => f.completedAtUs);
    const j = judgeWrites(clients.acked, surviving, clients.epochStartUs, promoted);
    const failovers = controller.summaries((e) => clients.firstAckInEpoch.get(e)).map((f, i) => ({ ...f, ...j.lostPerFailover[i] }));
    const summary = buildSummary({
      scenario: sc, variant: `${o.variant}@lab`, seed: o.seed, replayKey: 'lab', events: clients.issued, endUs, regionIds: ids,
      recorder, ledger: j.ledger, failovers, failoversRefused: controller.refused, channels: [], timeline: [], faults: nemesis.windows,
    });
    // The lab does not follow channel states over time: a channel that streamed at the end is active.
    for (const ch of summary.metrics.replication.channels) ch.status = 'active';
    return { summary, setupMs };
  } finally {
    await root.cleanup();
  }
}
