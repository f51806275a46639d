// Bad input: every problem is reported at once, each as one located line
// `file:line:col: path.to.field: message`, as an InputError (exit 2).
import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadScenario, loadScenarioFromText, validateAllVariants, MAX_SCENARIO_BYTES } from '../../sim/scenario/loader.ts';
import { fixture, problemsOf } from './helpers.ts';

/** The problems of a fixture file. */
function problems(name: string, opts = {}): string[] {
  return problemsOf(() => loadScenario(fixture(name), opts));
}

describe('located problems in fixture files', () => {
  it('malformed YAML', () => {
    const f = fixture('malformed.yaml');
    expect(problems('malformed.yaml')).toEqual([`${f}:6:1: YAML: Flow map in block collection must be sufficiently indented and end with a }`]);
  });

  it('unknown region in a fault', () => {
    const f = fixture('unknown-region-fault.yaml');
    expect(problems('unknown-region-fault.yaml')).toEqual([
      `${f}:10:22: faults.0.crash.region: unknown region "eu-west-2" (did you mean "eu-west-1"?); regions are us-east-1, eu-west-1`,
    ]);
  });

  it('missing RTT pair', () => {
    const f = fixture('missing-rtt.yaml');
    expect(problems('missing-rtt.yaml')).toEqual([
      `${f}:7:3: network.rtt: no round-trip time between eu-west-1 and ap-southeast-1 (add rtt.eu-west-1.ap-southeast-1)`,
    ]);
  });

  it('shares not summing to 1', () => {
    expect(problems('shares.yaml')).toEqual([`${fixture('shares.yaml')}:7:3: workload.tables: table shares sum to 0.9, not 1`]);
  });

  it('unknown field typo, at its key', () => {
    expect(problems('typo.yaml')).toEqual([`${fixture('typo.yaml')}:10:3: topology.primry: unknown field (did you mean "primary"?)`]);
  });

  it('alias bomb', () => {
    expect(problems('alias-bomb.yaml')).toEqual([
      `${fixture('alias-bomb.yaml')}:9:8: c.0: too many alias expansions (limit 100); refusing what looks like a "billion laughs" YAML bomb`,
    ]);
  });

  it('__proto__ key', () => {
    expect(problems('proto.yaml')).toEqual([`${fixture('proto.yaml')}:6:3: network.__proto__: key "__proto__" is not allowed`]);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('absurd numbers', () => {
    const f = fixture('absurd-numbers.yaml');
    expect(problems('absurd-numbers.yaml')).toEqual([
      `${f}:2:7: seed: must be >= 0 (got -1)`,
      `${f}:3:11: duration: duration 1e+308 is out of range (from 0 to 30 days)`,
      `${f}:9:18: workload.keys.count: must be a finite number (got .inf)`,
    ]);
  });

  it('all problems at once: a file with 3 errors gives 3 lines', () => {
    const f = fixture('three-errors.yaml');
    expect(problems('three-errors.yaml')).toEqual([
      `${f}:13:12: topology.primary: unknown region "us-east-2" (did you mean "us-east-1"?); regions are us-east-1, eu-west-1`,
      `${f}:15:11: topology.replication.mode: "semi-synk" is not one of async, semi-sync, sync (did you mean "semi-sync"?)`,
      `${f}:17:3: workload.tables: table shares sum to 0.5, not 1`,
    ]);
  });

  it('missing file', () => {
    expect(problems('no-such-file.yaml')).toEqual([`${fixture('no-such-file.yaml')}: cannot read scenario: no such file`]);
  });

  it('bad --set path, bad --set syntax, bad --set value', () => {
    expect(problems('minimal.yaml', { sets: ['topology.kind2=x', 'failover.fencing', 'failover.fencing=bogus'] })).toEqual([
      '--set topology.kind2=x: unknown field "topology.kind2"',
      '--set failover.fencing: expected path=value, e.g. --set failover.fencing=none',
      '--set failover.fencing=bogus: failover.fencing: "bogus" is not one of none, stonith, lease',
    ]);
    expect(problems('minimal.yaml', { sets: ['workload.regions.eu-central-1.writes=5/s'] })).toEqual([
      '--set workload.regions.eu-central-1.writes=5/s: workload.regions.eu-central-1: unknown region "eu-central-1"; regions are us-east-1, eu-west-1',
    ]);
  });

  it('bad variants: an unknown set field (always) and a bad value (in that variant)', () => {
    const f = fixture('bad-variant.yaml');
    expect(problems('bad-variant.yaml')).toEqual([`${f}:12:12: variants.1.set.failover.fencing2: unknown field`]);
    expect(problems('bad-variant.yaml', { variant: 'bad-value' })).toEqual([
      `${f}:12:12: variants.1.set.failover.fencing2: unknown field`,
      `${f}:14:39: topology.replication.mode: "semi-synk" is not one of async, semi-sync, sync (did you mean "semi-sync"?)`,
    ]);
    expect(validateAllVariants(f).problems).toEqual([
      `${f}:12:12: variants.1.set.failover.fencing2: unknown field`,
      `variant bad-value: ${f}:14:39: topology.replication.mode: "semi-synk" is not one of async, semi-sync, sync (did you mean "semi-sync"?)`,
    ]);
  });
});

describe('located problems in inline YAML', () => {
  const base = 'name: t\nduration: 1m\nregions:\n  - id: a\n  - id: b\nnetwork:\n  rtt:\n    a: { b: 10ms }\n';
  const load = (extra: string) => problemsOf(() => loadScenarioFromText(base + extra, 's.yaml'));

  it('duplicate keys', () => {
    expect(load('name: again\n')).toEqual(['s.yaml:9:1: YAML: Map keys must be unique']);
  });

  it('several YAML documents', () => {
    expect(load('---\nname: second\n')).toEqual(['s.yaml:9:1: (root): a scenario file holds one YAML document; found 2 (remove the "---" separators)']);
  });

  it('empty file and non-mapping', () => {
    expect(problemsOf(() => loadScenarioFromText('# nothing\n', 'e.yaml'))).toEqual(['e.yaml:1:1: (root): the scenario is empty']);
    expect(problemsOf(() => loadScenarioFromText('- a\n', 'e.yaml'))).toEqual([
      'e.yaml:1:1: (root): a scenario is a YAML mapping (name:, regions:, network:, ...); found a list',
    ]);
  });

  it('a missing field points at its parent mapping', () => {
    expect(problemsOf(() => loadScenarioFromText('name: t\nregions:\n  - clock: {offset: 1ms}\n', 'm.yaml'))).toEqual([
      'm.yaml:1:1: network: required field is missing',
      'm.yaml:3:5: regions.0.id: required field is missing',
    ]);
  });

  it('union alternatives: the likely one, or the forms allowed', () => {
    expect(load('faults:\n  - at: 10s\n    partition: { isolat: a }\n  - at: 10s\n    partition: a\n')).toEqual([
      's.yaml:11:16: faults.0.partition.isolate: required field is missing',
      's.yaml:11:18: faults.0.partition.isolat: unknown field (did you mean "isolate"?)',
      's.yaml:13:16: faults.1.partition: expected {isolate}, {groups} or {from, to}; got "a"',
    ]);
    expect(load('workload:\n  readAfterWrite: { delay: { dist: expnential, mean: 2ms } }\n')).toEqual([
      's.yaml:10:36: workload.readAfterWrite.delay.dist: "expnential" is not one of constant, uniform, normal, lognormal, exponential, pareto, empirical, mixture (did you mean "exponential"?)',
    ]);
  });

  it('cross-field problems', () => {
    expect(
      load(
        [
          'warmup: 2m',
          'monitoring: { lagWarning: 5s, lagCritical: 1s }',
          'topology: { replication: { mode: semi-sync, syncReplicas: 2, filters: [audit] } }',
          'failover: { controller: c, candidate: d }',
          'faults:',
          '  - at: 1s',
          '    partition: { groups: [[a], [a, b]] }',
          '  - at: 1s',
          '    slowLink: { between: [a, a], factor: 2 }',
          'variants: [{name: v}, {name: v}]',
          'expect: { v: 1, rpo.lostAckedWrites: { min: 2, max: 1 } }',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      's.yaml:9:9: warmup: warmup (2m) must be shorter than duration (1m)',
      's.yaml:10:27: monitoring.lagWarning: lagWarning (5s) must not exceed lagCritical (1s)',
      's.yaml:11:59: topology.replication.syncReplicas: semi-sync waits for 2 replicas but there is only 1 other region',
      's.yaml:11:72: topology.replication.filters.0: unknown table "audit"; tables are data',
      's.yaml:12:25: failover.controller: unknown region "c"; regions are a, b',
      's.yaml:12:39: failover.candidate: unknown region "d"; regions are a, b; or use most-caught-up',
      's.yaml:15:33: faults.0.partition.groups.1.0: region "a" is already in faults.0.partition.groups.0; groups must not share a region',
      's.yaml:17:26: faults.1.slowLink.between: a link needs two different regions',
      's.yaml:18:30: variants.1.name: duplicate variant name "v" (also variants.0.name)',
      's.yaml:19:14: expect.v: expected a mapping of metric path → bound for variant "v"',
      's.yaml:19:38: expect.rpo.lostAckedWrites: bound min (2) exceeds max (1)',
    ]);
  });

  it('RTT given both ways must agree', () => {
    const text = base.replace('a: { b: 10ms }', 'a: { b: 10ms }\n    b: { a: 11ms }');
    expect(problemsOf(() => loadScenarioFromText(text, 's.yaml'))).toEqual([
      's.yaml:9:13: network.rtt.b.a: rtt b→a (11ms) disagrees with a→b (10ms); round trips are symmetric, give one',
    ]);
    expect(() => loadScenarioFromText(base.replace('a: { b: 10ms }', 'a: { b: 10ms }\n    b: { a: 10ms }'), 's.yaml')).not.toThrow();
  });

  it('oversized input', () => {
    const big = `name: big\ndescription: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`;
    expect(problemsOf(() => loadScenarioFromText(big, 'big.yaml'))).toEqual(['big.yaml: cannot read scenario: file is 10.0 MB; the limit is 10 MB']);
    const dir = mkdtempSync(path.join(tmpdir(), 'repsim-'));
    const file = path.join(dir, 'big.yaml');
    writeFileSync(file, big);
    expect(problemsOf(() => loadScenario(file))).toEqual([`${file}: cannot read scenario: file is 10.0 MB; the limit is 10 MB`]);
  });

  it('deep nesting', () => {
    const deep = `description: ${'['.repeat(100)}${']'.repeat(100)}\n`;
    const p = load(deep);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^s\.yaml:9:\d+: description(\.0)+: nested deeper than 64 levels$/);
  });
});

describe('costs', () => {
  const text = (costs: string) => `name: c
regions: [{id: us-east-1}, {id: eu-west-1}]
network: {rtt: {us-east-1: {eu-west-1: 70ms}}}
costs:
${costs}
`;
  it('names an unknown region, a pair of one region, and prices that disagree, each at its place', () => {
    const p = problemsOf(() => loadScenarioFromText(text(`  pairs: {us-east-1: {eu-west-1: 0.02, us-east-1: 0.01}, eu-west-1: {us-east-1: 0.03}, us-east-2: {eu-west-1: 0.01}}
  nodePerHour: {eu-west-2: 0.5}
  fromRegionPerGB: {ap-southeast-1: 0.09}`), 'c.yaml'));
    expect(p).toEqual([
      'c.yaml:5:34: costs.pairs.us-east-1.eu-west-1: price us-east-1→eu-west-1 (0.02) disagrees with eu-west-1→us-east-1 (0.03); a pair\'s price holds both ways, give one',
      'c.yaml:5:40: costs.pairs.us-east-1.us-east-1: a pair is two regions; traffic inside a region is priced by costs.intraRegionPerGB',
      'c.yaml:5:88: costs.pairs.us-east-2: unknown region "us-east-2" (did you mean "us-east-1"?); regions are us-east-1, eu-west-1',
      'c.yaml:6:17: costs.nodePerHour.eu-west-2: unknown region "eu-west-2" (did you mean "eu-west-1"?); regions are us-east-1, eu-west-1',
      'c.yaml:7:21: costs.fromRegionPerGB.ap-southeast-1: unknown region "ap-southeast-1"; regions are us-east-1, eu-west-1',
    ]);
  });

  it('a negative price is refused at its place', () => {
    expect(problemsOf(() => loadScenarioFromText(text('  transferPerGB: -1'), 'c.yaml'))).toEqual([
      expect.stringMatching(/^c\.yaml:5:18: costs\.transferPerGB: /),
    ]);
  });
});
