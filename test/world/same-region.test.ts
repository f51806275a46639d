// Every same-region request follows the network's one rule (sim/world/network.ts,
// sampleDelayUs): it travels half the intra-region RTT plus the receiving
// process's hop overhead to its node, and its answer travels back the same
// way. Clients in one region, intraRegionRtt 10 ms, hopOverhead a constant 2 ms, no
// jitter: every leg is 5 + 2 = 7 ms, so
//   single-primary, active-active, region-pinned: a write or read is a
//     request leg and an answer leg: 14 ms;
//   consensus, 3 voters in the region: request 7, append to a follower 7,
//     its answer 7, durability 0.05 ms (applyTime), answer 7 → 28.05 ms a write;
//   leaderless, 3 replicas, QUORUM: request 7, write leg 7 + the replica's
//     service time (50 µs), ack 7, answer 7 → 28.05 ms a write.
// A topology that served a same-region request the moment it was issued, or
// answered it without the rule, would show 7 ms less (or 5 without the hop).
import { describe, expect, it } from 'vitest';
import { base, merge, run, type Spec } from '../helpers/scenario.ts';

const oneRegion = (topology: Spec): Spec =>
  merge(base('same-region'), {
    duration: '5s',
    // B, 200 ms away, holds nothing A's clients use: every request stays in A.
    network: { rtt: { A: { B: '200ms' } }, intraRegionRtt: '10ms', hopOverhead: '2ms' },
    topology,
    workload: { remoteShare: 0, regions: { A: { writes: '50/s', reads: '50/s' } } },
  });

const cases: Array<{ name: string; topology: Spec; write: number; read?: number }> = [
  { name: 'single-primary', topology: {}, write: 14, read: 14 },
  { name: 'active-active', topology: { kind: 'active-active' }, write: 14, read: 14 },
  { name: 'region-pinned', topology: { kind: 'region-pinned' }, write: 14, read: 14 },
  { name: 'consensus', topology: { kind: 'consensus', consensus: { voters: { A: 3, B: 0 } } }, write: 28.05 },
  { name: 'leaderless', topology: { kind: 'leaderless', leaderless: { replicas: { A: 3, B: 0 }, write: 'QUORUM', read: 'QUORUM' } }, write: 28.05 },
];

describe('same-region requests travel the network\'s rule, in every topology', () => {
  for (const c of cases) {
    it(`${c.name}: write p50 ${c.write} ms${c.read !== undefined ? `, read p50 ${c.read} ms` : ''}`, () => {
      const s = run(oneRegion(c.topology)).summary;
      expect(s.metrics.writes.acked).toBeGreaterThan(100);
      const w = s.metrics.writes.latencyMs;
      expect(Math.abs(w.p50 - c.write) / c.write, `write p50 ${w.p50} ms`).toBeLessThanOrEqual(0.002);
      expect(w.mean, `write mean ${w.mean} ms`).toBeGreaterThanOrEqual(c.write * 0.998);
      if (c.read !== undefined) {
        const r = s.metrics.reads.latencyMs;
        expect(Math.abs(r.p50 - c.read) / c.read, `read p50 ${r.p50} ms`).toBeLessThanOrEqual(0.002);
      }
    });
  }
});
