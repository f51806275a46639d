// Commit latency of a Raft group is the leader's round trip to its nearest
// quorum plus the durability time (hand-derived from the placement and the
// docs/references.md RTTs; no jitter, so the p50 is that number).
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers/scenario.ts';
import { AP, consensusSpec, DURABLE_MS, EU, RTT_MS, US } from './helpers.ts';

const load = { [US]: { writes: '200/s' }, [EU]: { writes: '100/s' }, [AP]: { writes: '50/s' } };

function commitP50(voters: Record<string, number>): number {
  const s = run(consensusSpec({ topology: { consensus: { voters } }, workload: { regions: load } })).summary;
  expect(s.invariantViolations).toEqual([]);
  const c = s.metrics.consensus;
  if (!c) throw new Error('no metrics.consensus');
  expect(Object.keys(c.commitLatencyMs)).toEqual([US]);
  return (c.commitLatencyMs[US] as { p50: number }).p50;
}

describe('consensus commit latency', () => {
  it('3 voters (us-east-1, eu-west-1, ap-southeast-1), leader us-east-1: RTT to eu-west-1 + durability', () => {
    // Quorum 2 of 3: the leader and its nearest follower, eu-west-1 at 75 ms.
    const expected = RTT_MS.usEu + DURABLE_MS;
    expect(Math.abs(commitP50({ [US]: 1, [EU]: 1, [AP]: 1 }) - expected) / expected).toBeLessThan(0.05);
  });

  it('5 voters 2 + 2 + 1, leader us-east-1: still the RTT to eu-west-1 + durability', () => {
    // Quorum 3 of 5: the leader, the other us-east-1 voter (1 ms) and one eu-west-1 voter (75 ms).
    const expected = RTT_MS.usEu + DURABLE_MS;
    expect(Math.abs(commitP50({ [US]: 2, [EU]: 2, [AP]: 1 }) - expected) / expected).toBeLessThan(0.05);
  });

  it('ZONE survival (3 voters in us-east-1): the intra-region RTT + durability', () => {
    // Quorum 2 of 3, all in one region: 1 ms apart.
    const expected = 1 + DURABLE_MS;
    expect(Math.abs(commitP50({ [US]: 3 }) - expected) / expected).toBeLessThan(0.05);
  });

  it('a client in another region pays its RTT to the leader on top of commit', () => {
    // eu-west-1 clients only: 75 ms to the leader and back, then the 75 ms commit.
    const s = run(consensusSpec({ workload: { regions: { [EU]: { writes: '100/s' } } } })).summary;
    const expected = RTT_MS.usEu + RTT_MS.usEu + DURABLE_MS;
    expect(Math.abs(s.metrics.writes.latencyMs.p50 - expected) / expected).toBeLessThan(0.05);
  });

  it('same seed ⇒ byte-identical summary', () => {
    const spec = consensusSpec({ workload: { regions: { [US]: { writes: '100/s', reads: '100/s' }, [AP]: { writes: '50/s', reads: '50/s' } } }, faults: [{ at: '10s', for: '5s', crash: { region: US } }] });
    expect(JSON.stringify(run(spec, { seed: 3 }).summary)).toBe(JSON.stringify(run(spec, { seed: 3 }).summary));
  });
});
