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
// Compaction: an index every replica has applied holds the same committed
// entry on every replica (the safety checks assert it as each applies), so
// whenever its arrays of recent entries are full the table moves that
// common prefix of the logs into one shared array and each log keeps only
// what follows it (the arrays double only when that frees less than half
// of them: a lagging replica holds the prefix back). Of
// the entries before the prefix's last one, only the term (the log's
// termAt) and the bytes (lost writes' bytes) are kept; their row and times
// are dropped (nothing asks for them once every replica has applied them: a
// log's later entries all have higher ids). A log still answers idAt and
// termAt for every index, compacted or not.
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
  // Kept for every id.
  private termA = new Int32Array(1024);
  private bytesA = new Int32Array(1024);
  // Kept from id `windowFrom` on, at [id - windowFrom].
  private windowFrom = 0;
  private rowA = new Int32Array(1024);
  private tsA = new Float64Array(1024);
  private proposeA = new Float64Array(1024);
  private regionA = new Int32Array(1024);
  /** The logs' common applied prefix: entry id by index (1..prefixLength). */
  private prefix = new Int32Array(1024);
  prefixLength = 0;
  private readonly logs: ReplicaLog[] = [];
  /** Ids handed out so far (the last id). */
  count = 0;

  /** Records a new entry; returns its id. */
  add(term: number, row: number, bytes: number, tsUs: number, proposeUs: number, leaderRegion: number): number {
    const id = ++this.count;
    if (id + 1 > this.termA.length) {
      this.termA = grow(this.termA, id + 1);
      this.bytesA = grow(this.bytesA, id + 1);
    }
    if (id - this.windowFrom + 1 > this.rowA.length) this.makeRoom(id);
    const w = id - this.windowFrom;
    this.termA[id] = term;
    this.bytesA[id] = bytes;
    this.rowA[w] = row;
    this.tsA[w] = tsUs;
    this.proposeA[w] = proposeUs;
    this.regionA[w] = leaderRegion;
    return id;
  }

  term(id: number): number { return this.termA[id] as number; }
  bytes(id: number): number { return this.bytesA[id] as number; }
  row(id: number): number { return this.rowA[id - this.windowFrom] as number; }
  /** The proposing leader's clock when it proposed the entry, µs. */
  tsUs(id: number): number { return this.tsA[id - this.windowFrom] as number; }
  /** True time of the proposal, µs. */
  proposeUs(id: number): number { return this.proposeA[id - this.windowFrom] as number; }
  /** Region of the leader that proposed it. */
  region(id: number): number { return this.regionA[id - this.windowFrom] as number; }
  /** Whether the entry's row and times are still kept (every id after the compacted prefix's last). */
  holds(id: number): boolean { return id >= this.windowFrom && id <= this.count; }

  /** A log of this group (each replica's log registers itself). */
  register(log: ReplicaLog): void {
    this.logs.push(log);
  }

  /** The id at `index` of the compacted prefix (0 outside it). */
  prefixId(index: number): number {
    return index >= 1 && index <= this.prefixLength ? (this.prefix[index] as number) : 0;
  }

  /** Compacts; doubles the recent entries' arrays if less than half of them is then free. */
  private makeRoom(id: number): void {
    this.compact();
    const need = id - this.windowFrom + 1;
    if (need * 2 > this.rowA.length) {
      this.rowA = grow(this.rowA, need * 2);
      this.tsA = grow(this.tsA, need * 2);
      this.proposeA = grow(this.proposeA, need * 2);
      this.regionA = grow(this.regionA, need * 2);
    }
  }

  /** Moves the logs' common applied prefix into the shared array, and drops the rows and times of the entries before its last. */
  compact(): void {
    let floor = Infinity;
    for (const l of this.logs) floor = Math.min(floor, l.appliedIndex, l.lastIndex);
    if (!(floor > this.prefixLength)) return;
    const first = this.logs[0] as ReplicaLog;
    this.prefix = grow(this.prefix, floor + 1);
    for (let i = this.prefixLength + 1; i <= floor; i++) this.prefix[i] = first.idAt(i);
    this.prefixLength = floor;
    for (const l of this.logs) l.compactTo(floor);
    // Every log's entries after the prefix have ids above its last one.
    const from = (this.prefix[floor] as number) + 1;
    const shift = from - this.windowFrom;
    if (shift <= 0) return;
    const keep = this.count + 1 - from;
    if (keep > 0) {
      this.rowA.copyWithin(0, shift, shift + keep);
      this.tsA.copyWithin(0, shift, shift + keep);
      this.proposeA.copyWithin(0, shift, shift + keep);
      this.regionA.copyWithin(0, shift, shift + keep);
    }
    this.windowFrom = from;
  }
}

/** One replica's log: entry ids by index 1..lastIndex (those up to `base` in the table's shared prefix). */
export class ReplicaLog {
  /** Ids of indices base+1..lastIndex, at [index - base]. */
  private ids = new Int32Array(1024);
  private base = 0;
  /** Index of the last entry (0: empty). */
  lastIndex = 0;
  /** Highest index this replica has applied (set by the replica; compaction never passes it). */
  appliedIndex = 0;

  constructor(private readonly entries: EntryTable) {
    entries.register(this);
  }

  /** The entry id at `index` (1..lastIndex); 0 outside. */
  idAt(index: number): number {
    if (index > this.lastIndex || index < 1) return 0;
    return index > this.base ? (this.ids[index - this.base] as number) : this.entries.prefixId(index);
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
    const w = i - this.base;
    if (w >= this.ids.length) this.ids = grow(this.ids, w + 1);
    this.ids[w] = id;
    this.lastIndex = i;
    return i;
  }

  /** Drops every entry after `index`. */
  truncateAfter(index: number): void {
    if (index >= this.lastIndex) return;
    this.lastIndex = Math.max(0, index);
    // Into the shared prefix (only when a safety check has already failed): this log's own part starts afresh there.
    if (this.lastIndex < this.base) this.base = this.lastIndex;
  }

  /** Forgets its own copy of indices up to `index` (≤ lastIndex), which the table's shared prefix now holds. */
  compactTo(index: number): void {
    if (index <= this.base) return;
    this.ids.copyWithin(1, index - this.base + 1, this.lastIndex - this.base + 1);
    this.base = index;
  }

  /** The ids from `from` to `to` inclusive (clamped to the log). */
  slice(from: number, to: number): number[] {
    const out: number[] = [];
    const hi = Math.min(to, this.lastIndex);
    for (let i = Math.max(1, from); i <= hi; i++) out.push(this.idAt(i));
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
