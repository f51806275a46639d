// Row homes, shared by region-pinned and consensus tables placed
// regional-by-row: a row's home region is its key mod the region count, and
// a region's clients pick rows homed there except `workload.remoteShare` of
// their operations, which pick a row homed in another region (uniformly
// among the others). The key's popularity is kept: the drawn key moves to
// the nearest key of the chosen home.
import type { Rng } from '../core/rng.ts';
import type { KeySpace } from '../world/keys.ts';

/** The home region of `row` among `regionCount` regions. */
export function homeOf(keys: KeySpace, regionCount: number, row: number): number {
  return keys.keyOf(row) % regionCount;
}

/**
 * The key an operation issued in `region` touches, given the drawn `key`:
 * moved to a key homed in `region`, or (with probability remoteShare, one
 * draw from `rng` when there are several regions) in another region.
 */
export function homedKey(keys: KeySpace, regionCount: number, remoteShare: number, region: number, key: number, rng: Rng): number {
  const n = regionCount;
  let home = region;
  if (n > 1 && rng.next() < remoteShare) home = (region + 1 + rng.int(n - 1)) % n;
  let k = key - (key % n) + home;
  if (k >= keys.keyCount) k -= n;
  // Fewer keys than regions and none homed in `home`: the drawn key, homed elsewhere (`home` itself would be
  // past the last key, a row of the next table or of none; found by the scenario fuzzer).
  if (k < 0) k = key;
  return k;
}
