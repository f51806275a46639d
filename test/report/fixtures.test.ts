// The committed result-set fixtures stay what the generator makes
// (regenerate with `npx tsx test/report/write-fixtures.ts`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureResultSets } from './fixture-summaries.ts';
import { FIXTURE_ROOT } from './write-fixtures.ts';

describe('test/fixtures/results', () => {
  for (const [dir, files] of Object.entries(fixtureResultSets())) {
    for (const [name, content] of Object.entries(files)) {
      it(`${dir}/${name} matches the generator`, async () => {
        const committed = await readFile(join(FIXTURE_ROOT, dir, name), 'utf8');
        expect(committed === content, `${dir}/${name} is stale: run npx tsx test/report/write-fixtures.ts`).toBe(true);
      });
    }
  }

  it('has three variants × three seeds in the compare set', () => {
    const lines = fixtureResultSets().compare!['results.jsonl']!.trim().split('\n');
    expect(lines).toHaveLength(9);
  });
});
