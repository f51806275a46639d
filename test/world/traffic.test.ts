// The network's byte counts (sim/world/traffic.ts): counted when a message
// leaves on an up link, by purpose; nothing for a message refused at once
// on a cut link; a message lost on the way still counts (it was sent).
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../sim/core/scheduler.ts';
import { RngRoot } from '../../sim/core/rng.ts';
import { Network } from '../../sim/world/network.ts';
import { CLIENT, CONTROL, REPLICATION } from '../../sim/world/traffic.ts';

function net(loss = 0): { sched: Scheduler; n: Network } {
  const sched = new Scheduler();
  const n = new Network(sched, new RngRoot(1), {
    regionIds: ['a', 'b'], rttUs: [[1000, 10_000], [10_000, 1000]], jitter: () => 0, bandwidthBytesPerS: 1e9, intraRegionRttUs: 1000, loss,
  });
  return { sched, n };
}

describe('traffic counts', () => {
  it('counts datagrams and stream bytes by purpose and direction; a stream header is counted, not charged', () => {
    const { sched, n } = net();
    const got: number[] = [];
    n.datagram(0, 1, CLIENT, 300, (x: number) => got.push(x), 1);
    n.datagram(1, 0, CONTROL, 64, (x: number) => got.push(x), 2);
    const s = n.openStream(0, 1, REPLICATION);
    const at = n.send(s, 1000, (x: number) => got.push(x), 3, undefined, 64);
    // 1000 B at 1 GB/s is 1 µs of serialisation, then 5 ms: the header adds no time.
    expect(at).toBe(5001);
    sched.run(1e6);
    expect(got.sort()).toEqual([1, 2, 3]);
    expect(n.traffic.bytesOf(0, 1, 'client')).toBe(300);
    expect(n.traffic.bytesOf(1, 0, 'control')).toBe(64);
    expect(n.traffic.bytesOf(0, 1, 'replication')).toBe(1064);
    expect(n.traffic.bytesOf(1, 0, 'all')).toBe(64);
    expect(n.traffic.bytesOf(0, 1, 'all')).toBe(1364);
  });

  it('a cut link refuses at once and counts nothing; a message cut in flight was sent and counts', () => {
    const { sched, n } = net();
    const s = n.openStream(0, 1, REPLICATION);
    n.cut(0, 1);
    expect(n.datagram(0, 1, CLIENT, 300, () => {}, 0)).toBe(-1);
    expect(n.send(s, 1000, () => {}, 0)).toBe(-1);
    expect(n.traffic.bytesOf(0, 1, 'all')).toBe(0);
    n.heal(0, 1);
    let delivered = 0;
    n.send(s, 1000, () => delivered++, 0);
    n.cut(0, 1);
    sched.run(1e6);
    expect(delivered).toBe(0);
    expect(n.traffic.bytesOf(0, 1, 'replication')).toBe(1000);
  });

  it('a datagram lost to the link\'s loss was sent and counts', () => {
    const { sched, n } = net(1);
    let delivered = 0;
    for (let i = 0; i < 10; i++) n.datagram(0, 1, CLIENT, 100, () => delivered++, 0);
    sched.run(1e6);
    expect(delivered).toBe(0);
    expect(n.traffic.bytesOf(0, 1, 'client')).toBe(1000);
  });

  it('inside a region: a message takes half the intra-region round trip and counts as that region\'s own traffic', () => {
    const { sched, n } = net();
    let at = -1;
    expect(n.datagram(1, 1, CLIENT, 420, () => (at = sched.now), 0)).toBe(500);
    sched.run(1e6);
    expect(at).toBe(500);
    expect(n.traffic.bytesOf(1, 1, 'client')).toBe(420);
    expect(n.traffic.bytesOf(0, 1, 'all') + n.traffic.bytesOf(1, 0, 'all')).toBe(0);
  });
});
