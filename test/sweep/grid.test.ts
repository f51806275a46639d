// Grid expansion, parameter parsing and sharding (sim/sweep/grid.ts, shard.ts).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../sim/core/errors.ts';
import { expandGrid, gridFingerprint, gridItems, gridSize, parseParam, parseParams, runKey, type GridSpec } from '../../sim/sweep/grid.ts';
import { inShard, parseShard } from '../../sim/sweep/shard.ts';

const spec: GridSpec = {
  scenarioHash: 'abc',
  params: [parseParam('failover.detectionTimeout=5s,10s'), parseParam('topology.replication.syncReplicas=1,2,3')],
  variants: ['a', 'b'],
  seeds: [1, 2],
};

describe('parseParam', () => {
  it('parses values as YAML scalars and keeps the typed text for --set', () => {
    const p = parseParam('topology.replication.shipInterval=0ms, 10 ,true');
    expect(p.path).toBe('topology.replication.shipInterval');
    expect(p.texts).toEqual(['0ms', '10', 'true']);
    expect(p.values).toEqual(['0ms', 10, true]);
  });
  it('refuses unknown paths, empty and duplicate values, non-scalars', () => {
    expect(() => parseParam('failover.detectionTimeoutt=1s')).toThrow(/unknown field "failover.detectionTimeoutt"/);
    expect(() => parseParam('failover.detectionTimeout=1s,,2s')).toThrow(InputError);
    expect(() => parseParam('failover.detectionTimeout=1s,1s')).toThrow(/listed twice/);
    expect(() => parseParam('topology.replication.applyTime={dist: constant, value: 1ms}')).toThrow(InputError);
    expect(() => parseParam('noequals')).toThrow(/expected path=v1,v2/);
    expect(() => parseParams(['failover.detectionTimeout=1s', 'failover.detectionTimeout=2s'])).toThrow(/given twice/);
  });
});

describe('expandGrid', () => {
  const items = expandGrid(spec);
  it('has params × variants × seeds items, indexed in order', () => {
    expect(items).toHaveLength(2 * 3 * 2 * 2);
    expect(gridSize(spec)).toBe(24);
    expect(items.map((i) => i.index)).toEqual([...Array(24).keys()]);
  });
  it('orders first param outermost, then later params, variants, seeds innermost', () => {
    const head = items.slice(0, 5).map((i) => [i.params['failover.detectionTimeout'], i.params['topology.replication.syncReplicas'], i.variant, i.seed]);
    expect(head).toEqual([
      ['5s', 1, 'a', 1],
      ['5s', 1, 'a', 2],
      ['5s', 1, 'b', 1],
      ['5s', 1, 'b', 2],
      ['5s', 2, 'a', 1],
    ]);
    expect(items[12]?.params['failover.detectionTimeout']).toBe('10s');
    expect(items[0]?.sets).toEqual(['failover.detectionTimeout=5s', 'topology.replication.syncReplicas=1']);
  });
  it('gives every run a distinct key, equal to the key computed from a results line', () => {
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    const it0 = items[7];
    expect(it0?.key).toBe(runKey(it0?.variant ?? '', it0?.seed ?? 0, { ...it0?.params }, spec.params.map((p) => p.path)));
  });
  it('puts fixed --set expressions before the swept ones', () => {
    const withSets = expandGrid({ ...spec, sets: ['failover.fencing=none'] });
    expect(withSets[0]?.sets[0]).toBe('failover.fencing=none');
  });
  it('fingerprints the grid: any change of values, variants, seeds, sets or scenario changes it', () => {
    const f = gridFingerprint(spec);
    expect(gridFingerprint({ ...spec })).toBe(f);
    expect(gridFingerprint({ ...spec, seeds: [1, 3] })).not.toBe(f);
    expect(gridFingerprint({ ...spec, variants: ['b', 'a'] })).not.toBe(f);
    expect(gridFingerprint({ ...spec, scenarioHash: 'abd' })).not.toBe(f);
    expect(gridFingerprint({ ...spec, sets: ['failover.fencing=none'] })).not.toBe(f);
  });
});

describe('gridItems (streamed)', () => {
  it('yields exactly expandGrid, item by item', () => {
    expect([...gridItems(spec)]).toEqual(expandGrid(spec));
    expect([...gridItems({ ...spec, params: [] })]).toEqual(expandGrid({ ...spec, params: [] }));
  });
  it('generates lazily: the head of a 10^12-run grid comes at once, in grid order', () => {
    const huge: GridSpec = {
      scenarioHash: 'abc',
      params: [parseParam(`failover.dnsTtl=${Array.from({ length: 1000 }, (_, i) => `${i + 1}s`).join(',')}`), parseParam(`failover.promotionTime=${Array.from({ length: 1000 }, (_, i) => `${i + 1}ms`).join(',')}`)],
      variants: ['a'],
      seeds: [1, 2],
    };
    expect(gridSize(huge)).toBe(2e6);
    const head: Array<[unknown, unknown, number, number]> = [];
    for (const it of gridItems({ ...huge, seeds: Array.from({ length: 1e6 }, (_, i) => i) })) {
      if (head.length === 3) break;
      head.push([it.params['failover.dnsTtl'], it.params['failover.promotionTime'], it.seed, it.index]);
    }
    expect(head).toEqual([['1s', '1ms', 0, 0], ['1s', '1ms', 1, 1], ['1s', '1ms', 2, 2]]);
    // The odometer: after the last value of the inner param comes the next outer value.
    const items = gridItems(huge);
    let item;
    for (let i = 0; i <= 2000; i++) item = items.next().value;
    expect(item && [item.params['failover.dnsTtl'], item.params['failover.promotionTime'], item.seed, item.index]).toEqual(['2s', '1ms', 1, 2000]);
  });
});

describe('sharding', () => {
  it('parses i/n with i from 0, and refuses anything else', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['3/3', '1', 'a/b', '-1/2', '1/0', '0/2/3', '']) expect(() => parseShard(bad), bad).toThrow(InputError);
  });
  it('splits a grid into disjoint shards that together cover it', () => {
    const items = expandGrid(spec);
    for (const n of [1, 2, 3, 5, 30]) {
      const shards = Array.from({ length: n }, (_, i) => items.filter((it) => inShard(it.index, { index: i, count: n })));
      expect(shards.flat().map((i) => i.index).sort((a, b) => a - b)).toEqual(items.map((i) => i.index));
      expect(shards.reduce((s, x) => s + x.length, 0)).toBe(items.length);
    }
    expect(items.filter((it) => inShard(it.index, { index: 1, count: 2 })).map((i) => i.index).slice(0, 3)).toEqual([1, 3, 5]);
  });
});
