// The etcd lab's pure parts, without etcd: the flag mapping from the
// scenario, the one-way delays solved from the RTTs and the matrix they
// realise, the peer-id sniffing the proxy cuts by.
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { etcdFlags, oneWayDelays, realisedRtt, serverFrom, withRtt, type MemberPorts } from '../../sim/lab/etcd.ts';

const YAML = `
name: etcd-unit
duration: 30s
regions: [{id: a}, {id: b}, {id: c}]
network:
  rtt: {a: {b: 70ms, c: 150ms}, b: {c: 160ms}}
topology:
  kind: consensus
  consensus: {leader: a, leaderPlacement: initial, heartbeatInterval: 100ms, electionTimeout: 1s, preVote: true, leaseDuration: 0s, reads: read-index, answerFrom: local}
workload:
  regions: {a: {writes: 10/s}}
`;

const sc = () => loadScenarioFromText(YAML, 'etcd-unit.yaml').scenario;
const PORTS: MemberPorts[] = [{ client: 2379, peer: 2380, proxy: 12380 }, { client: 2479, peer: 2480, proxy: 12480 }, { client: 2579, peer: 2580, proxy: 12580 }];

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('etcd flags', () => {
  it('maps heartbeat, election timeout and pre-vote; advertises the proxy, listens on the peer port', () => {
    const a = etcdFlags(sc(), 1, PORTS, '/tmp/x/m1/data');
    expect(flag(a, '--name')).toBe('m1');
    expect(flag(a, '--heartbeat-interval')).toBe('100');
    expect(flag(a, '--election-timeout')).toBe('1000');
    expect(a).toContain('--pre-vote');
    expect(flag(a, '--listen-peer-urls')).toBe('http://127.0.0.1:2480');
    expect(flag(a, '--initial-advertise-peer-urls')).toBe('http://127.0.0.1:12480');
    expect(flag(a, '--listen-client-urls')).toBe('http://127.0.0.1:2479');
    expect(flag(a, '--initial-cluster')).toBe('m0=http://127.0.0.1:12380,m1=http://127.0.0.1:12480,m2=http://127.0.0.1:12580');
    expect(flag(a, '--initial-cluster-state')).toBe('new');
    expect(flag(etcdFlags(sc(), 0, PORTS, '/d', 'existing'), '--initial-cluster-state')).toBe('existing');
  });

  it('pre-vote off: no --pre-vote (etcd 3.4\'s default)', () => {
    const s = sc();
    const off = { ...s, topology: { ...s.topology, consensus: { ...s.topology.consensus, preVote: false } } };
    expect(etcdFlags(off, 0, PORTS, '/d')).not.toContain('--pre-vote');
  });
});

describe('realised delay matrix', () => {
  it('solves a triangle exactly: RTT 70 / 150 / 160 ms → b = 30, 40, 120 ms', () => {
    const ms = 1000;
    const rtt = [[0, 70 * ms, 150 * ms], [70 * ms, 0, 160 * ms], [150 * ms, 160 * ms, 0]];
    const b = oneWayDelays(rtt);
    expect(b).toEqual([30 * ms, 40 * ms, 120 * ms]);
    expect(realisedRtt(b)).toEqual(rtt);
  });

  it('four members: least squares (what cannot be built exactly is the nearest b_i + b_j)', () => {
    // Exact for b = 10, 20, 30, 40 except one pair off by 8: least squares spreads the error.
    const b0 = [10, 20, 30, 40];
    const rtt = realisedRtt(b0);
    (rtt[0] as number[])[1] = 38;
    (rtt[1] as number[])[0] = 38;
    const b = oneWayDelays(rtt);
    const r = realisedRtt(b);
    let sq = 0;
    let sq0 = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) {
      sq += ((r[i] as number[])[j]! - (rtt[i] as number[])[j]!) ** 2;
      sq0 += ((realisedRtt(b0)[i] as number[])[j]! - (rtt[i] as number[])[j]!) ** 2;
    }
    expect(sq).toBeLessThanOrEqual(sq0);
  });

  it('the simulator runs on the realised matrix', () => {
    const s = withRtt(sc(), [[0, 1, 2], [1, 0, 3], [2, 3, 0]]);
    expect(s.network.rtt).toEqual({ a: { b: 1, c: 2 }, b: { c: 3 }, c: {} });
  });
});

describe('peer id sniffing', () => {
  it('reads X-Server-From of an etcd peer request', () => {
    const req = 'GET /raft/stream/message/8e9e05c52164694d HTTP/1.1\r\nHost: 127.0.0.1:12380\r\nX-Server-From: 91bc3c398fb3c146\r\nX-Etcd-Cluster-ID: cdf818194e3a8c32\r\n\r\n';
    expect(serverFrom(Buffer.from(req))).toBe('91bc3c398fb3c146');
    expect(serverFrom(Buffer.from('GET /version HTTP/1.1\r\nHost: x\r\n\r\n'))).toBeUndefined();
  });
});

describe('proxy cut by the dialer\'s tag', () => {
  it('a keep-alive connection is named by a later request, then cut with its dialer', async () => {
    const { createServer, connect } = await import('node:net');
    const { DelayProxy } = await import('../../sim/lab/proxy.ts');
    const got: string[] = [];
    const server = createServer((s) => s.on('data', (d: Buffer) => got.push(d.toString())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const proxy = new DelayProxy({ targetPort: port, delayUs: () => 0, tagOf: serverFrom });
    const pp = await proxy.start();
    const c = connect({ host: '127.0.0.1', port: pp });
    await new Promise<void>((r) => c.once('connect', () => r()));
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.write('GET /version HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    proxy.cutTag('abc1');
    c.write('GET /raft/stream/message/1 HTTP/1.1\r\nHost: x\r\nX-Server-From: abc1\r\n\r\n');
    await closed;
    expect(got.join('')).toContain('/version');
    expect(got.join('')).not.toContain('/raft/stream');
    await proxy.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe('etcd calibration', () => {
  it('charges the median per-region excess to the durability time per entry', async () => {
    const { etcdCalibration } = await import('../../sim/lab/etcd-lab.ts');
    const c = etcdCalibration([4.5, 6, 6.2]);
    expect(c?.applyMeanUs).toBe(6000);
    expect(c?.yaml).toContain('applyTime: { dist: constant, value: 6000us }');
    expect(etcdCalibration([NaN])).toBeUndefined();
  });
});
