// Failure detection (single-primary): the controller pings the primary every
// heartbeat; each ping is also a lease grant (lease fencing: a primary may
// take writes until the last grant it received, counted from when it was
// sent, plus leaseDuration). The detector remembers when the last answered
// ping was sent: silence counts from then.
import type { Scheduler } from '../core/scheduler.ts';
import type { Network } from '../world/network.ts';
import { CONTROL, MESSAGE_OVERHEAD_BYTES } from '../world/traffic.ts';
import type { DbNode } from '../db/node.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface DetectorOptions {
  sched: Scheduler;
  net: Network;
  cfg: Scenario['failover'];
  regionCount: number;
  controllerRegion: number;
  /** The region DNS names as primary now (only its answers count). */
  primaryRegion: () => number;
  /** Whether the controller's own region is dark (outage): it hears nothing. */
  controllerDown: () => boolean;
  /** The primary answered a ping. */
  onAnswer: () => void;
}

interface Ping {
  target: DbNode;
  sentUs: number;
}

export class Detector {
  /** When the last answered ping was sent, µs. */
  lastPongUs = 0;
  /** When the controller last sent a ping (a lease grant) to the primary, µs. */
  lastPingSentUs = 0;
  /** Lease expiry per node (lease fencing), µs. */
  private readonly leaseUntilUs: number[];
  private readonly pingBound = (p: Ping) => this.pingArrived(p);
  private readonly pongBound = (p: Ping) => this.pongArrived(p);

  constructor(private readonly o: DetectorOptions) {
    this.leaseUntilUs = Array.from({ length: o.regionCount }, () => o.cfg.leaseDuration);
  }

  /** Sends a ping (and lease grant) to `primary` now. */
  ping(primary: DbNode): void {
    const now = this.o.sched.now;
    this.lastPingSentUs = now;
    this.o.net.datagram(this.o.controllerRegion, primary.region, CONTROL, MESSAGE_OVERHEAD_BYTES, this.pingBound, { target: primary, sentUs: now });
  }

  /** How long the primary has been silent at `nowUs`. */
  silentUs(nowUs: number): number {
    return nowUs - this.lastPongUs;
  }

  /** Lease fencing: may `node` take writes now? */
  leaseValid(node: DbNode): boolean {
    return this.o.cfg.fencing !== 'lease' || this.o.sched.now < (this.leaseUntilUs[node.region] as number);
  }

  /** A new primary starts with a fresh lease and counts as heard from now. */
  promoted(region: number, nowUs: number): void {
    this.leaseUntilUs[region] = nowUs + this.o.cfg.leaseDuration;
  }

  private pingArrived(p: Ping): void {
    // A paused primary answers late (held until it resumes); a crashed or powered-off one never.
    p.target.whenRunning(() => {
      // The grant runs from when the controller sent it, so a ping held up (paused node) grants nothing new.
      const until = p.sentUs + this.o.cfg.leaseDuration;
      if (until > (this.leaseUntilUs[p.target.region] as number)) this.leaseUntilUs[p.target.region] = until;
      this.o.net.datagram(p.target.region, this.o.controllerRegion, CONTROL, MESSAGE_OVERHEAD_BYTES, this.pongBound, p);
    });
  }

  private pongArrived(p: Ping): void {
    if (this.o.controllerDown()) return;
    if (p.target.region !== this.o.primaryRegion()) return;
    if (p.sentUs > this.lastPongUs) this.lastPongUs = p.sentUs;
    this.o.onAnswer();
  }
}
