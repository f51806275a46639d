// The failover controller (single-primary): failure detection, candidate
// choice, fencing (none / STONITH / lease), promotion, DNS update, and the
// rejoin of old primaries (rewind or rebuild).
//
// The controller lives in one region and talks over the network like
// everything else, so it can be partitioned away or taken down by an outage.
// It pings the primary every heartbeatInterval; after detectionTimeout
// without an answer it fails over. It changes the world only through the
// topology's role verbs and the nodes' status verbs.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng } from '../core/rng.ts';
import type { Network } from '../world/network.ts';
import type { DbNode } from '../db/node.ts';
import type { SinglePrimary } from '../topology/single-primary.ts';
import type { Ledger } from '../measure/ledger.ts';
import type { Monitor } from './monitor.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { FailoverSummary } from '../measure/summary-types.ts';

export interface FailoverRecord {
  from: number;
  to: number;
  reason: string;
  faultAtUs: number;
  startedAtUs: number;
  completedAtUs: number;
  epoch: number;
  /** Loss tally index in the ledger. */
  tally: number;
}

export interface ControllerOptions {
  sched: Scheduler;
  net: Network;
  topo: SinglePrimary;
  ledger: Ledger;
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
  /** Tells the staleness checker to forget an acked write that will not survive. */
  forgetAcked: (row: number, version: number) => void;
}

interface Ping {
  target: DbNode;
  sentUs: number;
}

export class FailoverController {
  readonly failovers: FailoverRecord[] = [];
  refused = 0;
  /** LSN at which each epoch's timeline branched from the previous one (epoch → LSN). */
  readonly branchLsn = new Map<number, number>();
  /** Nodes powered off by STONITH, waiting to boot and rejoin. */
  readonly stonithed = new Set<number>();
  /** Nodes currently rebuilding from a snapshot. */
  readonly rebuilding = new Set<number>();
  /** Lease expiry per node (lease fencing), µs. */
  readonly leaseUntilUs: number[];
  private lastPongUs = 0;
  /** When the controller last sent a ping (a lease grant) to the primary, µs. */
  private lastPingSentUs = 0;
  private inProgress = false;
  private refusedThisEpisode = false;
  private alertedThisEpisode = false;
  private readonly cfg: Scenario['failover'];
  private readonly pingBound = (p: Ping) => this.pingArrived(p);
  private readonly pongBound = (p: Ping) => this.pongArrived(p);
  private readonly tickBound = () => this.tick();

  constructor(private readonly o: ControllerOptions) {
    this.cfg = o.scenario.failover;
    this.leaseUntilUs = o.regionIds.map(() => this.cfg.leaseDuration);
  }

  start(): void {
    this.o.sched.at(0, this.tickBound, undefined);
  }

  /** Lease fencing: may `node` take writes now? */
  leaseValid(node: DbNode): boolean {
    return this.cfg.fencing !== 'lease' || this.o.sched.now < (this.leaseUntilUs[node.region] as number);
  }

  private tick(): void {
    const { sched } = this.o;
    const now = sched.now;
    sched.after(this.cfg.heartbeatInterval, this.tickBound, undefined);
    if (this.o.controllerDown()) return;
    const topo = this.o.topo;
    const primary = topo.node(topo.dnsPrimary);
    this.tryRejoins();
    // No pings (lease grants) to a primary being failed over: the lease must run out.
    if (this.inProgress) return;
    this.lastPingSentUs = now;
    this.o.net.datagram(this.o.controllerRegion, primary.region, this.pingBound, { target: primary, sentUs: now });
    // Silence counts from when the last answered ping was sent (the newest
    // moment the primary is known to have been alive, up to one RTT early).
    const silentUs = now - this.lastPongUs;
    if (silentUs < this.cfg.detectionTimeout) return;
    if (this.cfg.mode === 'manual') {
      if (!this.alertedThisEpisode) {
        this.alertedThisEpisode = true;
        this.o.ledger.trace({ tUs: now, event: 'primary-unreachable', region: this.o.regionIds[primary.region], action: 'manual failover required' });
      }
      return;
    }
    this.beginFailover(primary, now);
  }

  private pingArrived(p: Ping): void {
    // A paused primary answers late (held until it resumes); a crashed or powered-off one never.
    p.target.whenRunning(() => {
      // The grant runs from when the controller sent it, so a ping held up (paused node) grants nothing new.
      const until = p.sentUs + this.cfg.leaseDuration;
      if (until > (this.leaseUntilUs[p.target.region] as number)) this.leaseUntilUs[p.target.region] = until;
      this.o.net.datagram(p.target.region, this.o.controllerRegion, this.pongBound, p);
    });
  }

  private pongArrived(p: Ping): void {
    if (this.o.controllerDown()) return;
    if (p.target.region !== this.o.topo.dnsPrimary) return;
    if (p.sentUs > this.lastPongUs) this.lastPongUs = p.sentUs;
    this.refusedThisEpisode = false;
    this.alertedThisEpisode = false;
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
    return Math.max(0, this.lastPongUs - lastCommit);
  }

  private beginFailover(old: DbNode, now: number): void {
    const cand = this.pickCandidate(old);
    const refuse = (why: string) => {
      if (!this.refusedThisEpisode) {
        this.refused++;
        this.refusedThisEpisode = true;
        this.o.ledger.trace({ tUs: now, event: 'failover-refused', from: this.o.regionIds[old.region], reason: why });
      }
    };
    if (typeof cand === 'string') return refuse(cand);
    const lag = this.candidateLagUs(cand);
    if (lag > this.cfg.maxDataLoss) return refuse(`candidate ${this.o.regionIds[cand.region]} lag ${lag / 1000}ms exceeds maxDataLoss`);
    this.inProgress = true;
    const rec: FailoverRecord = {
      from: old.region, to: cand.region, reason: 'primary-unreachable',
      faultAtUs: Math.min(this.o.faultStartUs(old.region), now), startedAtUs: now, completedAtUs: NaN, epoch: 0, tally: this.o.ledger.openFailover(),
    };
    this.o.ledger.trace({ tUs: now, event: 'failover-started', from: this.o.regionIds[old.region], to: this.o.regionIds[cand.region] });
    this.fence(old, rec, cand);
  }

  private fence(old: DbNode, rec: FailoverRecord, cand: DbNode): void {
    const { sched } = this.o;
    const now = sched.now;
    switch (this.cfg.fencing) {
      case 'none':
        this.promoteAfter(this.cfg.promotionTime, old, rec, cand);
        return;
      case 'lease': {
        // Wait out the longest lease the old primary may hold: it stops writing by then on its own.
        const wait = Math.max(0, this.lastPingSentUs + this.cfg.leaseDuration - now);
        this.o.ledger.trace({ tUs: now, event: 'fence-lease-wait', waitMs: wait / 1000 });
        this.promoteAfter(wait + this.cfg.promotionTime, old, rec, cand);
        return;
      }
      case 'stonith':
        sched.after(this.cfg.stonithDelay, () => {
          if (this.o.stonithRng.next() < this.o.stonithFailureProbability()) {
            this.o.ledger.trace({ tUs: sched.now, event: 'stonith-failed', region: this.o.regionIds[old.region] });
            this.fence(old, rec, cand); // retry: never promote without a confirmed fence
            return;
          }
          old.stop('off', sched.now);
          this.stonithed.add(old.region);
          this.o.stateChanged(old.region);
          this.o.ledger.trace({ tUs: sched.now, event: 'stonith', region: this.o.regionIds[old.region] });
          this.promoteAfter(this.cfg.promotionTime, old, rec, cand);
        }, undefined);
        return;
    }
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
    const epoch = ++topo.epoch;
    this.branchLsn.set(epoch, cand.receivedLsn);
    this.o.ledger.epochStartUs.set(epoch, now);
    // The old primary's acked writes beyond the branch are doomed (RPO), not "not yet replicated".
    for (let i = old.wal.indexAfterLsn(cand.receivedLsn); i < old.wal.endIndex; i++) {
      if (!Number.isNaN(old.wal.get(i, 'ackUs'))) this.o.forgetAcked(old.wal.get(i, 'rowId'), old.wal.get(i, 'writeId'));
    }
    topo.closeChannels(old.region);
    cand.role = 'primary';
    cand.epoch = epoch;
    topo.fenced[cand.region] = false;
    this.leaseUntilUs[cand.region] = now + this.cfg.leaseDuration;
    // Replicas the controller reaches follow the new primary now; the rest rejoin later.
    for (const n of topo.nodes) if (n !== cand && n !== old && n.isUp && this.reachable(n.region)) this.repoint(n, cand, rec.tally, false);
    topo.openChannels(cand).forEach((ch) => {
      if (ch.target.epoch !== epoch || this.rebuilding.has(ch.target.region)) ch.close();
    });
    topo.setDns(cand.region);
    this.lastPongUs = now;
    rec.completedAtUs = now;
    rec.epoch = epoch;
    this.failovers.push(rec);
    this.inProgress = false;
    for (const n of topo.nodes) this.o.stateChanged(n.region);
    this.o.ledger.trace({ tUs: now, event: 'promoted', region: this.o.regionIds[cand.region], epoch });
  }

  /** Lowest branch point of every epoch after `epoch`: what survives of that epoch's timeline. */
  private commonLsnAfter(epoch: number): number {
    let lsn = Infinity;
    for (const [e, b] of this.branchLsn) if (e > epoch && b < lsn) lsn = b;
    return lsn;
  }

  /**
   * Points node `n` at the new primary: rewind its WAL to the common LSN (or
   * rebuild from a snapshot), set its epoch, and (unless the caller opens
   * channels itself) open a channel to it.
   */
  private repoint(n: DbNode, primary: DbNode, tally: number, openChannel: boolean): void {
    const { topo, ledger, sched } = this.o;
    const now = sched.now;
    const common = Math.min(this.commonLsnAfter(n.epoch), n.wal.endLsn);
    const wasPrimary = n.role === 'primary';
    const abandonedEpoch = n.epoch;
    if (wasPrimary) topo.closeChannels(n.region);
    n.role = 'replica';
    n.epoch = topo.epoch;
    const rebuild = this.cfg.rejoin === 'rebuild' && wasPrimary || !primary.wal.holdsFrom(Math.min(common, n.receivedLsn));
    const discarded: number[] = [];
    ledger.rewind(n, abandonedEpoch, common, tally, (i) => discarded.push(n.wal.get(i, 'rowId')));
    n.afterTruncate(now);
    this.restoreRows(n, discarded, primary);
    if (rebuild) {
      this.rebuilding.add(n.region);
      const copyUs = (this.o.snapshotBytes * 1e6) / this.o.bandwidthBytesPerS;
      this.o.stateChanged(n.region);
      ledger.trace({ tUs: now, event: 'rebuild-started', region: this.o.regionIds[n.region], copyMs: copyUs / 1000 });
      sched.after(copyUs, () => {
        // The snapshot is consistent as of now; everything after it streams normally.
        const p = topo.node(topo.dnsPrimary);
        n.resetTo(Math.max(p.wal.endLsn, p.receivedLsn), p.rowVersion, sched.now);
        this.rebuilding.delete(n.region);
        const ch = this.attach(n, p);
        if (ch) this.o.monitor.rebuilding.add(ch);
        this.o.stateChanged(n.region);
        ledger.trace({ tUs: sched.now, event: 'rebuild-done', region: this.o.regionIds[n.region] });
      }, undefined);
      return;
    }
    if (openChannel) {
      const ch = this.attach(n, primary);
      if (ch && wasPrimary) this.o.monitor.rebuilding.add(ch);
    }
    if (wasPrimary) ledger.trace({ tUs: now, event: 'rewind', region: this.o.regionIds[n.region], toLsn: common, discarded: discarded.length });
  }

  /**
   * After a rewind, rows the discarded writes touched go back to their
   * version as of the common LSN: the newest surviving write to each in the
   * node's own WAL. A row whose earlier version is older than the retained
   * WAL takes the primary's (a simplification: such a node would need a
   * rebuild in reality, and the primary's version is what it converges to).
   */
  private restoreRows(n: DbNode, rows: readonly number[], primary: DbNode): void {
    const want = new Set(rows);
    const wal = n.wal;
    for (let i = wal.endIndex - 1; i >= wal.firstIndex && want.size > 0; i--) {
      const row = wal.get(i, 'rowId');
      if (want.delete(row)) n.rowVersion[row] = wal.get(i, 'writeId');
    }
    for (const row of want) n.rowVersion[row] = primary.rowVersion[row] as number;
  }

  /** Adds a channel from the primary to `n` (keeping the primary's other channels). */
  private attach(n: DbNode, primary: DbNode) {
    const topo = this.o.topo;
    const existing = topo.channels.get(primary.region) ?? [];
    const kept = existing.filter((c) => {
      if (c.target === n) c.close();
      return c.target !== n;
    });
    const fresh = topo.openChannels(primary).filter((c) => {
      if (c.target !== n) c.close();
      return c.target === n;
    });
    topo.channels.set(primary.region, [...kept, ...fresh]);
    return fresh[0];
  }

  /** A node came back (restart, resume, heal): let it rejoin at once if it can. */
  nodeBack(): void {
    if (!this.o.controllerDown()) this.tryRejoins();
  }

  /** Each heartbeat: nodes on an old epoch that the controller can reach rejoin; STONITHed nodes boot. */
  private tryRejoins(): void {
    const { topo, sched } = this.o;
    const primary = topo.node(topo.dnsPrimary);
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
      const tally = [...this.failovers].reverse().find((f) => f.from === n.region)?.tally ?? this.failovers.length - 1;
      this.repoint(n, primary, Math.max(0, tally), true);
      this.o.stateChanged(n.region);
    }
  }

  /**
   * At the end of the run, what would a converged system lose? Every node
   * still on an older timeline would rewind: count those acked writes.
   */
  finish(): void {
    const topo = this.o.topo;
    for (const n of topo.nodes) {
      if (n.epoch === topo.epoch) continue;
      const common = Math.min(this.commonLsnAfter(n.epoch), n.wal.endLsn);
      const tally = [...this.failovers].reverse().find((f) => f.from === n.region)?.tally ?? 0;
      this.o.ledger.rewind(n, n.epoch, common, tally);
    }
    this.o.ledger.checkLostNotPresent(topo.nodes.filter((n) => n.epoch === topo.epoch));
  }

  /** Failovers in the summary's shape. */
  summaries(endUs: number): FailoverSummary[] {
    const ids = this.o.regionIds;
    return this.failovers.map((f) => {
      // RTO ends at the first write the new primary acknowledges; if none did
      // before the run ended, at the promotion (and the summary says so).
      const firstAck = this.o.ledger.firstAckInEpoch.get(f.epoch);
      const rtoUs = (firstAck ?? f.completedAtUs) - f.faultAtUs;
      const t = this.o.ledger.perFailover[f.tally];
      return {
        from: ids[f.from] as string, to: ids[f.to] as string, reason: f.reason,
        startedAtMs: f.startedAtUs / 1000, completedAtMs: f.completedAtUs / 1000, rtoMs: rtoUs / 1000,
        lostAckedWrites: t?.lostAckedWrites ?? 0, lostBytes: t?.lostBytes ?? 0, faultAtMs: f.faultAtUs / 1000, epoch: f.epoch,
        rtoEndsAt: firstAck !== undefined ? 'first-write' : 'promotion',
      };
    });
  }
}
