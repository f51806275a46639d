// The lab's nemesis: the scenario's scheduled faults, applied to real
// processes and proxies at their times (lab clock, µs from the workload's
// start) and reverted after `for`. Partition = proxy cuts (one-way: held
// direction); crash = kill -9 of the node's processes, its links up; outage =
// the region's links cut and its node killed at the same instant, its
// clients silenced; pause = SIGSTOP / SIGCONT; slow link = proxy delay ×
// factor. What happens to roles (failover, rejoin) is the controller's.
import type { Fault } from '../scenario/schema.ts';
import type { FaultWindow } from '../scenario/summary-types.ts';
import type { LabCluster } from './cluster.ts';

export interface LabFaultHooks {
  /** The workload's dark flags (region outage silences its clients). */
  dark: boolean[];
  /** A crashed or darkened node's fault is over: start it again (the controller decides as what). */
  restart: (r: number) => Promise<void>;
  /** Marks when a fault first touched region r (for RTO); `undefined` when it is over. */
  touched: (r: number, atUs: number | undefined) => void;
  log: (s: string) => void;
}

/** What the nemesis acts on: the cluster's network and process verbs (LabCluster; a recording double in tests). */
export type NemesisTarget = Pick<LabCluster, 'ids' | 'cut' | 'heal' | 'blockOneWay' | 'unblockOneWay' | 'slow'> & {
  readonly nodes: ReadonlyArray<{ kill(): Promise<void>; pause(): void; resume(): void }>;
};

export class LabNemesis {
  readonly windows: FaultWindow[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  /** Regions currently crashed or dark (their restart is pending). */
  readonly down = new Set<number>();
  readonly paused = new Set<number>();

  constructor(
    private readonly cluster: NemesisTarget,
    private readonly hooks: LabFaultHooks,
    private readonly nowUs: () => number,
  ) {}

  private idx(id: string): number {
    return this.cluster.ids.indexOf(id);
  }

  /** Schedules every fault; `endUs` bounds faults without `for`. */
  schedule(faults: readonly Fault[], endUs: number): void {
    for (const f of faults) {
      const startUs = f.at;
      if (startUs >= endUs) continue;
      const stopUs = f.for !== undefined ? Math.min(endUs, f.at + f.for) : endUs;
      const undo = { fn: undefined as (() => void) | undefined };
      this.at(startUs, () => {
        undo.fn = this.apply(f);
        this.windows.push({ kind: kindOf(f), label: labelOf(f), startMs: Math.round(this.nowUs()) / 1000, endMs: stopUs / 1000 });
      });
      if (f.for !== undefined && stopUs < endUs) this.at(stopUs, () => undo.fn?.());
    }
  }

  private at(tUs: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, Math.max(0, (tUs - this.nowUs()) / 1000)));
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => this.hooks.log(`lab: fault action failed: ${e instanceof Error ? e.message : String(e)}`));
    this.pending.add(q);
    void q.finally(() => this.pending.delete(q));
  }

  /** Applies a fault now; returns its revert. */
  private apply(f: Fault): () => void {
    const c = this.cluster;
    const now = this.nowUs();
    const n = c.ids.length;
    if (f.partition) {
      const p = f.partition;
      if ('isolate' in p) {
        const r = this.idx(p.isolate);
        this.hooks.touched(r, now);
        for (let b = 0; b < n; b++) if (b !== r) c.cut(r, b);
        return () => {
          for (let b = 0; b < n; b++) if (b !== r) c.heal(r, b);
          this.hooks.touched(r, undefined);
        };
      }
      if ('groups' in p) {
        const group = new Map<number, number>();
        p.groups.forEach((g, gi) => g.forEach((id) => group.set(this.idx(id), gi)));
        const pairs: Array<[number, number]> = [];
        for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (group.get(a) !== group.get(b)) pairs.push([a, b]);
        for (const [a, b] of pairs) {
          c.cut(a, b);
          this.hooks.touched(a, now);
          this.hooks.touched(b, now);
        }
        return () => {
          for (const [a, b] of pairs) c.heal(a, b);
          for (const [a, b] of pairs) {
            this.hooks.touched(a, undefined);
            this.hooks.touched(b, undefined);
          }
        };
      }
      const from = this.idx(p.from);
      const to = this.idx(p.to);
      c.blockOneWay(from, to);
      this.hooks.touched(from, now);
      return () => {
        c.unblockOneWay(from, to);
        this.hooks.touched(from, undefined);
      };
    }
    if (f.crash || f.outage) {
      const r = this.idx((f.crash ?? f.outage)!.region);
      const outage = f.outage !== undefined;
      this.hooks.touched(r, now);
      if (outage) {
        // Links first, in the same tick as the kill: what is in flight dies with the region.
        for (let b = 0; b < n; b++) if (b !== r) c.cut(r, b);
        this.hooks.dark[r] = true;
      }
      this.down.add(r);
      this.track(c.nodes[r]!.kill());
      this.hooks.log(`lab: ${outage ? 'outage' : 'crash'} ${c.ids[r]}`);
      return () => {
        if (outage) {
          for (let b = 0; b < n; b++) if (b !== r) c.heal(r, b);
          this.hooks.dark[r] = false;
        }
        this.down.delete(r);
        this.hooks.touched(r, undefined);
        this.track(this.hooks.restart(r));
      };
    }
    if (f.pause) {
      const r = this.idx(f.pause.region);
      this.hooks.touched(r, now);
      this.paused.add(r);
      c.nodes[r]?.pause();
      return () => {
        this.paused.delete(r);
        c.nodes[r]?.resume();
        this.hooks.touched(r, undefined);
      };
    }
    if (f.slowLink) {
      const [a, b] = f.slowLink.between.map((id) => this.idx(id)) as [number, number];
      c.slow(a, b, f.slowLink.factor);
      return () => c.slow(a, b, 1);
    }
    throw new Error(`invariant: fault kind ${kindOf(f)} reached the lab nemesis (the support check refuses it)`);
  }

  /** Cancels what has not happened yet and waits for actions in progress. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all([...this.pending]);
  }
}

function kindOf(f: Fault): string {
  for (const k of ['partition', 'crash', 'outage', 'pause', 'slowLink', 'loss', 'slowApply', 'clockJump', 'stonithFailure', 'random'] as const) if (f[k] !== undefined) return k;
  return 'fault';
}

function labelOf(f: Fault): string {
  if (f.partition) return 'isolate' in f.partition ? `partition ${f.partition.isolate}` : 'groups' in f.partition ? 'partition' : `partition ${f.partition.from}→${f.partition.to}`;
  const region = f.crash?.region ?? f.outage?.region ?? f.pause?.region;
  return region ? `${kindOf(f)} ${region}` : kindOf(f);
}
