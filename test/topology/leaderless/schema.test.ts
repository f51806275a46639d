// The leaderless section of the scenario format and the mixture
// distribution: defaults as documented, and bad input located at the field.
import { describe, expect, it } from 'vitest';
import { loadScenarioFromText } from '../../../sim/scenario/loader.ts';
import { problemsOf } from '../../scenario/helpers.ts';

const HEAD = `name: s
regions: [{ id: a }, { id: b }, { id: c }]
network: { rtt: { a: { b: 10ms, c: 20ms }, b: { c: 30ms } } }
`;

describe('topology.leaderless', () => {
  it('defaults: one replica a region, QUORUM/QUORUM, fanout all, wall clock, read repair 0.1, hints 3h every 10s, no anti-entropy, strict quorum, default legs', () => {
    const sc = loadScenarioFromText(`${HEAD}topology: { kind: leaderless }\n`, 's.yaml').scenario;
    const l = sc.topology.leaderless;
    expect(l).toEqual({
      write: 'QUORUM', read: 'QUORUM', readFanout: 'all', timestamps: 'wallclock', readRepair: 0.1,
      hintedHandoff: { maxHintWindow: 3 * 3600e6, replayInterval: 10e6 }, antiEntropyInterval: 0, sloppyQuorum: false, legs: {},
    });
  });

  it('a level that needs more replicas than there are, and an unknown region in replicas (which holds none), are located errors', () => {
    const text = `${HEAD}topology:\n  kind: leaderless\n  leaderless:\n    replicas: { a: 1, d: 1 }\n    write: 3\n`;
    expect(problemsOf(() => loadScenarioFromText(text, 's.yaml'))).toEqual([
      's.yaml:7:23: topology.leaderless.replicas.d: unknown region "d"; regions are a, b, c',
      's.yaml:8:12: topology.leaderless.write: 3 needs 3 replicas but there are 1 (topology.leaderless.replicas)',
    ]);
  });

  it('a sloppy quorum without hinted handoff is an error at sloppyQuorum', () => {
    const text = `${HEAD}topology:\n  kind: leaderless\n  leaderless:\n    sloppyQuorum: true\n    hintedHandoff: false\n`;
    const p = problemsOf(() => loadScenarioFromText(text, 's.yaml'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^s\.yaml:7:19: topology\.leaderless\.sloppyQuorum: a sloppy quorum needs hinted handoff/);
  });

  it('a mixture leg is parsed to microseconds; weights that do not sum to 1 are an error at the list', () => {
    const ok = `${HEAD}topology:\n  kind: leaderless\n  leaderless:\n    legs:\n      write: { dist: mixture, of: [{ weight: 0.9122, dist: pareto, scale: 0.235, shape: 10 }, { weight: 0.0878, dist: exponential, mean: 0.602 }] }\n`;
    const sc = loadScenarioFromText(ok, 's.yaml').scenario;
    expect(sc.topology.leaderless.legs.write).toEqual({
      dist: 'mixture', of: [{ weight: 0.9122, dist: 'pareto', scale: 235, shape: 10 }, { weight: 0.0878, dist: 'exponential', mean: 602 }],
    });
    const bad = ok.replace('0.0878', '0.1');
    const p = problemsOf(() => loadScenarioFromText(bad, 's.yaml'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^s\.yaml:8:\d+: topology\.leaderless\.legs\.write\.of: mixture: the weights sum to 1\.0122, not 1$/);
  });
});
