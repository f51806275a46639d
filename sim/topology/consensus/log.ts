// The Raft log of a consensus group, in two parts:
//
// - EntryTable: every entry ever proposed, by entry id (a run-wide counter,
//   so ids grow along any log and double as row versions): its term, row,
//   bytes, the leader-clock timestamp it was proposed at, the true time it
//   was proposed and the proposing leader's region. Entries are immutable
//   once proposed.
// - ReplicaLog: one replica's log, a list of entry ids by log index (from 1),
//   stored in a growable Int32Array. Appending, truncating a conflicting
//   suffix and reading the term at an index are O(1).
//
// Owns no protocol: raft.ts decides what to append and when to truncate.

/** A no-op entry (a new leader's first entry) writes no row. */
export const NO_ROW = -1;

/** `a`, or a copy of it doubled until it holds `need` elements. */
export function grow<T extends Int32Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = a.length;
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Every proposed entry, by id (ids start at 1). */
export class EntryTable {
  private termA = new Int32Array(1024);
  private rowA = new Int32Array(1024);
  private bytesA = new Int32Array(1024);
  private tsA = new Float64Array(1024);
  private proposeA = new Float64Array(1024);
  private regionA = new Int32Array(1024);
  /** Ids handed out so far (the last id). */
  count = 0;

  /** Records a new entry; returns its id. */
  add(term: number, row: number, bytes: number, tsUs: number, proposeUs: number, leaderRegion: number): number {
    const id = ++this.count;
    const need = id + 1;
    if (need > this.termA.length) {
      this.termA = grow(this.termA, need);
      this.rowA = grow(this.rowA, need);
      this.bytesA = grow(this.bytesA, need);
      this.tsA = grow(this.tsA, need);
      this.proposeA = grow(this.proposeA, need);
      this.regionA = grow(this.regionA, need);
    }
    this.termA[id] = term;
    this.rowA[id] = row;
    this.bytesA[id] = bytes;
    this.tsA[id] = tsUs;
    this.proposeA[id] = proposeUs;
    this.regionA[id] = leaderRegion;
    return id;
  }

  term(id: number): number { return this.termA[id] as number; }
  row(id: number): number { return this.rowA[id] as number; }
  bytes(id: number): number { return this.bytesA[id] as number; }
  /** The proposing leader's clock when it proposed the entry, µs. */
  tsUs(id: number): number { return this.tsA[id] as number; }
  /** True time of the proposal, µs. */
  proposeUs(id: number): number { return this.proposeA[id] as number; }
  /** Region of the leader that proposed it. */
  region(id: number): number { return this.regionA[id] as number; }
}

/** One replica's log: entry ids by index 1..lastIndex. */
export class ReplicaLog {
  private ids = new Int32Array(1024);
  /** Index of the last entry (0: empty). */
  lastIndex = 0;

  constructor(private readonly entries: EntryTable) {}

  /** The entry id at `index` (1..lastIndex); 0 outside. */
  idAt(index: number): number {
    return index >= 1 && index <= this.lastIndex ? (this.ids[index] as number) : 0;
  }

  /** The term of the entry at `index`; 0 for index 0 and outside the log. */
  termAt(index: number): number {
    const id = this.idAt(index);
    return id === 0 ? 0 : this.entries.term(id);
  }

  get lastTerm(): number {
    return this.termAt(this.lastIndex);
  }

  append(id: number): number {
    const i = this.lastIndex + 1;
    if (i >= this.ids.length) this.ids = grow(this.ids, i + 1);
    this.ids[i] = id;
    this.lastIndex = i;
    return i;
  }

  /** Drops every entry after `index`. */
  truncateAfter(index: number): void {
    if (index < this.lastIndex) this.lastIndex = Math.max(0, index);
  }

  /** The ids from `from` to `to` inclusive (clamped to the log). */
  slice(from: number, to: number): number[] {
    const out: number[] = [];
    const hi = Math.min(to, this.lastIndex);
    for (let i = Math.max(1, from); i <= hi; i++) out.push(this.ids[i] as number);
    return out;
  }

  /**
   * Raft's election restriction: a candidate's log (lastTerm, lastIndex) is
   * at least as up-to-date as this one.
   */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm;
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex);
  }
}
