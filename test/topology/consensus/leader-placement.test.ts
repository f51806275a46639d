// topology.consensus.leaderPlacement: preferred (CockroachDB's lease
// preference: leadership returns to consensus.leader's region by a transfer
// once a voter there is healthy) against initial (etcd: the region leads only
// at the start; the leader stays wherever an election put it). A crash of
// the leader's region for 5 s: one election either way; `preferred` adds the
// transfer back after the restart.
import { describe, expect, it } from 'vitest';
import { run } from '../../helpers/scenario.ts';
import { consensusSpec, EU, US } from './helpers.ts';

function leaderChanges(leaderPlacement: 'preferred' | 'initial'): number {
  const s = run(consensusSpec({
    topology: { consensus: { leaderPlacement, heartbeatInterval: '100ms', electionTimeout: '1s', leaseDuration: '0s', reads: 'read-index' } },
    workload: { regions: { [EU]: { writes: '20/s' } } },
    faults: [{ at: '10s', for: '5s', crash: { region: US } }],
  })).summary;
  expect(s.invariantViolations).toEqual([]);
  expect(s.metrics.rpo.lostAckedWrites).toBe(0);
  return (s.metrics.consensus as { leaderChanges: number }).leaderChanges;
}

describe('consensus leaderPlacement', () => {
  it('preferred: the election, then the transfer back to us-east-1', () => {
    expect(leaderChanges('preferred')).toBe(2);
  });

  it('initial: only the election; the new leader keeps leading', () => {
    expect(leaderChanges('initial')).toBe(1);
  });
});
