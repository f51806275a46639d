// `repsim compare <scenario>`: every variant (or --variants a,b) over --seeds
// seeds (seed, seed+1, ...), printed as one table: rows = the headline
// metrics, columns = variants, cells "mean ± half-width of the 95% t
// interval", the best mean per row marked with *. A variant the model cannot
// run (bad input, e.g. a topology not implemented yet) is listed as skipped,
// one line on stderr, and the command exits 2 after printing the rest.
// --out DIR writes results.jsonl and scenario.json as sweep does, then the
// report (charts + index.html).
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { EXIT_BAD_INPUT, EXIT_OK, InputError } from './errors.ts';
import { comparisonJson, formatComparison } from '../report/compare-table.ts';
import type { RunResult } from '../report/runs.ts';
import { planGrid } from '../sweep/plan.ts';
import { createPool, type RunPool } from '../sweep/pool.ts';
import { runBatch } from '../sweep/batch.ts';
import { checkSeedRange, parseVariantList } from './sweep.ts';
import { checkOutputLocations } from '../output/locations.ts';
import { countOption, listOption, MAX_SEEDS, MAX_WORKERS, seedOption, valueOption } from './options.ts';
import { runsProgress } from './progress.ts';
import { PRICES_OPTION, readPriceBook, withPrices } from './prices.ts';

export { COMPARE_METRIC_IDS, compareTable, comparisonJson, formatComparison } from '../report/compare-table.ts';

export interface CompareOptions {
  scenario: string;
  variants?: string[] | undefined;
  seeds: number;
  firstSeed?: number | undefined;
  sets?: string[] | undefined;
  outDir?: string | undefined;
  pool: RunPool;
  label?: string;
  quiet?: boolean;
}

export interface CompareResult {
  runs: RunResult[];
  /** Variants that could not run, with the reason (one line). */
  skipped: Array<{ variant: string; reason: string }>;
  warnings: string[];
  violatingRuns: number;
  /** The scenario's name and description (for the main job's index). */
  name: string;
  description?: string;
}

/** Runs the comparison (and writes DIR/results.jsonl + scenario.json when outDir is set). Throws InputError for bad flags or an invalid scenario. */
export async function runComparison(o: CompareOptions): Promise<CompareResult> {
  const plan = planGrid({ scenario: o.scenario, params: [], variants: o.variants, seeds: o.seeds, firstSeed: o.firstSeed, sets: o.sets, workers: o.pool.size });
  if (o.quiet !== true) for (const w of plan.warnings) process.stderr.write(`warning: ${w}\n`);
  const label = o.label ?? 'compare';
  const r = await runBatch({ plan, pool: o.pool, outDir: o.outDir, stopOnError: false, skipFailedVariants: true, progress: (n) => runsProgress(n, label, { quiet: o.quiet ?? false }) });
  const crash = r.failures.find((f) => !f.input);
  if (crash) throw new Error(`run ${crash.item.key} crashed: ${crash.problems.join('; ')}\n${crash.stack ?? ''}`);
  const skipped = new Map<string, string>();
  for (const f of r.failures) if (!skipped.has(f.item.variant)) skipped.set(f.item.variant, f.problems.join('; '));
  return {
    runs: r.lines.map((l) => JSON.parse(l) as RunResult),
    skipped: [...skipped].map(([variant, reason]) => ({ variant, reason })),
    warnings: r.warnings,
    violatingRuns: r.violatingRuns,
    name: plan.info.name,
    ...(plan.info.description !== undefined ? { description: plan.info.description } : {}),
  };
}

export const compareCommand: Command = {
  name: 'compare <scenario>',
  describe: 'Run variants × seeds and print a side-by-side table (mean ± 95% interval per metric)',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file', demandOption: true })
      .option('variants', valueOption('variants', 'comma-separated variant names (default: all)'))
      .option('seeds', countOption('seeds', 1, MAX_SEEDS, 'seeds per variant: seed, seed+1, ... (default 10)'))
      .option('seed', seedOption("first seed (default: the scenario's seed)"))
      .option('set', listOption('set', 'override for every run: path=value (repeatable)'))
      .option('json', { type: 'boolean', default: false, describe: 'print the table as JSON on stdout' })
      .option('out', valueOption('out', 'write results.jsonl, scenario.json and the report (charts, index.html) to DIR'))
      .option('workers', countOption('workers', 1, MAX_WORKERS, 'parallel worker threads (default 1)'))
      .option('prices', PRICES_OPTION)
      .example('$0 compare scenarios/github-2018-partition.yaml --seeds 5 --workers 2', '') as unknown as Argv,
  async run(args) {
    const out = args.out as string | undefined;
    const workers = (args.workers as number | undefined) ?? 1;
    const seeds = (args.seeds as number | undefined) ?? 10;
    const firstSeed = args.seed as number | undefined;
    checkSeedRange(firstSeed, seeds);
    if (out !== undefined) checkOutputLocations([{ flag: '--out', path: out, kind: 'dir' }]);
    const book = typeof args.prices === 'string' ? readPriceBook(args.prices) : undefined;
    const sets = withPrices(book, args.scenario as string, (args.set as string[] | undefined) ?? []);
    const pool = createPool(workers);
    let r: CompareResult;
    try {
      r = await runComparison({
        scenario: args.scenario as string,
        variants: parseVariantList(args.variants),
        seeds,
        firstSeed,
        sets,
        outDir: out,
        pool,
        quiet: args.json === true,
      });
    } finally {
      await pool.close();
    }
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    for (const s of r.skipped) process.stderr.write(`skipped variant ${s.variant}: ${s.reason}\n`);
    if (r.runs.length === 0) throw new InputError(`compare: no variant could run`);
    if (args.json) process.stdout.write(JSON.stringify(comparisonJson(r.runs, r.skipped), null, 2) + '\n');
    else process.stdout.write(formatComparison(r.runs) + '\n');
    if (typeof out === 'string') {
      // The renderer (vega, resvg) loads only when a report is written.
      const { writeReport } = await import('../report/index.ts');
      const rep = await writeReport(out);
      process.stderr.write(`wrote ${out}/results.jsonl and ${rep.indexHtml}\n`);
    }
    if (r.violatingRuns > 0) process.stderr.write(`${r.violatingRuns} run(s) reported invariant violations (see "invariantViolations" in the summaries)\n`);
    if (r.skipped.length > 0) return EXIT_BAD_INPUT;
    return r.violatingRuns > 0 ? 1 : EXIT_OK;
  },
};
