// Judging a real run's acknowledged writes once the cluster has converged:
// RPO (SPEC §2: an acknowledged write no surviving node holds — its id is not
// in the write log of the primary every node now follows) and split-brain
// (writes acknowledged by a node of an older epoch after a newer primary
// took over: one occurrence per zombie epoch, its span and its divergent
// writes). Fills the simulator's own Ledger, so the summary is built by the
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
    const next = epochStartUs.get(w.epoch + 1);
    if (w.epoch > 0 && next !== undefined && w.ackUs >= next) {
      let ep = ledger.zombieEpisodes.find((e) => e.zombie === w.node && e.epoch === w.epoch);
      if (!ep) {
        ep = { zombie: w.node, epoch: w.epoch, firstAckUs: w.ackUs, lastAckUs: w.ackUs, divergentWrites: 0 };
        ledger.zombieEpisodes.push(ep);
      }
      ep.firstAckUs = Math.min(ep.firstAckUs, w.ackUs);
      ep.lastAckUs = Math.max(ep.lastAckUs, w.ackUs);
      ep.divergentWrites++;
    }
  }
  return { ledger, lostPerFailover };
}
