// Regenerates the result-set fixtures under test/fixtures/results/ from
// fixture-summaries.ts: `npx tsx test/report/write-fixtures.ts`.
// fixtures.test.ts fails when the committed files drift from the generator.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureResultSets } from './fixture-summaries.ts';

/** test/fixtures/results, absolute. */
export const FIXTURE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'results');

/** Writes every fixture result set; resolves to the paths written. */
export async function writeFixtures(root: string = FIXTURE_ROOT): Promise<string[]> {
  const written: string[] = [];
  for (const [dir, files] of Object.entries(fixtureResultSets())) {
    await mkdir(join(root, dir), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(root, dir, name), content);
      written.push(join(root, dir, name));
    }
  }
  return written;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of await writeFixtures()) process.stdout.write(`wrote ${path}\n`);
}
