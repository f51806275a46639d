// DNS for the primary's address, and each region's router cache of it.
// DNS is a global service that partitions do not cut; a router caches the
// answer for dnsTtl and re-resolves early only when a request to the cached
// primary failed (refused, or unanswered within the client timeout). So
// after a failover, clients that still reach the old primary keep writing
// to it until their cache expires — the window fencing closes.
// Knows nothing of nodes or requests; callers pass region indices and time.

interface RouterCache {
  primary: number;
  expiresUs: number;
}

export class PrimaryDns {
  /** What DNS says the primary is (region index). */
  primary: number;
  private readonly routers: RouterCache[];

  constructor(regionCount: number, primary: number, private readonly ttlUs: number) {
    this.primary = primary;
    this.routers = Array.from({ length: regionCount }, () => ({ primary, expiresUs: ttlUs }));
  }

  /** The primary as region `r`'s router sees it at `nowUs` (refreshed when its cache expired). */
  resolve(r: number, nowUs: number): number {
    const c = this.routers[r] as RouterCache;
    if (nowUs >= c.expiresUs) {
      c.primary = this.primary;
      c.expiresUs = nowUs + this.ttlUs;
    }
    return c.primary;
  }

  /** A request from region `r` to `failed` failed: if that is the cached primary, re-resolve on the next request. */
  invalidate(r: number, failed: number, nowUs: number): void {
    const c = this.routers[r] as RouterCache;
    if (c.primary === failed) c.expiresUs = nowUs;
  }
}
