// The per-region timeline for charts: a lane per region whose segments say
// what the region was doing (primary, replica, down, fenced, partitioned,
// paused, rebuilding). The world reports state changes; this only records.
import type { TimelineSegment } from '../scenario/summary-types.ts';

type State = TimelineSegment['state'];
type Role = TimelineSegment['role'];

export class Timeline {
  private readonly current: Array<{ state: State; role: Role; sinceUs: number }>;
  private readonly segments: TimelineSegment[] = [];

  constructor(private readonly regionIds: readonly string[], initial: (r: number) => State) {
    this.current = regionIds.map((_, r) => {
      const state = initial(r);
      return { state, role: state === 'primary' ? 'primary' : 'replica', sinceUs: 0 };
    });
  }

  /** Region `r` is in `state`, with `role`, from `nowUs`. */
  set(r: number, state: State, role: Role, nowUs: number): void {
    const c = this.current[r];
    if (!c || (c.state === state && c.role === role)) return;
    if (nowUs > c.sinceUs) this.segments.push({ region: this.regionIds[r] as string, state: c.state, role: c.role, startMs: c.sinceUs / 1000, endMs: nowUs / 1000 });
    c.state = state;
    c.role = role;
    c.sinceUs = nowUs;
  }

  /** All segments, closed at `endUs`, in the scenario's region order, then by time. */
  finish(endUs: number): TimelineSegment[] {
    const out = this.segments.slice();
    this.current.forEach((c, r) => {
      if (endUs > c.sinceUs) out.push({ region: this.regionIds[r] as string, state: c.state, role: c.role, startMs: c.sinceUs / 1000, endMs: endUs / 1000 });
    });
    const order = new Map(this.regionIds.map((id, i) => [id, i]));
    return out.sort((a, b) => (order.get(a.region) ?? 0) - (order.get(b.region) ?? 0) || a.startMs - b.startMs);
  }
}
