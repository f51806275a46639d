// Sharding a grid across machines: `--shard i/n` runs the grid items whose
// index % n == i, with i counted from 0 (so 0/2 and 1/2 together are the
// whole grid). Pure.
import { InputError } from '../core/errors.ts';

export interface Shard {
  /** This shard's number, 0 ≤ index < count. */
  index: number;
  count: number;
}

/** Parses `i/n` (0 ≤ i < n). Throws InputError otherwise. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new InputError(`--shard ${text}: expected i/n with 0 ≤ i < n, e.g. --shard 0/4 (shards count from 0)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count || !Number.isSafeInteger(count)) throw new InputError(`--shard ${text}: expected i/n with 0 ≤ i < n (shards count from 0), e.g. 0/${Math.max(2, count)}`);
  return { index, count };
}

/** True if grid item `gridIndex` belongs to `shard` (every item when there is no shard). */
export function inShard(gridIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || gridIndex % shard.count === shard.index;
}

/** `i/n`. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
