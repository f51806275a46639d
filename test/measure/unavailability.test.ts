// Write and read unavailability per client region (docs/metrics.md's
// rto.writeUnavailableMs, and metrics.reads.unavailableMs beside it), on
// hand-written event sequences: each second counts the share of the
// operations invoked in it that failed. Expected numbers derived by hand
// beside each assertion.
import { describe, expect, it } from 'vitest';
import { measured, node, op, ref } from './helpers.ts';

/** The run's end in these tests: after every operation below. */
const END = 10_000_000;

function versions() {
  return measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: false }, { warmupUs: 1_000_000 });
}

describe('unavailability per region', () => {
  it('weights each second by the share of its reads that failed, per region, after warmup', () => {
    const { hub, m } = versions();
    const read = (region: number, invokeUs: number) => op({ write: false, region, row: 1, invokeUs });
    // Second 2 in region 0: 4 reads, 1 failed → 0.25 s. Second 3: 2 reads, both failed → 1 s.
    for (const t of [2_000_000, 2_100_000, 2_200_000]) hub.readServed(read(0, t), 0, t + 500);
    hub.readFailed(read(0, 2_300_000));
    hub.readFailed(read(0, 3_000_000));
    hub.readFailed(read(0, 3_999_999));
    // Region 1: one failed read in second 2 and nothing else → 1 s; a failure during warmup counts nothing.
    hub.readFailed(read(1, 2_500_000));
    hub.readFailed(read(1, 500_000));
    expect(m.recorder.readUnavailableUs(0, END)).toBe(1_250_000);
    expect(m.recorder.readUnavailableUs(1, END)).toBe(1_000_000);
    expect(m.recorder.writeUnavailableUs(0, END)).toBe(0);
  });

  it('counts writes and reads apart: a region whose writes all fail while its reads are served', () => {
    const { hub, m } = versions();
    const n = node(0);
    // Second 5, region 0: 2 writes, 1 acked and 1 failed → 0.5 s of writes; its 3 reads served → 0 s of reads.
    hub.writeAcked(op({ row: 2, invokeUs: 5_000_000 }), 5_000_100, ref(n, 7));
    hub.writeFailed(op({ row: 3, invokeUs: 5_400_000 }));
    for (const t of [5_100_000, 5_200_000, 5_300_000]) hub.readServed(op({ write: false, row: 2, invokeUs: t }), 7, t + 10);
    expect(m.recorder.writeUnavailableUs(0, END)).toBe(500_000);
    expect(m.recorder.readUnavailableUs(0, END)).toBe(0);
  });

  it('a second cut by the warmup or the end counts only its measured part (the fuzzer found 1000 ms in a 500 ms run)', () => {
    const { hub, m } = measured({ oracle: { kind: 'versions', minVisible: () => 0 }, epochs: false }, { warmupUs: 1_500_000 });
    // Second 1 is measured from 1.5 s: its one read failed → 0.5 s. Second 2 ends the run at 2.25 s: 1 of 2 failed → 0.5 × 0.25 s.
    hub.readFailed(op({ write: false, region: 0, row: 1, invokeUs: 1_600_000 }));
    hub.readFailed(op({ write: false, region: 0, row: 1, invokeUs: 2_100_000 }));
    hub.readServed(op({ write: false, region: 0, row: 1, invokeUs: 2_200_000 }), 0, 2_200_500);
    expect(m.recorder.readUnavailableUs(0, 2_250_000)).toBe(625_000);
  });
});
