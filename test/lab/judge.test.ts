// Judging a real run's acknowledged writes (RPO and split-brain) and the
// simulated-vs-measured verdicts, on hand-written inputs (hand-derived
// expectations; no PostgreSQL).
import { describe, expect, it } from 'vitest';
import { judgeWrites } from '../../sim/lab/judge.ts';
import { judge } from '../../sim/lab/compare.ts';
import { meanCi95 } from '../../sim/report/stats.ts';
import type { AckedWrite } from '../../sim/lab/clients.ts';

const w = (id: number, node: number, epoch: number, ackUs: number): AckedWrite => ({ id, row: id % 3, bytes: 100, node, epoch, ackUs });

describe('judgeWrites', () => {
  it('counts acknowledged writes missing from the surviving log as lost, charged to the failover that followed them', () => {
    // Epoch 1 on node 0 until the promotion of node 1 at 10 s (epoch 2).
    const acked = [w(1, 0, 1, 1e6), w(2, 0, 1, 9.9e6), w(3, 0, 1, 9.95e6), w(4, 1, 2, 11e6)];
    const j = judgeWrites(acked, new Set([1, 4]), new Map([[1, 0], [2, 10e6]]), [10e6]);
    expect(j.ledger.total.lostAckedWrites).toBe(2);
    expect(j.ledger.total.lostBytes).toBe(200);
    expect(j.ledger.total.lastAckUs - j.ledger.total.firstAckUs).toBe(0.05e6);
    expect(j.lostPerFailover).toEqual([{ lostAckedWrites: 2, lostBytes: 200 }]);
    // No epoch-1 ack at or after 10 s: nothing deposed; spans [1, 9.95] s and [11, 11] s do not overlap.
    expect(j.ledger.splitBrain()).toEqual({ intervals: [], durationUs: 0, divergentWrites: 0 });
  });

  it('writes a zombie of an older epoch acknowledged after the newer primary took over are divergent; the overlap is the occurrence', () => {
    const acked = [w(1, 0, 1, 9e6), w(2, 0, 1, 12e6), w(3, 1, 2, 12.5e6), w(4, 0, 1, 14e6), w(5, 0, 1, 15e6)];
    const j = judgeWrites(acked, new Set([1, 3]), new Map([[1, 0], [2, 10e6]]), [10e6]);
    // Epoch 1's acks at 12, 14, 15 s came after epoch 2 began (10 s): 3 divergent. Spans: epoch 1 [9, 15] s,
    // epoch 2 [12.5, 12.5] s: they overlap at 12.5 s only, one occurrence of length 0.
    expect(j.ledger.splitBrain()).toEqual({ intervals: [{ group: 0, startUs: 12.5e6, endUs: 12.5e6 }], durationUs: 0, divergentWrites: 3 });
    // The zombie's writes were rewound away: RPO loss as well (docs/metrics.md).
    expect(j.ledger.total.lostAckedWrites).toBe(3);
  });
});

describe('lab verdicts (issue 15 tolerances)', () => {
  const sim = meanCi95([35, 35.2, 34.8]);
  it('lag: within ±5 ms of the simulated mean', () => {
    expect(judge({ kind: 'abs', value: 5 }, sim, 39.9).ok).toBe(true);
    expect(judge({ kind: 'abs', value: 5 }, sim, 40.1).ok).toBe(false);
  });
  it('commit latency: within ±10%', () => {
    const s = meanCi95([70, 70, 70]);
    expect(judge({ kind: 'rel', value: 0.1 }, s, 76.9).ok).toBe(true);
    expect(judge({ kind: 'rel', value: 0.1 }, s, 77.1).ok).toBe(false);
  });
  it('lost writes: [0.3×, 2×] of the simulated mean; at most 3 where about none is expected', () => {
    const s = meanCi95([17, 18, 19]);
    expect(judge({ kind: 'loss' }, s, 5.4).ok).toBe(true);
    expect(judge({ kind: 'loss' }, s, 5.3).ok).toBe(false);
    expect(judge({ kind: 'loss' }, s, 36).ok).toBe(true);
    expect(judge({ kind: 'loss' }, s, 37).ok).toBe(false);
    const none = meanCi95([0, 1, 0]);
    expect(judge({ kind: 'loss' }, none, 3).ok).toBe(true);
    expect(judge({ kind: 'loss' }, none, 4).ok).toBe(false);
  });
  it('counts: equal to the rounded simulated mean; info rows never fail', () => {
    expect(judge({ kind: 'equal' }, meanCi95([1, 1, 1]), 1).ok).toBe(true);
    expect(judge({ kind: 'equal' }, meanCi95([1, 1, 1]), 2).ok).toBe(false);
    const info = judge({ kind: 'info' }, sim, 100);
    expect(info.judged).toBe(false);
    expect(info.ok).toBe(true);
  });
});
