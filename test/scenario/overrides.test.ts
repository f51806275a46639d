// --set parsing, applying overrides to a raw object, and schema paths.
import { describe, expect, it } from 'vitest';
import { applySets, parseSet, schemaHasPath, setAtPath } from '../../sim/scenario/overrides.ts';
import { problemsOf } from './helpers.ts';

describe('parseSet', () => {
  it('reads the value as a YAML flow scalar or collection', () => {
    expect(parseSet('duration=30s')).toEqual({ path: ['duration'], value: '30s' });
    expect(parseSet('failover.fencing=none')).toEqual({ path: ['failover', 'fencing'], value: 'none' });
    expect(parseSet('topology.replication.mode=semi-sync')).toEqual({ path: ['topology', 'replication', 'mode'], value: 'semi-sync' });
    expect(parseSet('workload.regions.us-east-1.writes=100/s')).toEqual({ path: ['workload', 'regions', 'us-east-1', 'writes'], value: '100/s' });
    expect(parseSet('faults=[]')).toEqual({ path: ['faults'], value: [] });
    expect(parseSet('seed=7')).toEqual({ path: ['seed'], value: 7 });
    expect(parseSet('failover.stonithFailureProbability=0.5')).toEqual({ path: ['failover', 'stonithFailureProbability'], value: 0.5 });
    expect(parseSet('faults.0.partition={isolate: a}')).toEqual({ path: ['faults', '0', 'partition'], value: { isolate: 'a' } });
    expect(parseSet('description=x=y: z')).toEqual({ path: ['description'], value: 'x=y: z' });
  });

  it('refuses a missing "=", empty segments, forbidden keys and broken flow syntax', () => {
    expect(problemsOf(() => parseSet('duration'))).toEqual(['--set duration: expected path=value, e.g. --set failover.fencing=none']);
    expect(problemsOf(() => parseSet('topology..kind=x'))).toEqual(['--set topology..kind=x: "topology..kind" is not a field path (segments separated by single dots)']);
    expect(problemsOf(() => parseSet('__proto__.x=1'))).toEqual(['--set __proto__.x=1: key "__proto__" is not allowed']);
    expect(problemsOf(() => parseSet('expect={constructor: 1}'))).toEqual(['--set expect={constructor: 1}: key "constructor" is not allowed']);
    expect(problemsOf(() => parseSet('faults=[1, 2'))).toEqual(['--set faults=[1, 2: value is not valid YAML flow syntax: Flow sequence must end with a ]']);
  });
});

describe('schemaHasPath', () => {
  it.each([
    ['topology.kind', true],
    ['topology.replication.mode', true],
    ['workload.regions.any-region.writes', true], // records take any key
    ['faults.3.partition.groups.0.1', true], // lists take numeric indices
    ['faults.0.slowLink.between.1', true],
    ['faults.0.slowLink.between.2', false], // a pair has two items
    ['network.jitter.sigma', true], // through the distribution union
    ['network.rtt.a.b', true],
    ['expect.anything.at.all', true],
    ['topology.kind2', false],
    ['duration.x', false],
    ['faults.x', false],
    ['', false],
  ])('%s → %s', (p, want) => {
    expect(schemaHasPath(p === '' ? [] : p.split('.'))).toBe(want);
  });
});

describe('applySets', () => {
  it('changes a clone, creating intermediate mappings and lists', () => {
    const raw = { name: 'x', topology: { kind: 'single-primary' } };
    const out = applySets(raw, ['topology.replication.mode=sync', 'workload.regions.a.writes=5/s', 'faults.0.at=1m']);
    expect(out).toEqual({
      name: 'x',
      topology: { kind: 'single-primary', replication: { mode: 'sync' } },
      workload: { regions: { a: { writes: '5/s' } } },
      faults: [{ at: '1m' }],
    });
    expect(raw).toEqual({ name: 'x', topology: { kind: 'single-primary' } });
  });

  it('applies in order: the last set wins', () => {
    expect(applySets({}, ['duration=1m', 'duration=2m'])).toEqual({ duration: '2m' });
  });

  it('reports every bad set at once', () => {
    expect(problemsOf(() => applySets({ faults: [], topology: 'x' }, ['topology.kind2=x', 'faults.2.at=1s', 'topology.kind=active-active', 'oops']))).toEqual([
      '--set topology.kind2=x: unknown field "topology.kind2"',
      '--set faults.2.at=1s: index 2 is past the end of faults (0 items)',
      '--set topology.kind=active-active: cannot set topology.kind: topology is the string "x", not a mapping',
      '--set oops: expected path=value, e.g. --set failover.fencing=none',
    ]);
  });

  it('never writes through a prototype', () => {
    const target: Record<string, unknown> = {};
    expect(setAtPath(target, ['__proto__', 'polluted'], true)).toBe('key "__proto__" is not allowed');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
