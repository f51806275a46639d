// The four message legs of a leaderless store (PBS's W, A, R, S): write
// request, write ack, read request, read response. By default a leg takes
// the link's one-way delay (RTT/2 × slow factor + jitter, or half the
// intra-region RTT inside a region), plus the replica's service time on the
// legs that do work there (write, read; × the region's slow-apply factor).
// A scenario may replace any leg by a distribution of its whole time
// (network and service), as PBS does with latencies measured on a cluster;
// a slow-link fault still multiplies it.
//
// Delivery: a leg is dropped when its link is cut at send or gets cut
// before it arrives (the link's epoch changes), or when the link's loss
// draws it. Whether the receiver is up is the receiver's business. A leg's
// message carries the link and epoch it left on (no envelope per leg): the
// receiver's handler asks `arrived` first.
//
// Traffic: a leg that leaves on an up link counts its `bytes` (the sender
// sizes it) — write legs and their acks as replication, read legs and their
// responses as client traffic (a read's fan-out is the client's request).
// Owns the timing and delivery of legs only.
import type { Scheduler } from '../../core/scheduler.ts';
import type { Rng } from '../../core/rng.ts';
import type { Sampler } from '../../core/distributions.ts';
import type { Network } from '../../world/network.ts';
import { CLIENT, REPLICATION } from '../../world/traffic.ts';

export type Leg = 'write' | 'ack' | 'read' | 'response';

export interface LegOptions {
  sched: Scheduler;
  net: Network;
  /** Whole-leg overrides, µs. */
  overrides: Partial<Record<Leg, Sampler>>;
  /** A replica's service time per request, µs (default legs only). */
  serviceTime: Sampler;
  /** Region r's service-time factor now (a slow-apply fault). */
  serviceFactor: (region: number) => number;
  legRng: Rng;
  serviceRng: Rng;
  lossRng: Rng;
}

/** What a leg carries besides its payload: the link it left on and that link's cut epoch then (set by `send`). */
export interface LegMessage {
  legFrom: number;
  legTo: number;
  legEpoch: number;
}

export class Legs {
  /** Legs dropped by cuts or loss. */
  dropped = 0;

  constructor(private readonly o: LegOptions) {}

  /** The time a leg from → to takes if sent now, µs (integer). */
  durationUs(leg: Leg, from: number, to: number): number {
    const o = this.o;
    const custom = o.overrides[leg];
    let us: number;
    if (custom) us = Math.max(0, custom(o.legRng)) * o.net.slowFactorOf(from, to);
    else {
      us = o.net.sampleDelayUs(from, to);
      if (leg === 'write' || leg === 'read') us += Math.max(0, o.serviceTime(o.serviceRng)) * o.serviceFactor(to);
    }
    return Math.round(us);
  }

  /**
   * Sends a leg; `fn(arg)` runs when it is due, and must first ask
   * `arrived(arg)` (false: the link was cut on the way). Returns false when
   * it is dropped at once.
   */
  send<T extends LegMessage>(leg: Leg, from: number, to: number, fn: (arg: T) => void, arg: T, bytes: number): boolean {
    const { net, sched } = this.o;
    if (!net.isUp(from, to)) {
      this.dropped++;
      return false;
    }
    net.count(from, to, leg === 'write' || leg === 'ack' ? REPLICATION : CLIENT, bytes);
    const p = net.lossOf(from, to);
    if (p > 0 && this.o.lossRng.next() < p) {
      this.dropped++;
      return false;
    }
    arg.legFrom = from;
    arg.legTo = to;
    arg.legEpoch = from === to ? 0 : net.epochOf(from, to);
    sched.at(sched.now + this.durationUs(leg, from, to), fn, arg);
    return true;
  }

  /**
   * A leg whose arrival would change nothing (the answer to a read its
   * coordinator already answered): it is timed and may be lost exactly as
   * `send` would (the same draws, so every other leg keeps its timing), but
   * no delivery is scheduled.
   */
  discard(leg: Leg, from: number, to: number, bytes: number): void {
    const { net } = this.o;
    if (!net.isUp(from, to)) {
      this.dropped++;
      return;
    }
    net.count(from, to, leg === 'write' || leg === 'ack' ? REPLICATION : CLIENT, bytes);
    const p = net.lossOf(from, to);
    if (p > 0 && this.o.lossRng.next() < p) {
      this.dropped++;
      return;
    }
    this.durationUs(leg, from, to);
  }

  /** A leg is due: whether it arrived (its link was not cut while it was in flight); a dropped one is counted. */
  arrived(m: LegMessage): boolean {
    if (m.legFrom !== m.legTo && this.o.net.epochOf(m.legFrom, m.legTo) !== m.legEpoch) {
      this.dropped++;
      return false;
    }
    return true;
  }
}
