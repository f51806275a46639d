// The network: a directed link between every pair of regions.
//
// One-way delay = RTT/2 × slow factor + a jitter sample (each link has its
// own RNG stream), plus the receiving process's hop overhead. Inside a region
// the same rule holds with half the intra-region RTT and the intra-region
// jitter: every same-region request and answer travels it (sampleDelayUs). Stream traffic (WAL, CDC) is FIFO per stream and pays
// serialisation on the link's bandwidth, so bursts build a backlog; it is not
// lost (TCP retransmits) but is dropped when the link is cut while in flight.
// Datagrams (heartbeats, client requests and replies) may be lost and may
// reorder. A message that has left its sender is delivered even if the
// sender then crashes; whether the receiver is up is the receiver's business.
// Faults change links only through the verbs cut/heal, slow, lossy.
// Every message is counted in `traffic` (sim/world/traffic.ts) by purpose
// when it leaves its sender on a link that is up.
// Knows nothing of replication.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng, RngRoot } from '../core/rng.ts';
import type { Sampler } from '../core/distributions.ts';
import { CLIENT, type Purpose, Traffic } from './traffic.ts';

export interface NetworkOptions {
  regionIds: readonly string[];
  /** Round-trip time between regions, µs, indexed [from][to]. */
  rttUs: number[][];
  /** Extra one-way delay per message, µs. */
  jitter: Sampler;
  /** Link bandwidth for stream traffic, bytes per second. */
  bandwidthBytesPerS: number;
  /** Round trip between two processes of one region, µs. */
  intraRegionRttUs: number;
  /** Extra one-way delay per message inside a region, µs (absent: none). */
  intraRegionJitter?: Sampler | undefined;
  /** Added at each receiving process, µs (absent: none). */
  hopOverhead?: Sampler | undefined;
  /** Baseline datagram loss probability on inter-region links. */
  loss: number;
}

/** A FIFO stream between two regions (a WAL or CDC connection). */
export interface Stream {
  readonly from: number;
  readonly to: number;
  /** What its bytes are counted as. */
  readonly purpose: Purpose;
  /** Arrival time of the last message sent on it, µs: later ones never overtake it. */
  lastArrivalUs: number;
}

interface Link {
  /** >0 while cut (overlapping faults nest). */
  cuts: number;
  /** Bumped on every cut: a message sent under an older epoch is dropped on arrival. */
  epoch: number;
  slowFactor: number;
  loss: number;
  /** Serialisation backlog: the link is busy sending stream bytes until then, µs. */
  busyUntilUs: number;
  jitterRng: Rng;
  lossRng: Rng;
}

interface InFlight<T> {
  link: Link;
  epoch: number;
  fn: (arg: T) => void;
  arg: T;
  onDrop: ((arg: T) => void) | undefined;
}

export class Network {
  private readonly links: Link[][];
  private readonly n: number;
  /** Messages dropped by cuts or loss (for traces and tests). */
  dropped = 0;
  private readonly hopRng: Rng[];
  /** Neither intra-region jitter nor hop overhead: a same-region message takes exactly half the intra-region RTT. */
  private readonly plainIntra: boolean;
  /** Bytes sent, per directed region pair and purpose. */
  readonly traffic: Traffic;
  private readonly deliverBound = (m: InFlight<unknown>) => this.deliver(m);

  constructor(
    private readonly sched: Scheduler,
    rng: RngRoot,
    private readonly opts: NetworkOptions,
  ) {
    this.n = opts.regionIds.length;
    this.traffic = new Traffic(this.n);
    this.hopRng = opts.regionIds.map((id) => rng.stream(`net/hop/${id}`));
    this.plainIntra = !opts.intraRegionJitter && !opts.hopOverhead;
    this.links = [];
    for (let a = 0; a < this.n; a++) {
      const row: Link[] = [];
      for (let b = 0; b < this.n; b++) {
        const name = `${opts.regionIds[a]}->${opts.regionIds[b]}`;
        row.push({
          cuts: 0, epoch: 0, slowFactor: 1, loss: 0, busyUntilUs: 0,
          jitterRng: rng.stream(`net/jitter/${name}`),
          lossRng: rng.stream(`net/loss/${name}`),
        });
      }
      this.links.push(row);
    }
  }

  private link(from: number, to: number): Link {
    const l = this.links[from]?.[to];
    if (!l) throw new Error(`invariant: no link ${from}->${to}`);
    return l;
  }

  /** RTT between two regions as configured (no jitter, no slow factor), µs. */
  rttUs(from: number, to: number): number {
    return from === to ? this.opts.intraRegionRttUs : (this.opts.rttUs[from]?.[to] ?? 0);
  }

  /**
   * When an answer sent now inside `region` reaches its client, µs: the same
   * rule as any message (sampleDelayUs), its bytes counted as client
   * traffic of the region. No event is scheduled: the client only books the
   * answer, and nothing inside a region can stop it on the way (a region's
   * own link is never cut).
   */
  answerAtUs(region: number, bytes: number): number {
    this.traffic.add(region, region, CLIENT, bytes);
    return this.sched.now + this.sampleDelayUs(region, region);
  }

  /**
   * Samples a one-way delay on a link now, µs: propagation × slow factor +
   * jitter, or inside a region half the intra-region RTT + the intra-region
   * jitter; plus the receiving process's hop overhead. The one rule every
   * message follows, across regions and inside one.
   */
  sampleDelayUs(from: number, to: number): number {
    if (from === to && this.plainIntra) return this.opts.intraRegionRttUs / 2;
    const l = this.link(from, to);
    let us: number;
    if (from === to) {
      const j = this.opts.intraRegionJitter;
      us = this.opts.intraRegionRttUs / 2 + (j ? Math.max(0, j(l.jitterRng)) : 0);
    } else {
      us = (this.rttUs(from, to) / 2) * l.slowFactor + Math.max(0, this.opts.jitter(l.jitterRng));
    }
    const hop = this.opts.hopOverhead;
    return hop ? us + Math.max(0, hop(this.hopRng[to] as Rng)) : us;
  }

  /** The slow factor of the link from → to now (1 within a region). */
  slowFactorOf(from: number, to: number): number {
    return from === to ? 1 : this.link(from, to).slowFactor;
  }

  /** Datagram loss probability of the link from → to now (0 within a region). */
  lossOf(from: number, to: number): number {
    if (from === to) return 0;
    const l = this.link(from, to).loss;
    return l > this.opts.loss ? l : this.opts.loss;
  }

  /** True when messages can currently pass from → to. */
  isUp(from: number, to: number): boolean {
    return from === to || this.link(from, to).cuts === 0;
  }

  /** The link's cut epoch: changes whenever the link is cut. */
  epochOf(from: number, to: number): number {
    return this.link(from, to).epoch;
  }

  // --- verbs for faults ---------------------------------------------------

  /** Cuts the directed link; what is in flight on it is dropped. */
  cut(from: number, to: number): void {
    if (from === to) return;
    const l = this.link(from, to);
    l.cuts++;
    l.epoch++;
    l.busyUntilUs = this.sched.now;
  }

  /** Undoes one `cut` of the directed link. */
  heal(from: number, to: number): void {
    if (from === to) return;
    const l = this.link(from, to);
    if (l.cuts <= 0) throw new Error(`invariant: heal of link ${from}->${to} that is not cut`);
    l.cuts--;
  }

  /** Cuts every link into and out of region r (a region outage). */
  cutRegion(r: number): void {
    for (let b = 0; b < this.n; b++) if (b !== r) { this.cut(r, b); this.cut(b, r); }
  }

  /** Undoes one `cutRegion(r)`. */
  healRegion(r: number): void {
    for (let b = 0; b < this.n; b++) if (b !== r) { this.heal(r, b); this.heal(b, r); }
  }

  /** Multiplies the propagation delay of both directions between a and b. */
  setSlowFactor(a: number, b: number, factor: number): void {
    this.link(a, b).slowFactor = factor;
    this.link(b, a).slowFactor = factor;
  }

  /** Sets the extra datagram loss probability of both directions between a and b. */
  setLoss(a: number, b: number, probability: number): void {
    this.link(a, b).loss = probability;
    this.link(b, a).loss = probability;
  }

  // --- sending ------------------------------------------------------------

  /** Opens a FIFO stream from → to whose bytes count as `purpose`. */
  openStream(from: number, to: number, purpose: Purpose): Stream {
    return { from, to, purpose, lastArrivalUs: 0 };
  }

  /**
   * Counts a message that a topology times and delivers itself (leaderless
   * legs, anti-entropy) and that left on an up link: the same rule as `datagram`.
   */
  count(from: number, to: number, purpose: Purpose, bytes: number): void {
    this.traffic.add(from, to, purpose, bytes);
  }

  /**
   * Sends a datagram: it may be lost, and is dropped if the link is or gets
   * cut before it arrives. `onDrop` (if given) runs when the drop is decided.
   * Its `bytes` count as `purpose` unless its link is cut now.
   * Returns the arrival time, or -1 when dropped at once.
   */
  datagram<T>(from: number, to: number, purpose: Purpose, bytes: number, fn: (arg: T) => void, arg: T, onDrop?: (arg: T) => void): number {
    if (from === to) {
      this.traffic.add(from, to, purpose, bytes);
      const at = this.sched.now + this.sampleDelayUs(from, to);
      this.sched.at(at, fn, arg);
      return at;
    }
    const l = this.link(from, to);
    if (l.cuts > 0) return this.dropNow(arg, onDrop);
    this.traffic.add(from, to, purpose, bytes);
    const p = l.loss > this.opts.loss ? l.loss : this.opts.loss;
    if (p > 0 && l.lossRng.next() < p) return this.dropNow(arg, onDrop);
    const at = this.sched.now + this.sampleDelayUs(from, to);
    this.sched.at(at, this.deliverBound as (m: InFlight<T>) => void, { link: l, epoch: l.epoch, fn, arg, onDrop });
    return at;
  }

  /**
   * Sends `bytes` on a stream: serialised on the link's bandwidth behind
   * earlier stream traffic, FIFO within the stream, never lost, dropped if
   * the link is cut. It counts as `bytes + headerBytes` of the stream's
   * purpose unless the link is cut now; the header is counted but not
   * charged to the bandwidth (see its sender).
   * Returns the arrival time, or -1 when dropped at once.
   */
  send<T>(stream: Stream, bytes: number, fn: (arg: T) => void, arg: T, onDrop?: (arg: T) => void, headerBytes = 0): number {
    const { from, to } = stream;
    const now = this.sched.now;
    let at: number;
    if (from === to) {
      this.traffic.add(from, to, stream.purpose, bytes + headerBytes);
      at = now + this.sampleDelayUs(from, to);
    } else {
      const l = this.link(from, to);
      if (l.cuts > 0) return this.dropNow(arg, onDrop);
      this.traffic.add(from, to, stream.purpose, bytes + headerBytes);
      const start = l.busyUntilUs > now ? l.busyUntilUs : now;
      const doneSending = start + (bytes * 1e6) / this.opts.bandwidthBytesPerS;
      l.busyUntilUs = doneSending;
      at = doneSending + this.sampleDelayUs(from, to);
    }
    if (at < stream.lastArrivalUs) at = stream.lastArrivalUs;
    at = Math.round(at);
    stream.lastArrivalUs = at;
    if (from === to) this.sched.at(at, fn, arg);
    else {
      const l = this.link(from, to);
      this.sched.at(at, this.deliverBound as (m: InFlight<T>) => void, { link: l, epoch: l.epoch, fn, arg, onDrop });
    }
    return at;
  }

  private dropNow<T>(arg: T, onDrop?: (arg: T) => void): number {
    this.dropped++;
    if (onDrop) onDrop(arg);
    return -1;
  }

  private deliver(m: InFlight<unknown>): void {
    if (m.link.epoch !== m.epoch) {
      this.dropped++;
      if (m.onDrop) m.onDrop(m.arg);
      return;
    }
    m.fn(m.arg);
  }
}
