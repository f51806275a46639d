// A first-in first-out queue: an array read from a head index, so taking
// from the front is O(1) and pushing is amortised O(1). The consumed prefix
// is dropped when the queue empties, or once it is at least COMPACT_AT
// entries and half the array, so the memory held stays within twice what is
// queued and each entry is moved at most once on average.
//
// Entries may be objects or, for a queue of fixed-size numeric records, the
// numbers of each record in a row (push them one by one, `drop(stride)`).

/** Consumed entries kept before the array is compacted. */
export const COMPACT_AT = 1024;

export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  /** Entries queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  isEmpty(): boolean {
    return this.head >= this.items.length;
  }

  push(x: T): void {
    this.items.push(x);
  }

  /** The entry `i` places behind the front (0: the front), or undefined past the end. */
  peek(i = 0): T | undefined {
    return this.items[this.head + i];
  }

  /** The newest entry, or undefined when empty. */
  last(): T | undefined {
    return this.head < this.items.length ? this.items[this.items.length - 1] : undefined;
  }

  /** Takes the front entry. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.drop(1);
    return x;
  }

  /** Drops the `n` front entries (at most all of them). */
  drop(n: number): void {
    this.head = Math.min(this.head + n, this.items.length);
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }

  /** The queued entries, front first (a copy). */
  toArray(): T[] {
    return this.items.slice(this.head);
  }

  /** Array slots held, consumed ones included (for tests of the compaction bound). */
  get capacityUsed(): number {
    return this.items.length;
  }
}
