// `repsim sweep <scenario> --param path=v1,v2,... --out DIR`: a grid of runs
// (params × variants × seeds, in the order of sim/sweep/grid.ts), optionally
// one shard of it, in parallel on worker threads, streamed to
// DIR/results.jsonl in grid order (byte-identical for any --workers), with
// DIR/scenario.json naming the grid. --resume continues an interrupted sweep.
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { CheckFailure, EXIT_OK, InputError } from './errors.ts';
import { parseParams } from '../sweep/grid.ts';
import { planGrid } from '../sweep/plan.ts';
import { createPool } from '../sweep/pool.ts';
import { describeFailures, runBatch } from '../sweep/batch.ts';
import { formatShard, parseShard, type Shard } from '../sweep/shard.ts';
import { checkOutputLocations } from '../output/locations.ts';
import { countOption, listOption, MAX_SEEDS, MAX_WORKERS, SEED_MAX, seedOption, valueCoerce, valueOption } from './options.ts';
import { runsProgress } from './progress.ts';
import { PRICES_OPTION, readPriceBook, withPrices } from './prices.ts';

/** Parses --variants a,b (or repeated). */
export function parseVariantList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new InputError('--variants: name at least one variant, e.g. --variants async-stonith,semi-sync');
  return list;
}

/** The first seed and the count, checked together: the last seed must still be exact (at most 2^53-1). */
export function checkSeedRange(first: number | undefined, count: number): void {
  if (first !== undefined && count - 1 > SEED_MAX - first) throw new InputError(`--seed ${first} with --seeds ${count}: the last seed would pass 2^53-1 (${SEED_MAX})`);
}

export const sweepCommand: Command = {
  name: 'sweep <scenario>',
  describe: 'Run a grid of --param values × variants × seeds into --out DIR/results.jsonl',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file', demandOption: true })
      .option('param', listOption('param', 'swept field: path=v1,v2,... (repeatable; the first is the outermost loop)'))
      .option('variants', valueOption('variants', 'comma-separated variant names (default: all)'))
      .option('set', listOption('set', 'fixed override for every run: path=value (repeatable)'))
      .option('seeds', countOption('seeds', 1, MAX_SEEDS, 'seeds per point: seed, seed+1, ... (default 3)'))
      .option('seed', seedOption("first seed (default: the scenario's seed)"))
      .option('workers', countOption('workers', 1, MAX_WORKERS, 'parallel worker threads (default 1)'))
      .option('shard', { ...valueOption('shard', 'run only shard i of n: grid items with index % n == i (i from 0)'), coerce: (v: unknown) => parseShard(String(valueCoerce('shard', v))) })
      .option('resume', { type: 'boolean', default: false, describe: 'continue an interrupted sweep in --out, skipping finished runs' })
      .option('out', { ...valueOption('out', 'output directory'), demandOption: true })
      .option('prices', PRICES_OPTION)
      .example('$0 sweep s.yaml --param topology.replication.shipInterval=0ms,10ms,50ms --seeds 5 --workers 2 --out out/ship', '')
      .example('$0 sweep s.yaml --param failover.detectionTimeout=5s,10s --shard 0/2 --out out/s0', 'first of two shards; join with repsim merge') as unknown as Argv,
  async run(args) {
    const out = args.out as string;
    const params = parseParams((args.param as string[] | undefined) ?? []);
    const shard = args.shard as Shard | undefined;
    const workers = (args.workers as number | undefined) ?? 1;
    const seeds = (args.seeds as number | undefined) ?? 3;
    const firstSeed = args.seed as number | undefined;
    checkSeedRange(firstSeed, seeds);
    const book = typeof args.prices === 'string' ? readPriceBook(args.prices) : undefined;
    const sets = withPrices(book, args.scenario as string, (args.set as string[] | undefined) ?? []);
    const plan = planGrid({ scenario: args.scenario as string, params, variants: parseVariantList(args.variants), seeds, firstSeed, sets, workers, shardCount: shard?.count });
    checkOutputLocations([{ flag: '--out', path: out, kind: 'dir' }]);
    for (const w of plan.warnings) process.stderr.write(`warning: ${w}\n`);
    const pool = createPool(workers);
    let r;
    try {
      r = await runBatch({ plan, pool, outDir: out, shard, resume: args.resume === true, refuseOverwrite: true, stopOnError: true, progress: (n) => runsProgress(n, 'sweep') });
    } finally {
      await pool.close();
    }
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    const crash = r.failures.find((f) => !f.input);
    if (crash) throw new Error(`run ${crash.item.key} crashed: ${crash.problems.join('; ')}\n${crash.stack ?? ''}`);
    if (r.failures.length > 0) {
      throw new InputError([...describeFailures(r.failures), `sweep stopped: ${r.lines.length} of ${r.items.length} runs are in ${r.resultsFile ?? out}; fix the input and rerun with --resume`]);
    }
    const shardText = shard ? ` (shard ${formatShard(shard)} of a ${plan.size}-run grid)` : '';
    const resumed = r.resumed > 0 ? `, ${r.resumed} kept from before` : '';
    process.stdout.write(`wrote ${r.lines.length} runs to ${r.resultsFile ?? out}${shardText}${resumed}\n`);
    if (r.violatingRuns > 0) throw new CheckFailure(`${r.violatingRuns} run(s) reported invariant violations (see "invariantViolations" in ${r.resultsFile ?? out})`);
    return EXIT_OK;
  },
};
