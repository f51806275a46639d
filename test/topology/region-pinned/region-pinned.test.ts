// Region-pinned scenarios: reads never stale; remote operations pay the RTT;
// a home-region outage makes its rows unavailable; the example scenario runs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioFromText } from '../../../sim/scenario/loader.ts';
import { simulate } from '../../../sim/run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const specExample = path.resolve(here, '../../../scenarios/primary-region-partition.yaml');

const text = (remoteShare: number, faults = '[]') => `
name: pinned
seed: 5
duration: 20s
regions: [ { id: a }, { id: b } ]
network: { rtt: { a: { b: 80ms } } }
topology: { kind: region-pinned }
failover: { mode: none }
workload:
  keys: { count: 1000, distribution: zipf }
  regions: { a: { writes: 300/s, reads: 300/s }, b: { writes: 300/s, reads: 300/s } }
  readAfterWrite: { probability: 0.5, delay: 5ms }
  remoteShare: ${remoteShare}
  sessions: 50
faults: ${faults}
`;

function run(t: string) {
  const l = loadScenarioFromText(t, 'inline.yaml');
  return simulate(l.scenario, { seed: l.scenario.seed, variant: 'default', contentHash: 'x' });
}

describe('region-pinned', () => {
  it('reads are never stale; local-only operations pay only the intra-region RTT', () => {
    const s = run(text(0));
    expect(s.metrics.reads.total).toBeGreaterThan(5000);
    expect(s.metrics.reads.stale).toBe(0);
    expect(s.metrics.reads.rywViolations).toBe(0);
    expect(s.metrics.writes.latencyMs.max).toBeLessThanOrEqual(1.01);
  });

  it('remote-share operations are proxied home and pay the RTT (latency ≥ 80 ms)', () => {
    const s = run(text(1));
    expect(s.metrics.reads.stale).toBe(0);
    expect(s.metrics.writes.latencyMs.p50).toBeGreaterThanOrEqual(80 * 0.99);
    expect(s.metrics.reads.latencyMs.p50).toBeGreaterThanOrEqual(80 * 0.99);
  });

  it('a home-region outage makes its rows unavailable everywhere; nothing acknowledged is lost', () => {
    const s = run(text(0.2, '[ { at: 5s, for: 5s, outage: { region: a } } ]'));
    // a is dark 5 s of 20 s (25% of its ops) and b's 20% remote share to a fails then too: 1 − (0.25 + 0.25 × 0.2) / 2 = 0.85
    expect(s.metrics.availability.writes).toBeGreaterThan(0.83);
    expect(s.metrics.availability.writes).toBeLessThan(0.87);
    expect(s.metrics.rpo.lostAckedWrites).toBe(0);
    expect(s.metrics.reads.stale).toBe(0);
  });

  it('example scenario with topology.kind=region-pinned runs; same seed ⇒ same summary', () => {
    const go = () => {
      const l = loadScenario(specExample, { sets: ['duration=60s', 'topology.kind=region-pinned'] });
      return simulate(l.scenario, { seed: 42, variant: l.variant, contentHash: l.contentHash });
    };
    const a = go();
    expect(a.topology).toBe('region-pinned');
    expect(a.metrics.reads.stale).toBe(0);
    expect(a.metrics.writes.latencyMs.p99).toBeGreaterThan(70);
    expect(JSON.stringify(go())).toBe(JSON.stringify(a));
  });
});
