// Swarm testing: per seed, a random fault mix drawn within declared bounds,
// appended to the scenario's own faults. Owns the drawing and the fault
// encoding (scenario YAML/JSON, as `--set faults=[...]` takes it); running,
// judging and shrinking are in swarm-run.ts and shrink.ts.
//
// Bounds of one draw (all from the stream `swarm/<seed>` of RngRoot(seed), so
// the mix depends only on the seed, never on the model's own draws):
//   count       1–4 faults, uniform
//   kind        uniform over the allowed kinds (default SWARM_DEFAULT_KINDS:
//               every fault kind of the scenario schema)
//   at          uniform over [warmup, duration), whole ms
//   for         uniform 1–60 s, whole ms (clockJump has none: it is instant)
//   partition   shape uniform: {isolate: r} | {groups: [A, B]} (a random split
//               into two non-empty sides) | one-way {from: a, to: b}
//   crash, pause, outage, slowApply: a uniform region; slowApply factor 2–50
//   clockJump   by ±(10 ms – 10 s)
//   slowLink    a uniform pair, factor 2–50
//   loss        a uniform pair, probability 0.05–0.5 (two decimals)
//   stonithFailure  probability 0.05–1 (two decimals)
//   random      a non-empty random subset of the kinds a random fault takes,
//               meanInterval 1–20 s, duration exponential with mean 1–10 s
// Kinds needing two regions are left out of single-region scenarios.
import { RngRoot, type Rng } from '../core/rng.ts';
import { FAULT_KINDS, FaultSchema } from '../scenario/schema-faults.ts';

/**
 * Kinds swarm can draw: the scenario schema's fault kinds, so a verb added to
 * the schema is drawn too (the switch in drawFaults does not compile until it
 * says how to draw it).
 */
export const SWARM_KINDS = FAULT_KINDS;
export type SwarmKind = (typeof SWARM_KINDS)[number];
/** Drawn unless --fault-kinds says otherwise: every kind. */
export const SWARM_DEFAULT_KINDS: readonly SwarmKind[] = SWARM_KINDS;
/** The kinds a `random` fault may draw from, as the schema's enum lists them. */
const RANDOM_KINDS: readonly string[] = FaultSchema.shape.random.unwrap().shape.kinds.element.options;
/** Kinds that act between two regions, left out of single-region scenarios. */
const TWO_REGION_KINDS: readonly string[] = ['partition', 'slowLink', 'loss'];

export const SWARM_BOUNDS = {
  countMin: 1, countMax: 4, forMsMin: 1_000, forMsMax: 60_000, clockJumpMsMin: 10, clockJumpMsMax: 10_000, factorMin: 2, factorMax: 50, lossMin: 0.05, lossMax: 0.5,
  stonithFailureMin: 0.05, stonithFailureMax: 1, randomIntervalMsMin: 1_000, randomIntervalMsMax: 20_000, randomMeanMsMin: 1_000, randomMeanMsMax: 10_000,
} as const;

/** One drawn fault, in scenario syntax (durations as "<n>ms" strings). */
export interface SwarmFault {
  at: string;
  for?: string;
  [kind: string]: unknown;
}

export interface DrawOptions {
  seed: number;
  regionIds: readonly string[];
  /** Run span and warmup, ms. */
  durationMs: number;
  warmupMs: number;
  kinds: readonly SwarmKind[];
}

/** Draws one seed's fault mix. */
export function drawFaults(o: DrawOptions): SwarmFault[] {
  const rng = new RngRoot(o.seed).stream(`swarm/${o.seed}`);
  const B = SWARM_BOUNDS;
  const multi = o.regionIds.length >= 2;
  const kinds = o.kinds.filter((k) => multi || !TWO_REGION_KINDS.includes(k));
  if (kinds.length === 0) return [];
  const count = B.countMin + rng.int(B.countMax - B.countMin + 1);
  const lo = Math.min(o.warmupMs, Math.max(0, o.durationMs - 1));
  const out: SwarmFault[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[rng.int(kinds.length)] as SwarmKind;
    const at = lo + rng.int(Math.max(1, o.durationMs - lo));
    const forMs = B.forMsMin + rng.int(B.forMsMax - B.forMsMin + 1);
    const f: SwarmFault = { at: ms(at) };
    if (kind !== 'clockJump') f.for = ms(forMs);
    const region = () => pick(rng, o.regionIds);
    const pair = (): [string, string] => {
      const a = rng.int(o.regionIds.length);
      const b = (a + 1 + rng.int(o.regionIds.length - 1)) % o.regionIds.length;
      return [o.regionIds[a] as string, o.regionIds[b] as string];
    };
    const factor = () => B.factorMin + rng.int(B.factorMax - B.factorMin + 1);
    switch (kind) {
      case 'partition': {
        const shape = rng.int(3);
        if (shape === 0) f.partition = { isolate: region() };
        else if (shape === 1) f.partition = { groups: split(rng, o.regionIds) };
        else {
          const [from, to] = pair();
          f.partition = { from, to };
        }
        break;
      }
      case 'crash':
      case 'pause':
      case 'outage':
        f[kind] = { region: region() };
        break;
      case 'slowApply':
        f.slowApply = { region: region(), factor: factor() };
        break;
      case 'clockJump': {
        const mag = B.clockJumpMsMin + rng.int(B.clockJumpMsMax - B.clockJumpMsMin + 1);
        f.clockJump = { region: region(), by: ms(rng.next() < 0.5 ? -mag : mag) };
        break;
      }
      case 'slowLink':
        f.slowLink = { between: pair(), factor: factor() };
        break;
      case 'loss':
        f.loss = { between: pair(), probability: hundredths(rng, B.lossMin, B.lossMax) };
        break;
      case 'stonithFailure':
        f.stonithFailure = { probability: hundredths(rng, B.stonithFailureMin, B.stonithFailureMax) };
        break;
      case 'random': {
        const allowed = RANDOM_KINDS.filter((k) => multi || !TWO_REGION_KINDS.includes(k));
        const chosen = allowed.filter(() => rng.next() < 0.5);
        if (chosen.length === 0) chosen.push(pick(rng, allowed));
        const interval = B.randomIntervalMsMin + rng.int(B.randomIntervalMsMax - B.randomIntervalMsMin + 1);
        const mean = B.randomMeanMsMin + rng.int(B.randomMeanMsMax - B.randomMeanMsMin + 1);
        f.random = { kinds: chosen, meanInterval: ms(interval), duration: { dist: 'exponential', mean: ms(mean) } };
        break;
      }
      default: {
        const unhandled: never = kind;
        throw new Error(`invariant: swarm cannot draw fault kind ${String(unhandled)}`);
      }
    }
    out.push(f);
  }
  return out;
}

/** Uniform in [lo, hi], rounded to two decimals. */
function hundredths(rng: Rng, lo: number, hi: number): number {
  return Math.round((lo + rng.next() * (hi - lo)) * 100) / 100;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T;
}

/** A random split of the regions into two non-empty groups. */
function split(rng: Rng, ids: readonly string[]): string[][] {
  const a: string[] = [];
  const b: string[] = [];
  const first = rng.int(ids.length);
  ids.forEach((id, i) => (i === first ? a : i === (first + 1) % ids.length ? b : rng.next() < 0.5 ? a : b).push(id));
  return [a, b];
}

export function ms(n: number): string {
  return `${Math.round(n)}ms`;
}

/** Parses the "<n>ms" strings this file writes. */
export function parseMs(s: string): number {
  const m = /^(-?\d+)ms$/.exec(s);
  if (!m) throw new Error(`invariant: swarm duration "${s}" is not "<n>ms"`);
  return Number(m[1]);
}

/** The `--set` expression that makes `faults` the scenario's own faults plus `extra`. */
export function faultsSet(own: readonly unknown[], extra: readonly SwarmFault[]): string {
  return `faults=${JSON.stringify([...own, ...extra])}`;
}

/** Single-quotes a shell word. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that replays one swarm run. */
export function replayCommand(file: string, seed: number, variant: string | undefined, own: readonly unknown[], extra: readonly SwarmFault[]): string {
  const v = variant !== undefined && variant !== 'base' ? ` --variant ${shellQuote(variant)}` : '';
  return `repsim run ${shellQuote(file)} --seed ${seed}${v} --set ${shellQuote(faultsSet(own, extra))}`;
}
