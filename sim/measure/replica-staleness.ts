// Read staleness and session guarantees when replicas resolve conflicts
// (active-active), where write ids no longer order versions.
//
// "w is reflected at region r" (reflects): for a last-writer-wins row, r's
// winning version is w or a write that beats w in the LWW order — r shows w
// or something w can never displace; for a set (CRDT) row, r has applied w
// (its per-origin applied sequence has reached w's). A read at r is stale if
// a write to the row acknowledged before the read began is not reflected at
// r; staleness = read start − ack of the oldest such write, versions behind =
// how many. Read-your-writes: the session's own last acknowledged write to
// the row is not reflected. Monotonic reads: the version the session last
// read of the row is not reflected any more.
//
// Per row we keep acknowledged writes until every region reflects them
// (sim/measure/pending-acks.ts), so a read costs O(writes of the row still in
// flight). It is the recorder's read judge for multi-writer topologies;
// `reflects` is the topology's staleness oracle, asked at the moment the read
// is served.
import type { ReadJudge, ReadVerdict } from './recorder.ts';
import { RecentReads } from './sessions.ts';
import { LatestAcks } from './visibility.ts';
import { PendingAcks } from './pending-acks.ts';

/** Most entries kept per row (older ones dropped; results become lower bounds). */
const MAX_PER_ROW = 4096;

export interface Reflects {
  /**
   * Whether write `w` of `row` is reflected at region `r`. Once true in
   * every region it stays true (versions only move up the LWW order, applied
   * prefixes only grow), and for a write the topology's write table has
   * retired it is true: so this judge holds no write ids for the table's
   * compaction.
   */
  (r: number, row: number, w: number): boolean;
}

export class ReplicaStaleness implements ReadJudge {
  private readonly lastWriteRow: Int32Array;
  private readonly lastWrite: Float64Array;
  private readonly lastWriteAckUs: Float64Array;
  private readonly recent: RecentReads;
  /** Verdicts carry t-visibility: whether the region reflects the reference write. */
  readonly visibility = true;
  private readonly latest = new LatestAcks();
  /** Per row, the acknowledged writes not yet reflected everywhere, oldest first (single ones inline in `latest`). */
  private readonly acked = new PendingAcks(this.latest);
  /** The last verdict (reused: read it before the next read is judged). */
  private readonly v: ReadVerdict = { stale: false, stalenessUs: 0, versionsBehind: 0, ryw: false, monotonic: false, tUs: -1, consistent: true };

  constructor(sessionCount: number, private readonly regions: number, private readonly reflects: Reflects) {
    this.lastWriteRow = new Int32Array(sessionCount).fill(-1);
    this.lastWrite = new Float64Array(sessionCount);
    this.lastWriteAckUs = new Float64Array(sessionCount);
    this.recent = new RecentReads(sessionCount);
  }

  private everywhere(row: number, w: number): boolean {
    for (let r = 0; r < this.regions; r++) if (!this.reflects(r, row, w)) return false;
    return true;
  }

  /** Write `w` of `row` by `session` was acknowledged at `ackUs`. */
  onAck(session: number, row: number, w: number, ackUs: number): void {
    this.lastWriteRow[session] = row;
    this.lastWrite[session] = w;
    this.lastWriteAckUs[session] = ackUs;
    this.latest.onAck(row, w, ackUs);
    const list = this.acked.entries(row);
    let k = 0;
    for (let i = 0; i < list.length; i += 2) {
      if (this.everywhere(row, list[i] as number)) continue;
      list[k++] = list[i] as number;
      list[k++] = list[i + 1] as number;
    }
    list.length = k;
    if (!this.everywhere(row, w)) list.push(w, ackUs);
    if (list.length > 2 * MAX_PER_ROW) list.splice(0, 2);
    this.acked.store(row, list);
  }

  /** Judges a read of `row` at region `r` that began at `startUs` and returned `version`. */
  onRead(r: number, session: number, row: number, version: number, startUs: number): ReadVerdict {
    let behind = 0;
    let oldest = Infinity;
    const list = this.acked.entries(row);
    for (let i = 0; i < list.length; i += 2) {
      const ack = list[i + 1] as number;
      if (ack < startUs && !this.reflects(r, row, list[i] as number)) {
        behind++;
        if (ack < oldest) oldest = ack;
      }
    }
    const v = this.v;
    v.stale = behind > 0;
    v.versionsBehind = behind;
    v.stalenessUs = behind > 0 ? startUs - oldest : 0;
    v.ryw = this.lastWriteRow[session] === row && (this.lastWriteAckUs[session] as number) < startUs && !this.reflects(r, row, this.lastWrite[session] as number);
    v.monotonic = false;
    const recent = this.recent;
    let slot = recent.find(session, row);
    if (slot >= 0) {
      const prev = recent.version(slot);
      if (prev !== 0 && !this.reflects(r, row, prev)) v.monotonic = true;
    } else slot = recent.claim(session, row);
    if (!v.monotonic) recent.setVersion(slot, version);
    const latest = this.latest;
    const ref = latest.reference(row, startUs, false);
    v.tUs = ref === 0 ? -1 : startUs - latest.refAckUs;
    v.consistent = ref === 0 || this.reflects(r, row, ref);
    return v;
  }
}
