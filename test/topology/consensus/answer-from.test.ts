// topology.consensus.answerFrom: local (etcd) — a write a client sends to a
// follower of its own region is forwarded to the leader and answered by that
// follower once the commit index has reached it and it applied the entry;
// the leader sends the raised commit index at once (etcd's raft broadcasts an
// append after each commit). Hand-derived for three regions A, B, C with RTT
// A–B 70 ms, A–C 150 ms, B–C 160 ms, leader in A, 1 ms within a region, 50 µs
// durability per entry, no jitter:
//   A (the leader's own region): request 0.5 + quorum A+B = 70 + 0.05 + answer 0.5 → 71.05 ms
//   B: request 0.5 + forward 35 + quorum 70.05 + commit index back 35 + answer 0.5 → 141.05 ms
//   C: request 0.5 + forward 75 + quorum 70.05 + commit index back 75 + answer 0.5 → 221.05 ms
// Leader-answered, a client in B or C sends to the leader directly (35 or
// 75 ms) and its reply takes the same one-way trip as the commit index:
// 140.05 and 220.05 ms, 1 ms less (the two legs to and from the local
// member); what differs besides is who answers when the leader changes or
// the follower is cut off, tested below.
import { describe, expect, it } from 'vitest';
import { run, type Spec } from '../../helpers/scenario.ts';
import { AP, consensusSpec, EU, US } from './helpers.ts';

// The helpers' regions, with this derivation's RTTs.
const A = US;
const B = EU;
const C = AP;

function spec(answerFrom: 'leader' | 'local', over: Spec = {}, writers: readonly string[] = [A, B, C]): Spec {
  return consensusSpec({
    network: { rtt: { [A]: { [B]: '70ms', [C]: '150ms' }, [B]: { [C]: '160ms' } } },
    topology: { consensus: { leader: A, answerFrom, heartbeatInterval: '100ms', electionTimeout: '1s', leaseDuration: '0s', reads: 'read-index' } },
    workload: { regions: Object.fromEntries(writers.map((r) => [r, { writes: '20/s' }])) },
    ...over,
  });
}

/** Write latency p50 of clients in each region alone (the summary's latency is over all clients). */
function p50ByRegion(answerFrom: 'leader' | 'local'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of [A, B, C]) {
    const s = run(spec(answerFrom, {}, [r])).summary;
    expect(s.invariantViolations).toEqual([]);
    out[r] = s.metrics.writes.latencyMs.p50;
  }
  return out;
}

/** Percentiles come from an HDR histogram with 3 significant digits: within 0.1%. */
function within(got: number | undefined, want: number): void {
  expect(Math.abs((got ?? NaN) - want) / want, `${got} ms, derived ${want} ms`).toBeLessThanOrEqual(0.001);
}

describe('consensus answerFrom', () => {
  it('local: each region\'s write p50 is forward + quorum + commit index back + answer', () => {
    const p = p50ByRegion('local');
    within(p[A], 71.05);
    within(p[B], 141.05);
    within(p[C], 221.05);
  });

  it('leader (default): 1 ms less in B and C when nothing fails (no legs to and from the local member)', () => {
    const p = p50ByRegion('leader');
    within(p[A], 71.05);
    within(p[B], 140.05);
    within(p[C], 220.05);
  });

  it('local: a crash of the leader loses no acknowledged write and the followers answer again under the new leader', () => {
    const s = run(spec('local', { faults: [{ at: '10s', for: '5s', crash: { region: A } }] })).summary;
    expect(s.invariantViolations).toEqual([]);
    expect(s.metrics.rpo.lostAckedWrites).toBe(0);
    const c = s.metrics.consensus;
    if (!c) throw new Error('no metrics.consensus');
    expect(c.leaderChanges).toBeGreaterThanOrEqual(1);
    expect(s.metrics.writes.acked).toBeGreaterThan(0);
  });

  it('same seed ⇒ byte-identical summary', () => {
    const x = spec('local', { faults: [{ at: '10s', for: '5s', crash: { region: A } }] });
    expect(JSON.stringify(run(x, { seed: 5 }).summary)).toBe(JSON.stringify(run(x, { seed: 5 }).summary));
  });
});
