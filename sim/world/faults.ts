// The nemesis: turns the scenario's fault list into scheduled calls of the
// world's public verbs (partition/heal, crash/restart, outage/restore,
// pause/resume, slow/unslow, ...). Faults come in pairs: every fault with a
// `for` schedules its undo. Random faults draw kind, target, magnitude and
// duration from their own RNG stream, so they never shift other draws.
import type { Scheduler } from '../core/scheduler.ts';
import type { Rng, RngRoot } from '../core/rng.ts';
import { compileDist } from '../core/distributions.ts';
import type { Fault } from '../scenario/schema.ts';
import type { FaultWindow } from '../scenario/summary-types.ts';

/**
 * The verbs faults may use. Implemented once, for every topology, by the run
 * assembly (sim/run.ts), which stops, resumes and slows the topology's nodes
 * and calls its fault hooks (sim/topology/module.ts).
 */
export interface FaultVerbs {
  /** Cuts the directed link from → to (nested cuts count). */
  cut(from: number, to: number): void;
  heal(from: number, to: number): void;
  crash(region: number): void;
  restart(region: number): void;
  outage(region: number): void;
  restore(region: number): void;
  pause(region: number): void;
  resume(region: number): void;
  slowLink(a: number, b: number, factor: number): void;
  lossy(a: number, b: number, probability: number): void;
  slowApply(region: number, factor: number): void;
  clockJump(region: number, byUs: number): void;
  stonithFailure(probability: number): void;
}

export interface NemesisOptions {
  sched: Scheduler;
  rng: RngRoot;
  regionIds: readonly string[];
  verbs: FaultVerbs;
  endUs: number;
  /** Reports fault starts and ends (to the trace). */
  onEvent?: ((e: { tUs: number; event: 'fault-start' | 'fault-end'; kind: string; label: string }) => void) | undefined;
}

type RandomKind = NonNullable<Fault['random']>['kinds'][number];

export class Nemesis {
  /** Every fault window that started, for charts and traces. */
  readonly windows: FaultWindow[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly o: NemesisOptions) {
    o.regionIds.forEach((id, i) => this.index.set(id, i));
  }

  private r(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`invariant: unknown region ${id} (validation should have caught it)`);
    return i;
  }

  /** Schedules every fault of the scenario. */
  schedule(faults: readonly Fault[]): void {
    faults.forEach((f, i) => {
      if (f.at >= this.o.endUs) return;
      if (f.random) {
        const rng = this.o.rng.stream(`faults/${i}/random`);
        const until = Math.min(this.o.endUs, f.for !== undefined ? f.at + f.for : this.o.endUs);
        this.scheduleRandom(f.random, f.at, until, rng);
        return;
      }
      this.o.sched.at(f.at, () => this.apply(f, f.at, f.for), undefined);
    });
  }

  /** Starts one fault now; schedules its undo after `forUs` (if given). */
  private apply(f: Fault, atUs: number, forUs: number | undefined): void {
    const v = this.o.verbs;
    const endUs = forUs !== undefined ? atUs + forUs : this.o.endUs;
    const undo: Array<() => void> = [];
    let label = '';
    let kind = '';
    if (f.partition) {
      kind = 'partition';
      const p = f.partition;
      const pairs: Array<[number, number]> = [];
      if ('isolate' in p) {
        const a = this.r(p.isolate);
        label = `partition: ${p.isolate} isolated`;
        for (let b = 0; b < this.o.regionIds.length; b++) if (b !== a) pairs.push([a, b], [b, a]);
      } else if ('groups' in p) {
        label = `partition: ${p.groups.map((g) => g.join('+')).join(' | ')}`;
        const group = new Map<number, number>();
        p.groups.forEach((g, gi) => g.forEach((id) => group.set(this.r(id), gi)));
        for (let a = 0; a < this.o.regionIds.length; a++)
          for (let b = 0; b < this.o.regionIds.length; b++) {
            const ga = group.get(a);
            const gb = group.get(b);
            // Regions not named in any group form one more group of their own.
            if (a !== b && (ga ?? -1) !== (gb ?? -1)) pairs.push([a, b]);
          }
      } else {
        label = `partition: ${p.from} → ${p.to} cut`;
        pairs.push([this.r(p.from), this.r(p.to)]);
      }
      for (const [a, b] of pairs) v.cut(a, b);
      undo.push(() => { for (const [a, b] of pairs) v.heal(a, b); });
    } else if (f.crash) {
      kind = 'crash';
      label = `crash: ${f.crash.region}`;
      const r = this.r(f.crash.region);
      v.crash(r);
      undo.push(() => v.restart(r));
    } else if (f.outage) {
      kind = 'outage';
      label = `outage: ${f.outage.region}`;
      const r = this.r(f.outage.region);
      v.outage(r);
      undo.push(() => v.restore(r));
    } else if (f.pause) {
      kind = 'pause';
      label = `pause: ${f.pause.region}`;
      const r = this.r(f.pause.region);
      v.pause(r);
      undo.push(() => v.resume(r));
    } else if (f.slowLink) {
      kind = 'slowLink';
      const [a, b] = f.slowLink.between;
      label = `slow link ${a}–${b} ×${f.slowLink.factor}`;
      v.slowLink(this.r(a), this.r(b), f.slowLink.factor);
      undo.push(() => v.slowLink(this.r(a), this.r(b), 1));
    } else if (f.loss) {
      kind = 'loss';
      const [a, b] = f.loss.between;
      label = `loss ${a}–${b} ${Math.round(f.loss.probability * 100)}%`;
      v.lossy(this.r(a), this.r(b), f.loss.probability);
      undo.push(() => v.lossy(this.r(a), this.r(b), 0));
    } else if (f.slowApply) {
      kind = 'slowApply';
      label = `slow apply ${f.slowApply.region} ×${f.slowApply.factor}`;
      const r = this.r(f.slowApply.region);
      v.slowApply(r, f.slowApply.factor);
      undo.push(() => v.slowApply(r, 1));
    } else if (f.clockJump) {
      kind = 'clockJump';
      label = `clock jump ${f.clockJump.region} ${f.clockJump.by / 1000}ms`;
      v.clockJump(this.r(f.clockJump.region), f.clockJump.by);
    } else if (f.stonithFailure) {
      kind = 'stonithFailure';
      label = `STONITH fails p=${f.stonithFailure.probability}`;
      v.stonithFailure(f.stonithFailure.probability);
      undo.push(() => v.stonithFailure(0));
    }
    this.windows.push({ kind, label, startMs: atUs / 1000, endMs: Math.min(endUs, this.o.endUs) / 1000 });
    this.o.onEvent?.({ tUs: atUs, event: 'fault-start', kind, label });
    if (forUs !== undefined && undo.length > 0 && endUs < this.o.endUs) {
      this.o.sched.at(endUs, () => {
        for (const u of undo) u();
        this.o.onEvent?.({ tUs: endUs, event: 'fault-end', kind, label });
      }, undefined);
    }
  }

  private scheduleRandom(spec: NonNullable<Fault['random']>, fromUs: number, untilUs: number, rng: Rng): void {
    const duration = compileDist(spec.duration);
    const ids = this.o.regionIds;
    let t = fromUs;
    for (;;) {
      t += -spec.meanInterval * Math.log(1 - rng.next());
      if (!(t < untilUs)) break;
      const kind = spec.kinds[rng.int(spec.kinds.length)] as RandomKind;
      const forUs = Math.max(1, Math.round(duration(rng)));
      const a = ids[rng.int(ids.length)] as string;
      let b = ids[rng.int(ids.length)] as string;
      if (b === a && ids.length > 1) b = ids[(ids.indexOf(a) + 1) % ids.length] as string;
      const mag = rng.next();
      const f: Fault = { at: Math.round(t), for: forUs };
      switch (kind) {
        case 'partition': f.partition = { isolate: a }; break;
        case 'crash': f.crash = { region: a }; break;
        case 'outage': f.outage = { region: a }; break;
        case 'pause': f.pause = { region: a }; break;
        case 'slowLink': f.slowLink = { between: [a, b], factor: 2 + Math.round(mag * 8) }; break;
        case 'loss': f.loss = { between: [a, b], probability: 0.1 + 0.4 * mag }; break;
        case 'slowApply': f.slowApply = { region: a, factor: 2 + Math.round(mag * 8) }; break;
        case 'clockJump': f.clockJump = { region: a, by: Math.round((mag * 2 - 1) * 1_000_000) }; break;
      }
      const at = f.at;
      this.o.sched.at(at, () => this.apply(f, at, forUs), undefined);
    }
  }
}
