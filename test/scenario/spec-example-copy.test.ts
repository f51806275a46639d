// The documented example scenario lives in the project (scenarios/); the product
// contract keeps its own copy beside the repository. When that copy is there
// (a development checkout), the two must not drift apart; a clone with
// nothing beside it skips this test and still has everything it needs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const inProject = join(root, 'scenarios/primary-region-partition.yaml');
const specCopy = join(root, '../shared/examples/primary-region-partition.yaml');

describe('the example scenario scenario', () => {
  it('is in the project', () => {
    expect(existsSync(inProject)).toBe(true);
  });
  it.skipIf(!existsSync(specCopy))('equals the SPEC copy beside the repository, byte for byte', () => {
    expect(readFileSync(inProject, 'utf8')).toBe(readFileSync(specCopy, 'utf8'));
  });
});
