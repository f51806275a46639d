// One real run of a consensus scenario against etcd (etcd.ts): build the
// cluster with the leader placed, drive the simulator's own workload
// through etcd-clients.ts in real time, apply the faults (faults.ts: crash =
// SIGKILL and restart, pause = SIGSTOP / SIGCONT, partition = proxy cuts),
// watch the leader, then heal and restart everything, check every
// acknowledged write is still there, and judge the history with repsim's
// checkers into a docs/metrics.md summary (with metrics.consensus:
// leader changes, terms).
//
// Everything it starts is removed in `finally` (and by the watchdog if the
// process is killed).
import type { Scenario } from '../scenario/schema.ts';
import type { Summary, FailoverSummary } from '../scenario/summary-types.ts';
import type { HistoryWriter } from '../measure/history.ts';
import { Scheduler } from '../core/scheduler.ts';
import { RngRoot } from '../core/rng.ts';
import { KeySpace } from '../world/keys.ts';
import { Workload, workloadOptions } from '../workload/workload.ts';
import { labMeasurement } from './measure.ts';
import { buildSummary } from '../measure/summary.ts';
import { createLabRoot } from './cleanup.ts';
import { EtcdCluster, gateway } from './etcd.ts';
import type { EtcdInstall } from './etcd-config.ts';
import { EtcdClients, keyOf } from './etcd-clients.ts';
import { LabNemesis } from './faults.ts';
import { judgeWrites } from './judge.ts';
import { sleep, startClock, type RealClock } from './clock.ts';

export interface EtcdTrialOptions {
  etcd: EtcdInstall;
  scenario: Scenario;
  variant: string;
  seed: number;
  log: (s: string) => void;
  history?: HistoryWriter | undefined;
  keep?: boolean | undefined;
  onClusterUp?: ((dir: string) => void) | undefined;
  /** The realised RTT matrix, once the proxies' delays are solved (µs). */
  onRtt?: ((rttUs: number[][]) => void) | undefined;
}

/** A leader the monitor saw: from when, in which term. */
interface Reign {
  atUs: number;
  /** The last poll that still saw it. */
  lastSeenUs: number;
  leader: number;
  term: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runEtcdTrial(o: EtcdTrialOptions): Promise<Summary> {
  const sc = o.scenario;
  const root = createLabRoot({ keep: o.keep ?? false });
  try {
    const cluster = new EtcdCluster(o.etcd, sc, root, o.seed);
    o.onRtt?.(cluster.rttUs);
    await cluster.build(o.log);
    o.onClusterUp?.(root.dir);
    const ids = cluster.ids;
    const n = ids.length;
    const endUs = sc.duration;
    const sched = new Scheduler();
    const rng = new RngRoot(o.seed);
    const keys = new KeySpace({ keyCount: sc.workload.keys.count, distribution: sc.workload.keys.distribution, s: sc.workload.keys.s, shares: sc.workload.tables.map((t) => t.share) });
    let clock: RealClock = startClock();
    const pump = () => void sched.run(clock.nowUs());
    const clients = new EtcdClients({ scenario: sc, sched, pump, nowUs: () => clock.nowUs(), urlOf: (r, m) => cluster.urlOf(r, m), learner: cluster.learner, rttUs: cluster.rttUs });
    const { recorder, events } = labMeasurement({ regionCount: n, sessionCount: n * sc.workload.sessions, warmupUs: sc.warmup, currentEpoch: () => clients.term });
    const workload = new Workload(workloadOptions(sc, { sched, rng, ids, keys, endUs }, events, o.history));
    clients.workload = workload;
    const first = await cluster.statuses();
    const startTerm = Math.max(0, ...first.map((s) => s.term));

    clock = startClock();
    const faultStarts: number[] = [];
    const nemesis = new LabNemesis(cluster, {
      dark: workload.dark,
      restart: (r) => (cluster.members[r] as { restart(): Promise<void> }).restart(),
      touched: (_r, at) => {
        if (at !== undefined) faultStarts.push(at);
      },
      log: o.log,
    }, () => clock.nowUs());
    // The leader as the members report it, every 50 ms (the reports of the highest term win).
    const reigns: Reign[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const st = await cluster.statuses(300);
        const top = st.filter((s) => s.leaderHex !== '').sort((a, b) => b.term - a.term)[0];
        if (top && top.term > startTerm) {
          const leader = cluster.indexOf(top.leaderHex);
          const last = reigns[reigns.length - 1];
          const now = clock.nowUs();
          if (!last || last.term !== top.term || last.leader !== leader) reigns.push({ atUs: now, lastSeenUs: now, leader, term: top.term });
          else last.lastSeenUs = now;
        }
        await sleep(50);
      }
    })();
    const pumpTimer = setInterval(pump, 1);
    workload.start(clients);
    nemesis.schedule(sc.faults, endUs);
    o.log(`lab: workload running for ${endUs / 1e6} s`);
    await sleep(endUs / 1000);
    pump();
    const drainUntil = clock.nowUs() + sc.workload.clientTimeout + 500_000;
    while (clients.inFlight > 0 && clock.nowUs() < drainUntil) await sleep(20);
    clients.close();
    clearInterval(pumpTimer);
    await nemesis.stop();
    watching = false;
    await watch;

    o.log('lab: healing and checking every acknowledged write');
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) cluster.heal(a, b);
    for (const m of cluster.members) {
      m.resume();
      if (!m.alive()) m.start();
    }
    const surviving = await survivors(cluster, clients.acked.map((w) => ({ id: w.id, row: w.row })));
    // Leader changes after the start; each reign of a new term is a failover, its RTO from the latest fault before it.
    const startLeader = sc.topology.consensus.leader !== undefined ? ids.indexOf(sc.topology.consensus.leader) : 0;
    let leaderChanges = 0;
    let prev = startLeader;
    for (const r of reigns) {
      if (r.leader !== prev) leaderChanges++;
      prev = r.leader;
    }
    const epochStart = new Map<number, number>();
    for (const r of reigns) if (!epochStart.has(r.term)) epochStart.set(r.term, r.atUs);
    const failovers: FailoverSummary[] = [];
    let from = startLeader;
    let prevStartUs = 0;
    let prevSeenUs = 0;
    for (const r of reigns) {
      if (r.atUs === epochStart.get(r.term) && faultStarts.length > 0) {
        // As the model: from the latest fault since the previous leader was elected, else from when that leader was last seen.
        const fault = Math.max(...faultStarts.filter((f) => f > prevStartUs && f <= r.atUs), -Infinity);
        const firstAck = [...clients.firstAckInTerm].filter(([t]) => t >= r.term).map(([, at]) => at).sort((a, b) => a - b)[0];
        const faultAt = Number.isFinite(fault) ? fault : Math.max(prevSeenUs, 0);
        failovers.push({
          from: ids[from] ?? '', to: ids[r.leader] ?? '', reason: 'election', startedAtMs: round3(faultAt / 1000), completedAtMs: round3(r.atUs / 1000),
          rtoMs: round3(((firstAck ?? r.atUs) - faultAt) / 1000), lostAckedWrites: 0, lostBytes: 0, faultAtMs: round3(faultAt / 1000), epoch: r.term,
          rtoEndsAt: firstAck !== undefined ? 'first-write' : 'promotion',
        });
      }
      from = r.leader;
      prevStartUs = r.atUs;
      prevSeenUs = r.lastSeenUs;
    }
    const j = judgeWrites(clients.acked, surviving, new Map(), failovers.map((f) => f.completedAtMs * 1000));
    const summary = buildSummary({
      scenario: sc, variant: `${o.variant}@lab`, seed: o.seed, replayKey: 'lab', events: clients.issued, endUs, regionIds: ids,
      recorder, ledger: j.ledger, failovers: failovers.map((f, i) => ({ ...f, ...j.lostPerFailover[i] })), failoversRefused: 0, channels: [], timeline: [], faults: nemesis.windows,
    });
    const maxTerm = Math.max(startTerm, ...reigns.map((r) => r.term));
    summary.metrics.consensus = {
      elections: maxTerm - startTerm, preVotes: 0, leaderChanges, maxTerm, commitLatencyMs: {},
      readUnavailableMs: summary.metrics.reads.unavailableMs ?? {}, leaseReadsBeyondClockBound: 0,
    };
    o.log(`lab: ${clients.acked.length} acknowledged writes, ${clients.acked.length - [...clients.acked].filter((w) => surviving.has(w.id)).length} missing; leader changes ${leaderChanges}; terms ${startTerm} → ${maxTerm}`);
    return summary;
  } finally {
    await root.cleanup();
  }
}

/** The revisions of acknowledged writes the healed cluster still holds (each key read at its write's revision). */
async function survivors(cluster: EtcdCluster, acked: ReadonlyArray<{ id: number; row: number }>): Promise<Set<number>> {
  const deadline = Date.now() + 30_000;
  let url = '';
  while (Date.now() < deadline) {
    const st = await cluster.statuses();
    const l = st.find((s) => s.leaderHex !== '');
    if (st.length === cluster.members.length && l) {
      url = (cluster.members[cluster.indexOf(l.leaderHex)] ?? cluster.members[0])?.clientUrl ?? '';
      if (url) break;
    }
    await sleep(200);
  }
  const out = new Set<number>();
  if (!url) return out;
  let next = 0;
  const worker = async () => {
    while (next < acked.length) {
      const w = acked[next++] as { id: number; row: number };
      const r = await gateway<{ kvs?: Array<{ mod_revision?: string }> }>(url, '/v3/kv/range', { key: keyOf(w.row), revision: String(w.id) }, 5000).catch(() => undefined);
      if (r && Number(r.kvs?.[0]?.mod_revision ?? 0) === w.id) out.add(w.id);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}
