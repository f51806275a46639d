// metrics.traffic and metrics.cost, derived by hand (docs/metrics.md,
// "Traffic" and "Cost"). Sizes: a WAL batch is its records' row bytes plus a
// 64-byte header and is answered by a 32-byte status; a Raft append is its
// entries' bytes plus a 64-byte header, answered by a 64-byte message; a
// client request or leaderless leg is 64 bytes plus the row it carries.
import { describe, expect, it } from 'vitest';
import { base, merge, run, type Spec } from '../helpers/scenario.ts';
import type { Summary, TrafficLink } from '../../sim/scenario/summary-types.ts';
import { costSummary } from '../../sim/measure/traffic.ts';

const ROW = 100;
const HEADER = 64;

function link(s: Summary, source: string, target: string): TrafficLink {
  const l = s.metrics.traffic?.links.find((x) => x.source === source && x.target === target);
  if (!l) throw new Error(`no link ${source}->${target}`);
  return l;
}

const bytes = (l: TrafficLink) => l.replicationBytes + l.clientBytes + l.controlBytes;

const threeRegions: Spec = {
  regions: [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
  network: { rtt: { A: { B: '20ms', C: '40ms' }, B: { C: '30ms' } } },
};

describe('traffic', () => {
  it('single-primary, async, every commit shipped: each replica receives exactly writes × (row + 64 B header), and answers each batch with 32 B', () => {
    const s = run(merge(base('traffic-sp'), { ...threeRegions, duration: '20s', workload: { regions: { A: { writes: '50/s' } } } })).summary;
    const w = s.metrics.writes.total;
    expect(w).toBeGreaterThan(900);
    for (const r of ['B', 'C']) {
      expect(link(s, 'A', r)).toEqual({ source: 'A', target: r, replicationBytes: w * (ROW + HEADER), clientBytes: 0, controlBytes: 0 });
      // One status per batch received; a batch still in flight at the end has none yet.
      const acks = link(s, r, 'A').replicationBytes / 32;
      expect(Number.isInteger(acks)).toBe(true);
      expect(acks).toBeGreaterThanOrEqual(w - 2);
      expect(acks).toBeLessThanOrEqual(w);
    }
    expect(bytes(link(s, 'B', 'C')) + bytes(link(s, 'C', 'B'))).toBe(0);
    // Clients write in A, at the primary: a request (row + 64) and an answer (64) inside A.
    expect(s.metrics.traffic?.intraRegionBytes).toBe(w * (ROW + HEADER + HEADER));
    expect(s.metrics.traffic?.crossRegionBytes).toBe(s.metrics.traffic?.links.reduce((a, l) => a + bytes(l), 0));
    expect(s.metrics.traffic?.crossRegionBytesPerSecond).toBeCloseTo((s.metrics.traffic?.crossRegionBytes ?? 0) / 20, 3);
  });

  it('a five-voter consensus group ships each write entry four times: one append per follower, each the entry plus a header', () => {
    const ids = ['A', 'B', 'C', 'D', 'E'];
    const rtt: Record<string, Record<string, string>> = {};
    ids.forEach((a, i) => ids.slice(i + 1).forEach((b) => ((rtt[a] ??= {})[b] = '20ms')));
    const spec = merge(base('traffic-raft'), {
      duration: '20s', regions: ids.map((id) => ({ id })), network: { rtt },
      topology: { kind: 'consensus', primary: 'A' },
      // 10 writes/s against a 20 ms round trip: every append carries one entry.
      workload: { regions: { A: { writes: '10/s' } } },
    });
    const s = run(spec).summary;
    const w = s.metrics.writes.total;
    expect(w).toBeGreaterThan(150);
    const out = ['B', 'C', 'D', 'E'].map((r) => link(s, 'A', r).replicationBytes);
    // Each follower: w entries of 100 B, plus the new leader's empty entry, each append with a 64 B header.
    for (const b of out) expect(b).toBe(w * (ROW + HEADER) + HEADER);
    expect(out.reduce((a, b) => a + b, 0)).toBe(4 * (w * (ROW + HEADER) + HEADER));
    // Each follower answers each append with 64 B (replication); heartbeats and their answers are control.
    for (const r of ['B', 'C', 'D', 'E']) {
      expect(link(s, r, 'A').replicationBytes).toBe((w + 1) * HEADER);
      expect(link(s, 'A', r).controlBytes % HEADER).toBe(0);
      expect(link(s, 'A', r).controlBytes).toBeGreaterThan(0);
    }
    // Followers never talk to each other without an election.
    for (const a of ['B', 'C', 'D', 'E']) for (const b of ['B', 'C', 'D', 'E']) if (a !== b) expect(bytes(link(s, a, b))).toBe(0);
  });

  it('leaderless QUORUM reads with readFanout: all ask every replica: N − 1 remote requests of 64 B per read, each answered with the row', () => {
    const spec = merge(base('traffic-leaderless'), {
      ...threeRegions, duration: '20s',
      topology: { kind: 'leaderless', leaderless: { write: 'QUORUM', read: 'QUORUM', readFanout: 'all', readRepair: 0 } },
      workload: { regions: { A: { reads: '50/s' } } },
    });
    const s = run(spec).summary;
    const reads = s.metrics.reads.total;
    expect(reads).toBeGreaterThan(900);
    // Every read asks B and C (64 B each) and each answers with the row; a read still in flight at the end
    // (at 50/s against 20–40 ms round trips, at most a few) has left but is not in reads.total yet.
    const asked = link(s, 'A', 'B').clientBytes / HEADER;
    expect(Number.isInteger(asked)).toBe(true);
    expect(asked).toBeGreaterThanOrEqual(reads);
    expect(asked).toBeLessThanOrEqual(reads + 3);
    for (const r of ['B', 'C']) {
      expect(link(s, 'A', r)).toEqual({ source: 'A', target: r, replicationBytes: 0, clientBytes: asked * HEADER, controlBytes: 0 });
      const answered = link(s, r, 'A').clientBytes / (ROW + HEADER);
      expect(Number.isInteger(answered)).toBe(true);
      expect(answered).toBeGreaterThanOrEqual(reads);
      expect(answered).toBeLessThanOrEqual(asked);
    }
  });

  it('a partition stops the bytes on the cut links and only there', () => {
    const spec = merge(base('traffic-partition'), {
      ...threeRegions, duration: '20s',
      workload: { regions: { A: { writes: '50/s' } } },
      faults: [{ at: '0s', partition: { groups: [['A', 'C'], ['B']] } }],
    });
    const s = run(spec).summary;
    for (const [a, b] of [['A', 'B'], ['B', 'A'], ['B', 'C'], ['C', 'B']] as const) expect(bytes(link(s, a, b))).toBe(0);
    expect(link(s, 'A', 'C').replicationBytes).toBe(s.metrics.writes.total * (ROW + HEADER));
  });

  it('every topology reports traffic; a run is byte-identical with or without costs except for metrics.cost', () => {
    const plain = run(merge(base('traffic-cost'), { ...threeRegions, duration: '5s', workload: { regions: { A: { writes: '20/s', reads: '20/s' }, B: { reads: '20/s' } } } })).summary;
    const priced = run(merge(base('traffic-cost'), {
      ...threeRegions, duration: '5s', workload: { regions: { A: { writes: '20/s', reads: '20/s' }, B: { reads: '20/s' } } },
      costs: { transferPerGB: 0.02, pairs: { A: { C: 0.09 } }, intraRegionPerGB: 0.01, nodePerHour: { A: 1, B: 0.5 } },
    })).summary;
    const { cost, ...rest } = priced.metrics;
    expect(rest).toEqual(plain.metrics);
    expect(plain.metrics.cost).toBeUndefined();
    expect(cost).toBeDefined();
  });
});

describe('cost', () => {
  const traffic = {
    links: [
      { source: 'A', target: 'B', replicationBytes: 2e9, clientBytes: 0, controlBytes: 0 },
      { source: 'B', target: 'A', replicationBytes: 0, clientBytes: 5e8, controlBytes: 5e8 },
      { source: 'A', target: 'C', replicationBytes: 1e9, clientBytes: 0, controlBytes: 0 },
      { source: 'C', target: 'A', replicationBytes: 0, clientBytes: 0, controlBytes: 0 },
      { source: 'B', target: 'C', replicationBytes: 0, clientBytes: 0, controlBytes: 0 },
      { source: 'C', target: 'B', replicationBytes: 0, clientBytes: 0, controlBytes: 0 },
    ],
    crossRegionBytes: 4e9, crossRegionBytesPerSecond: 4e9 / 3600, intraRegionBytes: 1e10,
  };
  const ids = ['A', 'B', 'C'];

  it('prices each pair (its own price in either order, else the default), bytes inside regions, and hosts per hour; a month is 30 days', () => {
    const costs = { transferPerGB: 0.02, fromRegionPerGB: {}, pairs: { C: { A: 0.09 } }, intraRegionPerGB: 0.01, nodePerHour: { A: 1, B: 0.5 } };
    // One hour: A→B 2 GB × 0.02 + B→A 1 GB × 0.02 + A→C 1 GB × 0.09 (the pair listed as C, A) + 10 GB inside × 0.01 = 0.04 + 0.02 + 0.09 + 0.1 = 0.25.
    // Hosts: A 2 × 1 + B 1 × 0.5 + C 1 × 0 (unlisted) = 2.5 per hour.
    const c = costSummary(costs, traffic, [2, 1, 1], ids, 3_600_000_000);
    expect(c.transferPerMonth).toBeCloseTo(0.25 * 720, 6);
    expect(c.nodesPerMonth).toBeCloseTo(2.5 * 720, 6);
    expect(c.run).toBeCloseTo(0.25 + 2.5, 6);
    expect(c.perMonth).toBeCloseTo(0.25 * 720 + 2.5 * 720, 6);
  });

  it('a source region\'s price applies to what leaves it, unless the pair has its own', () => {
    const costs = { transferPerGB: 0.02, fromRegionPerGB: { A: 0.09 }, pairs: { A: { C: 0.05 } }, intraRegionPerGB: 0, nodePerHour: {} };
    // A→B 2 GB × 0.09 (A's price) + B→A 1 GB × 0.02 (default) + A→C 1 GB × 0.05 (the pair) = 0.18 + 0.02 + 0.05.
    expect(costSummary(costs, traffic, [1, 1, 1], ids, 3_600_000_000).run).toBeCloseTo(0.25, 9);
  });

  it('a run of 10 minutes projects its transfer ×4320 to a month', () => {
    const c = costSummary({ transferPerGB: 0.01, fromRegionPerGB: {}, pairs: {}, intraRegionPerGB: 0, nodePerHour: {} }, traffic, [1, 1, 1], ids, 600_000_000);
    expect(c.run).toBeCloseTo(0.04, 9);
    expect(c.transferPerMonth).toBeCloseTo(0.04 * 4320, 6);
    expect(c.nodesPerMonth).toBe(0);
  });
});
