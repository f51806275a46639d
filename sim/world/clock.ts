// A region's local wall clock: true time plus an offset, a drift (ppm) and
// any jumps a fault applies. The model's own time (the scheduler's) is true
// time; a clock is what a node *reads*, e.g. for wall-clock LWW and HLC.

export class WallClock {
  private offsetUs: number;
  constructor(
    offsetUs: number,
    private readonly driftPpm: number,
  ) {
    this.offsetUs = offsetUs;
  }

  /** The local clock's reading at true time `trueUs`, integer microseconds. */
  readUs(trueUs: number): number {
    return Math.round(trueUs + this.offsetUs + (trueUs * this.driftPpm) / 1e6);
  }

  /** A clock-jump fault: the clock moves by `byUs` (may be negative). */
  jump(byUs: number): void {
    this.offsetUs += byUs;
  }

  /** Current skew from true time at `trueUs`, microseconds. */
  skewUs(trueUs: number): number {
    return this.readUs(trueUs) - trueUs;
  }
}
