// Hybrid logical clock (Kulkarni et al. 2014), one per node, driven by the
// node's region WallClock (offset, drift, jumps). A timestamp is the pair
// (l, c): l is the largest physical reading heard of (µs), c a counter that
// orders events sharing an l. Pairs compare lexicographically; the clock
// keeps them in two fields so no object is allocated per event.
//
// Owns the send/local and receive rules only; what a timestamp is used for
// (last-writer-wins) lives in sim/db/conflict.ts.
import type { WallClock } from './clock.ts';

export class Hlc {
  /** Logical part: max physical time heard of, µs (−∞ before the first event). */
  l = -Infinity;
  /** Counter among events with the same l. */
  c = 0;

  constructor(private readonly clock: WallClock) {}

  /** Local or send event at true time `trueUs`; the new timestamp is (this.l, this.c). */
  tick(trueUs: number): void {
    const pt = this.clock.readUs(trueUs);
    if (pt > this.l) {
      this.l = pt;
      this.c = 0;
    } else {
      this.c++;
    }
  }

  /** Receive event of a message stamped (ml, mc) at true time `trueUs`. */
  receive(trueUs: number, ml: number, mc: number): void {
    const pt = this.clock.readUs(trueUs);
    const l0 = this.l;
    const l = Math.max(l0, ml, pt);
    if (l === l0 && l === ml) this.c = Math.max(this.c, mc) + 1;
    else if (l === l0) this.c++;
    else if (l === ml) this.c = mc + 1;
    else this.c = 0;
    this.l = l;
  }
}

/** Lexicographic order of (l, c) pairs: negative, 0 or positive. */
export function compareHlc(l1: number, c1: number, l2: number, c2: number): number {
  return l1 !== l2 ? (l1 < l2 ? -1 : 1) : c1 - c2;
}
