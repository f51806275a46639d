// Seeded randomness: one scenario seed, split into named, independent streams.
// A stream's draws depend only on (seed, stream name), so adding a region, a
// link or a fault never shifts the draws of an unrelated component.
// Owns no distributions (see distributions.ts); uses no unseeded randomness.
import seedrandom from 'seedrandom';

/** A uniform source in [0, 1). */
export interface Rng {
  /** Uniform double in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The stream's name, for traces and error messages. */
  readonly name: string;
}

class AleaStream implements Rng {
  private readonly prng: () => number;
  constructor(seed: string, readonly name: string) {
    this.prng = seedrandom.alea(`${seed}\u0000${name}`);
  }
  next(): number {
    return this.prng();
  }
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }
}

/** The root of a run's randomness: hands out named streams forked from one seed. */
export class RngRoot {
  private readonly seed: string;
  private readonly issued = new Set<string>();
  constructor(seed: number | string) {
    this.seed = String(seed);
  }
  /**
   * A named stream. Names must be unique within a run: asking twice for the
   * same name is a programming error (two components would share draws).
   */
  stream(name: string): Rng {
    if (this.issued.has(name)) throw new Error(`invariant: RNG stream "${name}" issued twice`);
    this.issued.add(name);
    return new AleaStream(this.seed, name);
  }
}
