import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../sim/scenario/schema.ts';
import { KNOB_GROUPS, knobsOf, nodeAt, type SchemaNode, valueFromInput, widgetFor } from '../../sim/play/client/schema-knobs.ts';

const schema = scenarioJsonSchema() as SchemaNode;
const all = (regions: string[]) => KNOB_GROUPS.flatMap((g) => knobsOf(schema, g, regions));

describe('controls generated from the schema', () => {
  it('reads each knob\'s widget, default and description from the schema', () => {
    const knobs = all(['us', 'eu']);
    const by = (p: string) => knobs.find((k) => k.label === p);
    expect(by('topology.kind')?.widget).toEqual({ kind: 'select', options: ['single-primary', 'active-active', 'region-pinned', 'consensus', 'leaderless'] });
    expect(by('failover.fencing')?.widget).toEqual({ kind: 'select', options: ['none', 'stonith', 'lease'] });
    expect(by('failover.dnsTtl')).toMatchObject({ default: '30s', widget: { kind: 'text' }, numeric: true, description: expect.stringContaining('Default 30s') });
    expect(by('workload.readAfterWrite.probability')?.widget).toEqual({ kind: 'number', min: 0, max: 1 });
    // A choice of an enum or a number (a consistency level or a replica count): the enum's names.
    expect(by('topology.leaderless.write')?.widget).toMatchObject({ kind: 'select', options: expect.arrayContaining(['ONE', 'LOCAL_QUORUM', 'EACH_QUORUM']) });
    expect(by('topology.consensus.reads')?.widget).toMatchObject({ kind: 'select', options: ['leaseholder', 'read-index', 'follower', 'local-unsafe'] });
    // Per-region rates, one knob per region.
    expect(knobs.filter((k) => k.path[1] === 'regions').map((k) => k.label)).toEqual(['workload.regions.us.writes', 'workload.regions.eu.writes', 'workload.regions.us.reads', 'workload.regions.eu.reads']);
  });

  it('leaves out a knob the schema lacks, and follows records and choices', () => {
    expect(knobsOf(schema, { title: 't', paths: ['failover.noSuchField', 'failover.dnsTtl'] }, [])).toHaveLength(1);
    expect(nodeAt(schema, ['network', 'rtt', 'a', 'b'])?.type).toEqual(['string', 'number']);
    expect(widgetFor({ type: 'boolean' })).toEqual({ kind: 'select', options: ['true', 'false'] });
  });

  it('turns what is typed into the YAML value', () => {
    const knobs = all(['us']);
    const by = (p: string) => knobs.find((k) => k.label === p)!;
    expect(valueFromInput(by('failover.dnsTtl'), ' 5s ')).toBe('5s');
    expect(valueFromInput(by('failover.dnsTtl'), '5000')).toBe(5000);
    expect(valueFromInput(by('failover.dnsTtl'), '')).toBeUndefined();
    expect(valueFromInput(by('workload.readAfterWrite.probability'), '0.25')).toBe(0.25);
    expect(valueFromInput(by('topology.leaderless.write'), '2')).toBe(2);
    expect(valueFromInput(by('topology.leaderless.write'), 'QUORUM')).toBe('QUORUM');
  });
});
