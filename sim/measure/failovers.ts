// Failovers in the summary's shape (docs/metrics.md): from the failover records the
// ledger heard of (every topology's: the controller's promotions, a Raft
// group's elections) and the losses and first acks it counted. One
// definition for all: RTO runs from the fault to the first write the new
// epoch's primary or leader acknowledged (none before the run ended: to its
// promotion); the losses are those charged to the failover's tally.
import { round3 } from './histogram.ts';
import type { Ledger } from './ledger.ts';
import type { FailoverSummary } from '../scenario/summary-types.ts';

export function failoverSummaries(ledger: Ledger, ids: readonly string[]): FailoverSummary[] {
  // In the order they started (several groups fail over side by side; ties: by group).
  const recs = ledger.failovers.slice().sort((a, b) => a.startedAtUs - b.startedAtUs || (a.group ?? 0) - (b.group ?? 0));
  return recs.map((f) => {
    const firstAck = ledger.firstAckInEpoch(f.epoch, f.group ?? 0);
    const rtoUs = (firstAck ?? f.completedAtUs) - f.faultAtUs;
    const t = ledger.perFailover[f.tally];
    return {
      from: f.from >= 0 ? (ids[f.from] as string) : '', to: ids[f.to] as string, reason: f.reason,
      startedAtMs: f.startedAtUs / 1000, completedAtMs: f.completedAtUs / 1000, rtoMs: round3(rtoUs / 1000),
      lostAckedWrites: t?.lostAckedWrites ?? 0, lostBytes: t?.lostBytes ?? 0, faultAtMs: f.faultAtUs / 1000, epoch: f.epoch,
      rtoEndsAt: firstAck !== undefined ? 'first-write' : 'promotion',
      ...(f.groupName !== undefined ? { group: f.groupName } : {}),
    };
  });
}
