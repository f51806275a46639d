// Fencing the old primary before a promotion (single-primary): none (promote
// at once, risking a zombie), lease (wait until the longest lease the old
// primary may hold has run out: it stops writing on its own), or STONITH
// (power it off out of band; a failed attempt is retried, never skipped).
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng } from '../core/rng.ts';
import type { DbNode } from '../db/node.ts';
import type { RunEvents } from '../measure/events.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface FencingOptions {
  sched: Scheduler;
  cfg: Scenario['failover'];
  events: RunEvents;
  regionIds: readonly string[];
  stonithRng: Rng;
  /** Current STONITH failure probability (config, overridden by a stonithFailure fault). */
  stonithFailureProbability: () => number;
  /** When the controller last sent a lease grant to the old primary, µs. */
  lastGrantUs: () => number;
  stateChanged: (r: number) => void;
}

export class Fencing {
  /** Nodes powered off by STONITH, waiting to boot and rejoin. */
  readonly stonithed = new Set<number>();

  constructor(private readonly o: FencingOptions) {}

  /** Fences `old`; then calls `fenced(waitUs)`, where `waitUs` must still pass before promoting. */
  fence(old: DbNode, fenced: (waitUs: number) => void): void {
    const { sched, cfg, events } = this.o;
    const now = sched.now;
    switch (cfg.fencing) {
      case 'none':
        fenced(0);
        return;
      case 'lease': {
        // Wait out the longest lease the old primary may hold: it stops writing by then on its own.
        const wait = Math.max(0, this.o.lastGrantUs() + cfg.leaseDuration - now);
        events.trace({ tUs: now, event: 'fence-lease-wait', waitMs: wait / 1000 });
        fenced(wait);
        return;
      }
      case 'stonith':
        sched.after(cfg.stonithDelay, () => {
          if (this.o.stonithRng.next() < this.o.stonithFailureProbability()) {
            events.trace({ tUs: sched.now, event: 'stonith-failed', region: this.o.regionIds[old.region] });
            this.fence(old, fenced); // retry: never promote without a confirmed fence
            return;
          }
          old.stop('off', sched.now);
          this.stonithed.add(old.region);
          this.o.stateChanged(old.region);
          events.trace({ tUs: sched.now, event: 'stonith', region: this.o.regionIds[old.region] });
          fenced(0);
        }, undefined);
        return;
    }
  }
}
