// `repsim main` (npm start): compares the variants of every bundled scenario
// (scenarios/*.yaml) over 3 seeds on 2 worker threads, writes
// reports/<scenario>/ (results.jsonl, scenario.json, charts, index.html) and
// reports/index.html linking them. A scenario or variant the model cannot run
// yet (e.g. a topology not implemented) is listed as skipped with the reason.
// First it writes reports/playground.html (`repsim play` of the same
// scenarios); the index and each scenario page link to it.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { PRICES_OPTION, readPriceBook, withPrices } from './prices.ts';
import { EXIT_OK, InputError } from './errors.ts';
import type { SiteIndexEntry } from '../report/site-index.ts';
import { createPool } from '../sweep/pool.ts';
import { formatComparison, runComparison } from './compare.ts';
import { checkOutputLocations } from '../output/locations.ts';
import { countOption, MAX_SEEDS, MAX_WORKERS, valueOption } from './options.ts';
import { writePlayground } from '../play/write.ts';
import { validateAllVariants } from '../scenario/loader.ts';

/** The playground's file name under the output directory. */
export const PLAYGROUND_FILE = 'playground.html';

export const mainJobCommand: Command = {
  name: 'main',
  describe: 'The npm start job: compare every bundled scenario and write reports/index.html',
  builder: (y: Argv) =>
    y
      .option('scenarios', valueOption('scenarios', 'directory of scenario YAML files (default scenarios)'))
      .option('out', valueOption('out', 'output directory (default reports)'))
      .option('seeds', countOption('seeds', 1, MAX_SEEDS, 'seeds per variant (default 3)'))
      .option('workers', countOption('workers', 1, MAX_WORKERS, 'parallel worker threads (default 2)'))
      .option('prices', { ...PRICES_OPTION, describe: `${PRICES_OPTION.describe}; default <scenarios>/prices/default.yaml when it exists` }) as unknown as Argv,
  async run(args) {
    const { writeReport, writeSiteIndex } = await import('../report/index.ts');
    const dir = (args.scenarios as string | undefined) ?? 'scenarios';
    const outRoot = (args.out as string | undefined) ?? 'reports';
    const seeds = (args.seeds as number | undefined) ?? 3;
    const workers = (args.workers as number | undefined) ?? 2;
    checkOutputLocations([{ flag: '--out', path: outRoot, kind: 'dir' }]);
    const pricesFile = (args.prices as string | undefined) ?? (existsSync(join(dir, 'prices', 'default.yaml')) ? join(dir, 'prices', 'default.yaml') : undefined);
    const book = pricesFile !== undefined ? readPriceBook(pricesFile) : undefined;
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort().map((f) => join(dir, f));
    } catch {
      throw new InputError(`main: cannot read the scenario directory ${dir}`);
    }
    if (files.length === 0) throw new InputError(`main: no scenarios (*.yaml) in ${dir}`);
    const started = performance.now();
    const entries: SiteIndexEntry[] = [];
    const skipped: string[] = [];
    // The playground of the scenarios that load (a broken one is skipped below), linked from every page.
    const playable = files.filter((f) => validateAllVariants(f).problems.length === 0);
    let playground = false;
    if (playable.length > 0) {
      const built = performance.now();
      const p = await writePlayground(playable, join(outRoot, PLAYGROUND_FILE));
      const buildMs = performance.now() - built;
      playground = true;
      process.stdout.write(`playground: ${p.path} (${(p.bytes / 1e6).toFixed(2)} MB, ${p.scenarios.length} scenarios, built in ${(buildMs / 1000).toFixed(1)} s)\n`);
    }
    const playLink = (name: string, up: string): { playground: string } | Record<string, never> => (playground ? { playground: `${up}${PLAYGROUND_FILE}#s=${encodeURIComponent(name)}` } : {});
    const pool = createPool(workers);
    try {
      for (const file of files) {
        const slug = basename(file).replace(/\.ya?ml$/, '');
        const outDir = join(outRoot, slug);
        rmSync(outDir, { recursive: true, force: true });
        process.stdout.write(`\n== ${slug}\n`);
        let r;
        try {
          r = await runComparison({ scenario: file, seeds, outDir, pool, label: slug, sets: withPrices(book, file, []) });
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          skipped.push(`${slug}: ${e.problems[0] ?? e.message}`);
          process.stdout.write(`skipped: ${e.problems.join('; ')}\n`);
          continue;
        }
        for (const s of r.skipped) process.stdout.write(`skipped variant ${s.variant}: ${s.reason}\n`);
        if (r.runs.length === 0) {
          rmSync(outDir, { recursive: true, force: true });
          const reason = r.skipped[0]?.reason ?? 'no runs';
          skipped.push(`${slug}: ${reason}`);
          continue;
        }
        process.stdout.write(formatComparison(r.runs) + '\n');
        const rep = await writeReport(outDir, outDir, {}, playLink(r.name, '../'));
        const note = r.skipped.length > 0 ? ` (skipped: ${r.skipped.map((s) => s.variant).join(', ')} — not runnable yet)` : '';
        entries.push({
          name: rep.name,
          ...(rep.description !== undefined || note !== '' ? { description: `${rep.description ?? ''}${note}` } : {}),
          href: `${slug}/index.html`,
          headline: rep.headline,
          ...playLink(r.name, ''),
        });
        process.stdout.write(`report: ${rep.indexHtml}\n`);
      }
    } finally {
      await pool.close();
    }
    const intro = skipped.length > 0 ? `Skipped (not runnable in this version): ${skipped.join(' · ')}` : undefined;
    const index = await writeSiteIndex(outRoot, entries, { ...(intro !== undefined ? { intro } : {}), ...(playground ? { playground: PLAYGROUND_FILE } : {}) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\nwrote ${index} (${entries.length} scenario report${entries.length === 1 ? '' : 's'}, ${skipped.length} skipped) in ${seconds} s\n`);
    for (const s of skipped) process.stdout.write(`  skipped ${s}\n`);
    return EXIT_OK;
  },
};
