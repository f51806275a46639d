// The committed JSON Schema (scenarios/scenario.schema.json) must equal what
// `repsim schema` prints. Refresh it with: node bin/repsim.js schema > scenarios/scenario.schema.json
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../sim/cli/schema.ts';
import { repoRoot } from './helpers.ts';

describe('scenarios/scenario.schema.json', () => {
  it('is current', () => {
    const committed = readFileSync(path.join(repoRoot, 'scenarios/scenario.schema.json'), 'utf8');
    expect(committed, 'run: node bin/repsim.js schema > scenarios/scenario.schema.json').toBe(schemaText());
  });

  it('describes the top-level fields', () => {
    const schema = JSON.parse(schemaText()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'regions', 'network', 'topology', 'failover', 'faults', 'variants', 'expect']));
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'regions', 'network']));
  });
});
