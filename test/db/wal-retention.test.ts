// topology.replication.walRetention: WAL a node keeps for lagging replicas.
// A replica cut off for 10 s while the primary writes 300 × 256 B/s falls
// 768 KB behind (hand-derived): with 100 KB retained the WAL it needs is gone
// and its channel fails (it must be rebuilt); with the default 16 MB it
// catches up once the partition heals.
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../sim/scenario/loader.ts';
import { simulate } from '../../sim/run.ts';

const text = (kind: string) => `
name: retention
seed: 2
duration: 30s
regions: [ { id: a }, { id: b } ]
network: { rtt: { a: { b: 20ms } } }
topology: { kind: ${kind} }
failover: { mode: none }
workload:
  keys: { count: 1000 }
  tables: [ { name: t, share: 1, rowBytes: 256 } ]
  regions: { a: { writes: 300/s } }
faults: [ { at: 5s, for: 10s, partition: { isolate: b } } ]
`;

function channelStatus(kind: string, sets: string[]) {
  const sc = loadScenarioFromText(text(kind), 'inline.yaml', { sets }).scenario;
  const s = simulate(sc, { seed: 2, variant: 'default', contentHash: 'x' });
  return s.metrics.replication.channels.find((c) => c.source === 'a' && c.target === 'b')?.status;
}

describe('walRetention', () => {
  it.each(['single-primary', 'active-active'])('%s: a replica further behind than the retained WAL fails its channel; the default keeps it', (kind) => {
    expect(channelStatus(kind, [])).toBe('active');
    expect(channelStatus(kind, ['topology.replication.walRetention=100KB'])).toBe('failed');
  });
});
