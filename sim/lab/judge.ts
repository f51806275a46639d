// Judging a real run's acknowledged writes once the cluster has converged:
// RPO (docs/metrics.md: an acknowledged write no surviving node holds — its id is not
// in the write log of the primary every node now follows) and split-brain
// (writes acknowledged by a node of an older epoch after a newer primary
// took over are divergent; occurrences are the intervals in which two
// epochs' primaries acknowledged writes, as the ledger defines them). Fills the simulator's own Ledger, so the summary is built by the
// same code as a simulated run's. Pure: no I/O.
import { Ledger } from '../measure/ledger.ts';
import type { AckedWrite } from './clients.ts';

export interface Judgement {
  ledger: Ledger;
  /** Lost acknowledged writes charged to each failover (by the failover whose promotion followed their ack). */
  lostPerFailover: Array<{ lostAckedWrites: number; lostBytes: number }>;
}

/**
 * `acked`: every write a client got an ack for; `surviving`: ids in the final
 * primary's write log; `epochStartUs`: when each epoch's primary was promoted;
 * `failoverPromotedUs`: promotion time of each failover, in order.
 */
export function judgeWrites(acked: readonly AckedWrite[], surviving: ReadonlySet<number>, epochStartUs: ReadonlyMap<number, number>, failoverPromotedUs: readonly number[]): Judgement {
  const ledger = new Ledger(undefined);
  const t = ledger.total;
  const lostPerFailover = failoverPromotedUs.map(() => ({ lostAckedWrites: 0, lostBytes: 0 }));
  for (const [epoch, atUs] of [...epochStartUs].sort((a, b) => a[0] - b[0])) ledger.epochBegan(0, epoch, atUs);
  for (const w of acked) {
    if (!surviving.has(w.id)) {
      t.lostAckedWrites++;
      t.lostBytes += w.bytes;
      if (w.ackUs < t.firstAckUs) t.firstAckUs = w.ackUs;
      if (w.ackUs > t.lastAckUs) t.lastAckUs = w.ackUs;
      // Charged to the first failover promoted after the ack (else the last one).
      let k = failoverPromotedUs.findIndex((p) => p >= w.ackUs);
      if (k < 0) k = failoverPromotedUs.length - 1;
      const f = lostPerFailover[k];
      if (f) {
        f.lostAckedWrites++;
        f.lostBytes += w.bytes;
      }
    }
    // Deposed writes and split-brain by the ledger's own rules (sim/measure/ledger.ts), on ack times.
    if (w.epoch > 0) ledger.primaryAck(0, w.epoch, w.ackUs, w.ackUs, w.node, w.id);
  }
  return { ledger, lostPerFailover };
}
