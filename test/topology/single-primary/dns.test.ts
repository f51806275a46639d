// The primary's DNS and the routers' caches: a cache holds its answer for the
// TTL, a failed request to the cached primary forces the next lookup, and a
// failure against some other node does not.
import { describe, expect, it } from 'vitest';
import { PrimaryDns } from '../../../sim/topology/single-primary/dns.ts';

describe('PrimaryDns', () => {
  it('routers keep the old primary until their cache expires', () => {
    const dns = new PrimaryDns(3, 0, 30_000_000);
    expect(dns.resolve(1, 1_000_000)).toBe(0);
    dns.primary = 2; // failover at 5 s
    expect(dns.resolve(1, 5_000_000)).toBe(0); // cached until 30 s
    expect(dns.resolve(1, 29_999_999)).toBe(0);
    expect(dns.resolve(1, 30_000_000)).toBe(2);
    expect(dns.resolve(1, 59_000_000)).toBe(2); // refreshed at 30 s, valid to 60 s
  });

  it('a failed request to the cached primary re-resolves at once; one to another node does not', () => {
    const dns = new PrimaryDns(2, 0, 30_000_000);
    dns.primary = 1;
    dns.invalidate(0, 1, 2_000_000); // failed against node 1: not what region 0 caches
    expect(dns.resolve(0, 2_000_001)).toBe(0);
    dns.invalidate(0, 0, 3_000_000);
    expect(dns.resolve(0, 3_000_000)).toBe(1);
    expect(dns.resolve(1, 3_000_000)).toBe(0); // region 1's cache is its own
  });
});
