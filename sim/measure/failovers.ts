// Failovers in the summary's shape (SPEC §4): from the failover records the
// ledger heard of and the losses and first acks it counted.
import type { Ledger } from './ledger.ts';
import type { FailoverSummary } from '../scenario/summary-types.ts';

export function failoverSummaries(ledger: Ledger, ids: readonly string[]): FailoverSummary[] {
  return ledger.failovers.map((f) => {
    // RTO ends at the first write the new primary acknowledges; if none did
    // before the run ended, at the promotion (and the summary says so).
    const firstAck = ledger.firstAckInEpoch.get(f.epoch);
    const rtoUs = (firstAck ?? f.completedAtUs) - f.faultAtUs;
    const t = ledger.perFailover[f.tally];
    return {
      from: ids[f.from] as string, to: ids[f.to] as string, reason: f.reason,
      startedAtMs: f.startedAtUs / 1000, completedAtMs: f.completedAtUs / 1000, rtoMs: rtoUs / 1000,
      lostAckedWrites: t?.lostAckedWrites ?? 0, lostBytes: t?.lostBytes ?? 0, faultAtMs: f.faultAtUs / 1000, epoch: f.epoch,
      rtoEndsAt: firstAck !== undefined ? 'first-write' : 'promotion',
    };
  });
}
