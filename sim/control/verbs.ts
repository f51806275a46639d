// The verbs the failover controller and rejoin use on a single-primary
// topology. The topology owns epoch, roles, fencing, DNS and channels; control
// changes them only through these.
import type { DbNode } from '../db/node.ts';
import type { Channel } from '../db/channel.ts';

export interface PrimaryControl {
  readonly nodes: readonly DbNode[];
  node(region: number): DbNode;
  /** The region DNS names as primary. */
  readonly primaryRegion: number;
  /** The current epoch (the newest promotion's). */
  readonly epoch: number;
  /** Starts a new epoch with `cand` as its primary (unfenced); returns the epoch. */
  promote(cand: DbNode): number;
  /** `n` becomes a replica of the current epoch; its channels close if it was a primary. */
  demote(n: DbNode): void;
  /** DNS now names `region` as primary (routers see it once their cache expires). */
  repoint(region: number): void;
  /** Opens channels from `source` (a primary) to every other node. */
  openChannels(source: DbNode): Channel[];
  /** Closes every channel out of region `source`. */
  closeChannels(source: number): void;
  /** Adds (or replaces) the channel from `primary` to `n`, keeping the primary's others. */
  attach(n: DbNode, primary: DbNode): Channel | undefined;
}
