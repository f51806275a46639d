// Replication monitoring: each channel's lag (time since the oldest write
// the target has not yet applied was committed) and status, sampled on a
// fixed tick. Crossing lagWarning / lagCritical upward raises an alert.
// Reads the topology's channels; changes nothing but channel status; reports
// samples and alerts as run events.
import type { Scheduler } from '../core/scheduler.ts';
import type { Network } from '../world/network.ts';
import type { Channel } from '../db/channel.ts';
import type { RunEvents } from '../measure/events.ts';

/** Sampling period of the monitor, µs. */
export const MONITOR_TICK_US = 250_000;

export interface MonitorOptions {
  sched: Scheduler;
  net: Network;
  channels: () => Iterable<Channel>;
  events: RunEvents;
  lagWarningUs: number;
  lagCriticalUs: number;
  warmupUs: number;
  regionIds: readonly string[];
}

type Level = 0 | 1 | 2;

export class Monitor {
  private readonly level = new Map<Channel, Level>();
  /** Channels marked rebuilding stay so until their lag falls under lagWarning. */
  readonly rebuilding = new Set<Channel>();
  private readonly tickBound = () => this.tick();

  constructor(private readonly o: MonitorOptions) {}

  start(): void {
    this.o.sched.after(MONITOR_TICK_US, this.tickBound, undefined);
  }

  /** Current lag of a channel, µs. */
  lagUs(ch: Channel, nowUs: number): number {
    const t = ch.target;
    const src = ch.source;
    t.advance(nowUs);
    let oldest = Infinity;
    if (t.appliedIndex < t.wal.endIndex) oldest = t.wal.get(t.appliedIndex, 'commitUs');
    const sw = src.wal;
    if (sw.endLsn > t.receivedLsn && sw.holdsFrom(t.receivedLsn)) {
      const idx = sw.indexAfterLsn(t.receivedLsn);
      if (idx < sw.endIndex) oldest = Math.min(oldest, sw.get(idx, 'commitUs'));
    } else if (sw.endLsn > t.receivedLsn) {
      oldest = Math.min(oldest, sw.firstIndex < sw.endIndex ? sw.get(sw.firstIndex, 'commitUs') : nowUs);
    }
    return oldest === Infinity ? 0 : Math.max(0, nowUs - oldest);
  }

  private tick(): void {
    const { sched, net } = this.o;
    const now = sched.now;
    for (const ch of this.o.channels()) {
      if (ch.closed) continue;
      const lag = this.lagUs(ch, now);
      const reachable = ch.source.isUp && ch.target.isUp && net.isUp(ch.source.region, ch.target.region);
      if (this.rebuilding.has(ch) && lag < this.o.lagWarningUs && reachable) this.rebuilding.delete(ch);
      ch.status = ch.needsRebuild || !reachable ? 'failed' : this.rebuilding.has(ch) ? 'rebuilding' : lag >= this.o.lagWarningUs ? 'lagging' : 'active';
      const lvl: Level = lag >= this.o.lagCriticalUs ? 2 : lag >= this.o.lagWarningUs ? 1 : 0;
      const prev = this.level.get(ch) ?? 0;
      if (lvl > prev && now >= this.o.warmupUs) {
        this.o.events.lagAlert(prev, lvl);
        this.o.events.trace({ tUs: now, event: 'lag-alert', level: lvl === 2 ? 'critical' : 'warning', source: this.o.regionIds[ch.source.region], target: this.o.regionIds[ch.target.region], lagMs: lag / 1000 });
      }
      this.level.set(ch, lvl);
      this.o.events.lagSample(ch.source.region, ch.target.region, now, lag);
    }
    sched.after(MONITOR_TICK_US, this.tickBound, undefined);
  }
}
