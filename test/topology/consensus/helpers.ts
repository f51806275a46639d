// Consensus scenarios for tests: three regions with the docs/references.md RTTs
// (cloudping.co averages: us-east-1–eu-west-1 75 ms, us-east-1–ap-southeast-1
// 222 ms, eu-west-1–ap-southeast-1 189 ms), 1 ms within a region, no jitter,
// fast links, a constant 50 µs durability time per entry, no failover
// controller. Each test overlays what its story needs.
import { merge, type Spec } from '../../helpers/scenario.ts';

export const US = 'us-east-1';
export const EU = 'eu-west-1';
export const AP = 'ap-southeast-1';
export const RTT_MS = { usEu: 75, usAp: 222, euAp: 189 } as const;
/** Durability time per entry, ms (the constant applyTime below). */
export const DURABLE_MS = 0.05;

export function consensusSpec(over: Spec = {}): Spec {
  return merge({
    name: 'consensus-test',
    seed: 1,
    duration: '30s',
    regions: [{ id: US }, { id: EU }, { id: AP }],
    network: {
      rtt: { [US]: { [EU]: `${RTT_MS.usEu}ms`, [AP]: `${RTT_MS.usAp}ms` }, [EU]: { [AP]: `${RTT_MS.euAp}ms` } },
      jitter: 0, bandwidth: '10TB/s', intraRegionRtt: '1ms',
    },
    topology: {
      kind: 'consensus',
      replication: { applyTime: { dist: 'constant', value: '50us' } },
      consensus: { leader: US },
    },
    failover: { mode: 'none' },
    workload: {
      keys: { count: 1000, distribution: 'uniform' },
      tables: [{ name: 'data', share: 1, rowBytes: 100 }],
      regions: {},
      sessions: 50,
    },
  }, over);
}
