// Loading valid scenarios: the example scenario and its variants, unit
// conversion, variant and --set order, warnings, the content hash.
import { describe, expect, it } from 'vitest';
import { listVariants, loadScenario, loadScenarioFromText, validateAllVariants } from '../../sim/scenario/loader.ts';
import { fixture, problemsOf, specExample } from './helpers.ts';

describe('the example scenario', () => {
  it('loads, with model units', () => {
    const { scenario: s, variant, warnings } = loadScenario(specExample);
    expect(variant).toBe('base');
    expect(warnings).toEqual([]);
    expect(s.name).toBe('primary-region-partition');
    expect(s.seed).toBe(42);
    expect(s.duration).toBe(600_000_000); // 10m in µs
    expect(s.warmup).toBe(30_000_000);
    expect(s.network.rtt['us-east-1']?.['eu-west-1']).toBe(70_000);
    expect(s.network.bandwidth).toBe(100e6);
    expect(s.regions[2]?.clock).toEqual({ offset: 40_000, driftPpm: 20 });
    expect(s.topology.replication.applyTime).toEqual({ dist: 'exponential', mean: 50 });
    expect(s.workload.regions['us-east-1']).toEqual({ writes: 500, reads: 2000 });
    expect(s.workload.tables.map((t) => t.rowBytes)).toEqual([512, 128, 256]);
    expect(s.faults[0]).toEqual({ at: 120_000_000, for: 43_000_000, partition: { isolate: 'us-east-1' } });
    expect(s.failover.dnsTtl).toBe(30_000_000);
  });

  it('validates with all 4 variants', () => {
    expect(listVariants(specExample)).toEqual(['async-stonith', 'async-no-fencing', 'semi-sync-stonith', 'active-active-hlc']);
    expect(validateAllVariants(specExample)).toEqual({
      file: specExample,
      variants: ['async-stonith', 'async-no-fencing', 'semi-sync-stonith', 'active-active-hlc'],
      problems: [],
      warnings: [],
    });
  });

  it('applies each variant', () => {
    expect(loadScenario(specExample, { variant: 'async-no-fencing' }).scenario.failover.fencing).toBe('none');
    expect(loadScenario(specExample, { variant: 'semi-sync-stonith' }).scenario.topology.replication.mode).toBe('semi-sync');
    const aa = loadScenario(specExample, { variant: 'active-active-hlc' });
    expect(aa.variant).toBe('active-active-hlc');
    expect(aa.scenario.topology.kind).toBe('active-active');
    expect(aa.scenario.failover.mode).toBe('none');
    expect(aa.warnings).toEqual([]);
  });

  it('keeps the variants and expect blocks unchanged', () => {
    const { scenario } = loadScenario(specExample, { variant: 'async-no-fencing' });
    expect(scenario.variants.map((v) => v.name)).toHaveLength(4);
    expect(scenario.variants[1]?.set).toEqual({ 'failover.fencing': 'none' });
    expect(scenario.expect).toEqual({ 'async-stonith': { 'splitBrain.occurrences': 0 } });
  });
});

describe('units', () => {
  /** Two regions and an RTT, plus the given top-level YAML. */
  const load = (extra: string) =>
    loadScenarioFromText(`name: u\nregions: [{id: a}, {id: b}]\nnetwork:\n  rtt: {a: {b: 70ms}}\n  bandwidth: 1GiB/s\n${extra}\n`, 'u.yaml').scenario;

  it('durations to integer microseconds; a bare number is milliseconds', () => {
    expect(load('duration: 10m').duration).toBe(600_000_000);
    expect(load('duration: 1h').duration).toBe(3_600_000_000);
    expect(load('duration: 250us').duration).toBe(250);
    expect(load('duration: 1500').duration).toBe(1_500_000);
    expect(load('duration: 10m').network.rtt['a']?.['b']).toBe(70_000);
  });

  it('sizes to bytes, rates per second, bandwidth bytes per second', () => {
    const s = load('workload:\n  regions: {a: {writes: 30/m, reads: 2000/s}}\n  tables: [{name: t, share: 1, rowBytes: 64KB}]');
    expect(s.workload.regions['a']).toEqual({ writes: 0.5, reads: 2000 });
    expect(s.workload.tables[0]?.rowBytes).toBe(64_000);
    expect(s.network.bandwidth).toBe(1024 ** 3);
  });

  it('fills defaults', () => {
    const s = load('');
    expect(s.seed).toBe(1);
    expect(s.duration).toBe(600_000_000);
    expect(s.failover.fencing).toBe('stonith');
    expect(s.workload.tables).toEqual([{ name: 'data', share: 1, rowBytes: 256 }]);
  });
});

describe('variants and --set', () => {
  const file = fixture('variants.yaml');

  it('applies the variant, then --set, last one winning', () => {
    const v = loadScenario(file, { variant: 'short' });
    expect(v.scenario.duration).toBe(120_000_000);
    expect(v.scenario.failover.fencing).toBe('lease');
    const both = loadScenario(file, { variant: 'short', sets: ['failover.fencing=none', 'duration=30s'] });
    expect(both.scenario.failover.fencing).toBe('none');
    expect(both.scenario.duration).toBe(30_000_000);
    expect(both.variant).toBe('short');
  });

  it('parses --set values as YAML flow', () => {
    const s = loadScenario(file, {
      sets: [
        'topology.replication.mode=semi-sync',
        'workload.regions.us-east-1.writes=100/s',
        'faults=[{at: 1m, crash: {region: eu-west-1}, for: 10s}]',
        'faults.0.for=20s',
      ],
    }).scenario;
    expect(s.topology.replication.mode).toBe('semi-sync');
    expect(s.workload.regions['us-east-1']?.writes).toBe(100);
    expect(s.faults).toEqual([{ at: 60_000_000, for: 20_000_000, crash: { region: 'eu-west-1' } }]);
    expect(loadScenario(file, { sets: ['faults=[]'] }).scenario.faults).toEqual([]);
  });

  it('returns the raw object after overrides, before defaults', () => {
    const { raw } = loadScenario(file, { variant: 'no-fencing', sets: ['duration=1m'] });
    expect(raw).toMatchObject({ duration: '1m', failover: { fencing: 'none' } });
    expect(raw).not.toHaveProperty('seed');
  });

  it('hashes the source, the variant and the sets', () => {
    const a = loadScenario(file).contentHash;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(loadScenario(file).contentHash).toBe(a);
    expect(loadScenario(file, { variant: 'short' }).contentHash).not.toBe(a);
    expect(loadScenario(file, { sets: ['seed=2'] }).contentHash).not.toBe(a);
  });

  it('treats variant "base" as no variant', () => {
    expect(loadScenario(file, { variant: 'base' }).variant).toBe('base');
  });

  it('refuses an unknown variant, listing the known ones', () => {
    expect(problemsOf(() => loadScenario(file, { variant: 'no-fence' }))).toEqual([
      `${file}: unknown variant "no-fence" (did you mean "no-fencing"?); variants are no-fencing, short, active-active`,
    ]);
    expect(problemsOf(() => loadScenario(fixture('minimal.yaml'), { variant: 'x' }))).toEqual([
      `${fixture('minimal.yaml')}: unknown variant "x"; the scenario has no variants`,
    ]);
  });
});

describe('warnings', () => {
  it('a fault after the end warns and does not fail', () => {
    const file = fixture('fault-after-end.yaml');
    const { warnings, scenario } = loadScenario(file);
    expect(scenario.faults).toHaveLength(1);
    expect(warnings).toEqual([`${file}:10:9: faults.0.at: fault starts at 2m, after the run ends (1m); it will not fire`]);
  });

  it('failover settings on active-active warn', () => {
    const text = 'name: w\nregions: [{id: a}, {id: b}]\nnetwork: {rtt: {a: {b: 1ms}}}\ntopology: {kind: active-active}\nfailover:\n  mode: automatic\n';
    expect(loadScenarioFromText(text, 'w.yaml').warnings).toEqual(['w.yaml:6:9: failover.mode: failover settings are ignored for topology active-active']);
  });

  it('default failover settings on active-active do not warn, nor conflict on single-primary', () => {
    const text = 'name: w\nregions: [{id: a}, {id: b}]\nnetwork: {rtt: {a: {b: 1ms}}}\ntopology: {kind: region-pinned}\n';
    expect(loadScenarioFromText(text, 'w.yaml').warnings).toEqual([]);
    const sp = 'name: w\nregions: [{id: a}, {id: b}]\nnetwork: {rtt: {a: {b: 1ms}}}\ntopology: {kind: single-primary, conflict: lww-wallclock}\n';
    expect(loadScenarioFromText(sp, 'w.yaml').warnings).toEqual([]);
  });

  it('validateAllVariants reports a variant\'s own warnings once, prefixed', () => {
    const file = fixture('variants.yaml');
    const r = validateAllVariants(file);
    expect(r.problems).toEqual([]);
    expect(r.variants).toEqual(['no-fencing', 'short', 'active-active']);
  });
});
