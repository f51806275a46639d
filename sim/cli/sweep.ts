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
import { formatShard, parseShard } from '../sweep/shard.ts';

/** Parses --workers (default 1). */
export function parseWorkers(v: unknown): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InputError(`--workers: expected an integer from 1 to 256, got ${String(v)}`);
  return n;
}

/** Parses --variants a,b (or repeated). */
export function parseVariantList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new InputError('--variants: name at least one variant, e.g. --variants async-stonith,semi-sync');
  return list;
}

/** Parses a positive integer flag. */
export function parsePositiveInt(flag: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${flag}: expected a positive integer, got ${String(v)}`);
  return n;
}

export const sweepCommand: Command = {
  name: 'sweep <scenario>',
  describe: 'Run a grid of --param values × variants × seeds into --out DIR/results.jsonl',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file', demandOption: true })
      .option('param', { type: 'string', array: true, describe: 'swept field: path=v1,v2,... (repeatable; the first is the outermost loop)' })
      .option('variants', { type: 'string', describe: 'comma-separated variant names (default: all)' })
      .option('set', { type: 'string', array: true, describe: 'fixed override for every run: path=value (repeatable)' })
      .option('seeds', { type: 'number', describe: 'seeds per point: seed, seed+1, ... (default 3)' })
      .option('seed', { type: 'number', describe: "first seed (default: the scenario's seed)" })
      .option('workers', { type: 'number', describe: 'parallel worker threads (default 1)' })
      .option('shard', { type: 'string', describe: 'run only shard i of n: grid items with index % n == i (i from 0)' })
      .option('resume', { type: 'boolean', default: false, describe: 'continue an interrupted sweep in --out, skipping finished runs' })
      .option('out', { type: 'string', describe: 'output directory (required)' })
      .example('$0 sweep s.yaml --param topology.replication.shipInterval=0ms,10ms,50ms --seeds 5 --workers 2 --out out/ship', '')
      .example('$0 sweep s.yaml --param failover.detectionTimeout=5s,10s --shard 0/2 --out out/s0', 'first of two shards; join with repsim merge') as unknown as Argv,
  async run(args) {
    const out = args.out;
    if (typeof out !== 'string' || out === '') throw new InputError('sweep: --out DIR is required');
    const params = parseParams(((args.param as string[] | undefined) ?? []).map(String));
    const shard = args.shard === undefined ? undefined : parseShard(String(args.shard));
    const workers = parseWorkers(args.workers);
    const plan = planGrid({
      scenario: args.scenario as string,
      params,
      variants: parseVariantList(args.variants),
      seeds: parsePositiveInt('seeds', args.seeds, 3),
      firstSeed: args.seed as number | undefined,
      sets: ((args.set as string[] | undefined) ?? []).map(String),
      workers,
      shardCount: shard?.count,
    });
    for (const w of plan.warnings) process.stderr.write(`warning: ${w}\n`);
    const pool = createPool(workers);
    let r;
    try {
      r = await runBatch({ plan, pool, outDir: out, shard, resume: args.resume === true, refuseOverwrite: true, stopOnError: true, label: 'sweep' });
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
