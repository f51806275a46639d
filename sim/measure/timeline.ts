// The per-region timeline for charts: a lane per region whose segments say
// what the region was doing (primary, replica, down, fenced, partitioned,
// paused, rebuilding). The world reports state changes; this only records.
import type { TimelineSegment } from './summary-types.ts';

type State = TimelineSegment['state'];

export class Timeline {
  private readonly current: Array<{ state: State; sinceUs: number }>;
  private readonly segments: TimelineSegment[] = [];

  constructor(private readonly regionIds: readonly string[], initial: (r: number) => State) {
    this.current = regionIds.map((_, r) => ({ state: initial(r), sinceUs: 0 }));
  }

  /** Region `r` is in `state` from `nowUs`. */
  set(r: number, state: State, nowUs: number): void {
    const c = this.current[r];
    if (!c || c.state === state) return;
    if (nowUs > c.sinceUs) this.segments.push({ region: this.regionIds[r] as string, state: c.state, startMs: c.sinceUs / 1000, endMs: nowUs / 1000 });
    c.state = state;
    c.sinceUs = nowUs;
  }

  /** All segments, closed at `endUs`. */
  finish(endUs: number): TimelineSegment[] {
    const out = this.segments.slice();
    this.current.forEach((c, r) => {
      if (endUs > c.sinceUs) out.push({ region: this.regionIds[r] as string, state: c.state, startMs: c.sinceUs / 1000, endMs: endUs / 1000 });
    });
    return out.sort((a, b) => a.region.localeCompare(b.region) || a.startMs - b.startMs);
  }
}
