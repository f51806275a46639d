// The read judge where write ids order versions (single-primary,
// region-pinned): a version is older than another iff its write id is
// smaller. Combines the staleness checker and the session checker (docs/metrics.md);
// multi-writer topologies use sim/measure/replica-staleness.ts instead.
import type { ReadJudge, ReadVerdict } from './recorder.ts';
import { StalenessChecker } from './staleness.ts';
import { SessionChecker } from './sessions.ts';
import type { LatestAcks } from './visibility.ts';

export class VersionJudge implements ReadJudge {
  readonly staleness: StalenessChecker;
  readonly sessions: SessionChecker;
  /** Verdicts carry t-visibility: the reference write is reflected iff the version read is at least its. */
  readonly visibility = true;
  /** The latest acks per row (kept in the staleness checker's per-row records). */
  private readonly latest: LatestAcks;
  /** The last verdict (reused: read it before the next read is judged). */
  private readonly v: ReadVerdict = { stale: false, stalenessUs: 0, versionsBehind: 0, ryw: false, monotonic: false, tUs: -1, consistent: true };

  /** `minVisible(row)`: the lowest version of `row` any node shows (the staleness oracle). */
  constructor(sessionCount: number, minVisible: (row: number) => number) {
    this.staleness = new StalenessChecker(minVisible);
    this.latest = this.staleness.latest;
    this.sessions = new SessionChecker(sessionCount);
  }

  onAck(session: number, row: number, version: number, ackUs: number): void {
    this.staleness.onAck(row, version, ackUs);
    this.latest.onAck(row, version, ackUs);
    this.sessions.onWriteAck(session, row, version, ackUs);
  }

  onRead(_region: number, session: number, row: number, version: number, startUs: number): ReadVerdict {
    const st = this.staleness.onRead(row, version, startUs);
    const se = this.sessions;
    se.onRead(session, row, version, startUs);
    const v = this.v;
    v.stale = st.stale;
    v.stalenessUs = st.stalenessUs;
    v.versionsBehind = st.versionsBehind;
    v.ryw = se.ryw;
    v.monotonic = se.monotonic;
    const latest = this.latest;
    const ref = latest.reference(row, startUs, false);
    v.tUs = ref === 0 ? -1 : startUs - latest.refAckUs;
    v.consistent = version >= ref;
    return v;
  }

  /** An acknowledged write that will not survive (a failover abandoned its timeline): RPO loss, neither staleness nor a visibility reference. */
  forget(row: number, version: number): void {
    this.staleness.forget(row, version);
    this.latest.forget(row, version);
  }
}
