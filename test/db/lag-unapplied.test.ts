// Replication lag counts writes a replica never applied, by their age at the
// end of the run (README, "Replication lag"). A channel that never delivers
// must show the largest lag, not none.
//
// World (test/helpers/scenario.ts base): A (primary) → B, one-way 1 ms,
// shipInterval 0, 100-byte rows, no failover. Here the link carries 1 B/s, so
// the first 100-byte record alone takes 100 s to serialise and B receives
// nothing in the 10 s run. Writes are issued at a constant 10/s: the k-th at
// k × 100 ms, k = 1..99 (the 100th would be at 10 s, the end), and each is
// committed on A half the 1 ms intra-region RTT later. None is ever applied,
// so each counts with its age at the end, 10 s − k × 0.1 s − 0.5 ms:
//   count 99, mean = 10 − 0.1 × (1 + ... + 99)/99 − 0.0005 = 4.9995 s,
//   max = 10 − 0.1 − 0.0005 = 9.8995 s, min = 0.0995 s.
// Before this rule the summary said 0 ms of lag for this run.
import { describe, expect, it } from 'vitest';
import { base, merge, replayCommand, run } from '../helpers/scenario.ts';

describe('lag counts writes never applied, by their age at the end of the run', () => {
  const spec = merge(base('lag-never-applied'), {
    duration: '10s',
    network: { bandwidth: '1B/s' },
    workload: { arrivals: 'constant', regions: { A: { writes: '10/s' } } },
  });
  it('a link that never delivers: 99 writes, lag mean 4999.5 ms, max 9899.5 ms (hand-derived)', () => {
    const { summary } = run(spec);
    const why = `replay: ${replayCommand(spec, summary.seed)}`;
    const m = summary.metrics;
    expect(m.writes.acked, why).toBe(99);
    const lag = m.replication.lagMs;
    expect(lag.mean, why).toBeCloseTo(4999.5, 0);
    expect(lag.max, why).toBeCloseTo(9899.5, 0);
    expect(lag.p99, why).toBeGreaterThanOrEqual(9800);
    const ch = m.replication.channels.find((c) => c.source === 'A' && c.target === 'B');
    expect(ch?.lagMs.mean, why).toBe(lag.mean);
    expect(ch?.applied, 'none was applied').toBe(0);
  });
  it('writes applied before the end count as before: apply − commit', () => {
    // Same writes over a 10 TB/s link: each is applied 1 ms (one way) + 50 µs (apply) after its commit.
    const fast = merge(spec, { network: { bandwidth: '10TB/s' } });
    const { summary } = run(fast);
    const lag = summary.metrics.replication.lagMs;
    expect(lag.mean, `replay: ${replayCommand(fast, summary.seed)}`).toBeCloseTo(1.05, 2);
    expect(summary.metrics.replication.channels[0]?.applied).toBe(99);
  });
});
