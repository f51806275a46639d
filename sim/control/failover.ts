// The failover controller (single-primary): candidate choice, promotion and
// DNS update, over failure detection (detector.ts: heartbeats, lease grants)
// and fencing (fencing.ts: none / STONITH / lease); it decides when a
// returning node rejoins (rejoin.ts does the rewind or rebuild).
//
// The controller lives in one region and talks over the network like
// everything else, so it can be partitioned away or taken down by an outage.
// It pings the primary every heartbeatInterval; after detectionTimeout
// without an answer it fails over. It changes the world only through the
// topology's verbs (sim/control/verbs.ts) and the nodes' status verbs, and
// reports what it does as run events.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng } from '../core/rng.ts';
import type { Network } from '../world/network.ts';
import type { DbNode } from '../db/node.ts';
import type { FailoverRecord, RunEvents } from '../measure/events.ts';
import type { Monitor } from './monitor.ts';
import type { PrimaryControl } from './verbs.ts';
import { Rejoin } from './rejoin.ts';
import { Detector } from './detector.ts';
import { Fencing } from './fencing.ts';
import type { Scenario } from '../scenario/schema.ts';

export type { FailoverRecord } from '../measure/events.ts';

export interface ControllerOptions {
  sched: Scheduler;
  net: Network;
  topo: PrimaryControl;
  events: RunEvents;
  monitor: Monitor;
  scenario: Scenario;
  regionIds: readonly string[];
  controllerRegion: number;
  stonithRng: Rng;
  /** Current STONITH failure probability (config, overridden by a stonithFailure fault). */
  stonithFailureProbability: () => number;
  /** When the latest fault affecting region r (or its links) began, µs. */
  faultStartUs: (r: number) => number;
  /** Whether the controller's own region is dark (outage). */
  controllerDown: () => boolean;
  /** Reports a region state change for the timeline. */
  stateChanged: (r: number) => void;
  /** Average bytes per row, for rebuild snapshot size. */
  snapshotBytes: number;
  bandwidthBytesPerS: number;
}

export class FailoverController {
  readonly failovers: FailoverRecord[] = [];
  /** Failovers started so far (each has its loss tally). */
  private started = 0;
  /** Rewind and rebuild of nodes that return on an old timeline. */
  private readonly rejoin: Rejoin;
  private readonly detector: Detector;
  private readonly fencing: Fencing;
  private inProgress = false;
  private refusedThisEpisode = false;
  private alertedThisEpisode = false;
  private readonly cfg: Scenario['failover'];
  private readonly tickBound = () => this.tick();

  constructor(private readonly o: ControllerOptions) {
    this.cfg = o.scenario.failover;
    this.rejoin = new Rejoin({
      sched: o.sched, topo: o.topo, events: o.events, monitor: o.monitor, regionIds: o.regionIds, mode: this.cfg.rejoin,
      snapshotBytes: o.snapshotBytes, bandwidthBytesPerS: o.bandwidthBytesPerS, stateChanged: o.stateChanged,
    });
    this.detector = new Detector({
      sched: o.sched, net: o.net, cfg: this.cfg, regionCount: o.regionIds.length, controllerRegion: o.controllerRegion,
      primaryRegion: () => o.topo.primaryRegion, controllerDown: o.controllerDown,
      onAnswer: () => {
        this.refusedThisEpisode = false;
        this.alertedThisEpisode = false;
      },
    });
    this.fencing = new Fencing({
      sched: o.sched, cfg: this.cfg, events: o.events, regionIds: o.regionIds, stonithRng: o.stonithRng,
      stonithFailureProbability: o.stonithFailureProbability, lastGrantUs: () => this.detector.lastPingSentUs, stateChanged: o.stateChanged,
    });
  }

  /** Nodes powered off by STONITH, waiting to boot and rejoin. */
  get stonithed(): Set<number> {
    return this.fencing.stonithed;
  }

  /** Nodes currently rebuilding from a snapshot. */
  get rebuilding(): ReadonlySet<number> {
    return this.rejoin.rebuilding;
  }

  start(): void {
    this.o.sched.at(0, this.tickBound, undefined);
  }

  /** Lease fencing: may `node` take writes now? */
  leaseValid(node: DbNode): boolean {
    return this.detector.leaseValid(node);
  }

  private tick(): void {
    const { sched } = this.o;
    const now = sched.now;
    sched.after(this.cfg.heartbeatInterval, this.tickBound, undefined);
    if (this.o.controllerDown()) return;
    const topo = this.o.topo;
    const primary = topo.node(topo.primaryRegion);
    this.tryRejoins();
    // No pings (lease grants) to a primary being failed over: the lease must run out.
    if (this.inProgress) return;
    this.detector.ping(primary);
    // Silence counts from when the last answered ping was sent (the newest
    // moment the primary is known to have been alive, up to one RTT early).
    const silentUs = this.detector.silentUs(now);
    if (silentUs < this.cfg.detectionTimeout) return;
    if (this.cfg.mode === 'manual') {
      if (!this.alertedThisEpisode) {
        this.alertedThisEpisode = true;
        this.o.events.trace({ tUs: now, event: 'primary-unreachable', region: this.o.regionIds[primary.region], action: 'manual failover required' });
      }
      return;
    }
    this.beginFailover(primary, now);
  }

  /** Can the controller talk to region r (both directions up, node up)? */
  private reachable(r: number): boolean {
    const c = this.o.controllerRegion;
    return this.o.net.isUp(c, r) && this.o.net.isUp(r, c);
  }

  private pickCandidate(old: DbNode): DbNode | string {
    const topo = this.o.topo;
    const now = this.o.sched.now;
    const ok = (n: DbNode) => n !== old && n.isUp && this.reachable(n.region) && !this.rebuilding.has(n.region) && n.epoch === topo.epoch;
    if (this.cfg.candidate !== 'most-caught-up') {
      const idx = this.o.regionIds.indexOf(this.cfg.candidate);
      const n = topo.nodes[idx];
      return n && ok(n) ? n : `candidate ${this.cfg.candidate} unreachable`;
    }
    let best: DbNode | undefined;
    for (const n of topo.nodes) {
      if (!ok(n)) continue;
      n.advance(now);
      if (!best || n.receivedLsn > best.receivedLsn) best = n;
    }
    return best ?? 'no reachable replica';
  }

  /** The candidate's data loss exposure: time between its last received write and the primary's last heard-of moment. */
  private candidateLagUs(c: DbNode): number {
    const wal = c.wal;
    const lastCommit = wal.endIndex > wal.firstIndex ? wal.get(wal.endIndex - 1, 'commitUs') : 0;
    return Math.max(0, this.detector.lastPongUs - lastCommit);
  }

  private beginFailover(old: DbNode, now: number): void {
    const cand = this.pickCandidate(old);
    const refuse = (why: string) => {
      if (!this.refusedThisEpisode) {
        this.o.events.failoverRefused();
        this.refusedThisEpisode = true;
        this.o.events.trace({ tUs: now, event: 'failover-refused', from: this.o.regionIds[old.region], reason: why });
      }
    };
    if (typeof cand === 'string') return refuse(cand);
    const lag = this.candidateLagUs(cand);
    if (lag > this.cfg.maxDataLoss) return refuse(`candidate ${this.o.regionIds[cand.region]} lag ${lag / 1000}ms exceeds maxDataLoss`);
    this.inProgress = true;
    const rec: FailoverRecord = {
      from: old.region, to: cand.region, reason: 'primary-unreachable',
      faultAtUs: Math.min(this.o.faultStartUs(old.region), now), startedAtUs: now, completedAtUs: NaN, epoch: 0, tally: this.started++,
    };
    this.o.events.failoverStarted(rec.tally);
    this.o.events.trace({ tUs: now, event: 'failover-started', from: this.o.regionIds[old.region], to: this.o.regionIds[cand.region] });
    this.fencing.fence(old, (waitUs) => this.promoteAfter(waitUs + this.cfg.promotionTime, old, rec, cand));
  }

  private promoteAfter(delayUs: number, old: DbNode, rec: FailoverRecord, cand: DbNode): void {
    this.o.sched.after(delayUs, () => this.promote(old, rec, cand), undefined);
  }

  private promote(old: DbNode, rec: FailoverRecord, cand: DbNode): void {
    const { sched, topo } = this.o;
    const now = sched.now;
    if (!cand.isUp) {
      // The candidate died meanwhile: start over at the next heartbeat.
      this.inProgress = false;
      return;
    }
    // Finish replaying what the candidate received, then take over.
    cand.advance(Infinity);
    cand.settleCdc();
    const epoch = topo.promote(cand);
    this.rejoin.branchLsn.set(epoch, cand.receivedLsn);
    // The old primary's writes beyond the branch are doomed (RPO if acknowledged), not "not yet replicated".
    for (let i = old.wal.indexAfterLsn(cand.receivedLsn); i < old.wal.endIndex; i++) this.o.events.writeAbandoned(old.wal.get(i, 'rowId'), old.wal.get(i, 'writeId'));
    topo.closeChannels(old.region);
    this.detector.promoted(cand.region, now);
    // Replicas the controller reaches follow the new primary now; the rest rejoin later.
    for (const n of topo.nodes) if (n !== cand && n !== old && n.isUp && this.reachable(n.region)) this.rejoin.repoint(n, cand, rec.tally, false);
    topo.openChannels(cand).forEach((ch) => {
      if (ch.target.epoch !== epoch || this.rebuilding.has(ch.target.region)) ch.close();
    });
    topo.repoint(cand.region);
    this.detector.lastPongUs = now;
    rec.completedAtUs = now;
    rec.epoch = epoch;
    this.failovers.push(rec);
    this.inProgress = false;
    this.o.events.promoted(rec);
    for (const n of topo.nodes) this.o.stateChanged(n.region);
    this.o.events.trace({ tUs: now, event: 'promoted', region: this.o.regionIds[cand.region], epoch });
  }

  /** A node came back (restart, resume, heal): let it rejoin at once if it can. */
  nodeBack(): void {
    if (!this.o.controllerDown()) this.tryRejoins();
  }

  /** Each heartbeat: nodes on an old epoch that the controller can reach rejoin; STONITHed nodes boot. */
  private tryRejoins(): void {
    const { topo, sched } = this.o;
    const primary = topo.node(topo.primaryRegion);
    for (const n of topo.nodes) {
      if (n === primary || this.rebuilding.has(n.region)) continue;
      // A node can only rejoin a primary that is up and that it can reach.
      if (!primary.isUp || !this.reachable(n.region) || !this.o.net.isUp(primary.region, n.region)) continue;
      if (this.stonithed.has(n.region)) {
        if (n.status !== 'off') continue;
        // Powered back on once it is reachable; it learns the new epoch before serving.
        this.stonithed.delete(n.region);
        n.resume(sched.now);
      }
      if (!n.isUp || n.epoch === topo.epoch) continue;
      const tally = this.tallyOf(n.region) ?? this.failovers.length - 1;
      this.rejoin.repoint(n, primary, Math.max(0, tally), true);
      this.o.stateChanged(n.region);
    }
  }

  /**
   * At the end of the run, what would a converged system lose? Every node
   * still on an older timeline would rewind: count those acked writes.
   */
  finish(): void {
    this.rejoin.finish((r) => this.tallyOf(r) ?? 0);
  }

  /** The loss tally of the latest failover away from region r, if any. */
  private tallyOf(r: number): number | undefined {
    return [...this.failovers].reverse().find((f) => f.from === r)?.tally;
  }
}
