// `repsim check [scenario...]`: runs each scenario's variants over its check
// seeds, asserts `expect:` and invariants, compares with the committed
// baselines (sim/check/checker.ts). Prints one line per case and every
// problem as `scenario variant seed N: path: baseline X, now Y`; writes
// JUnit (--junit) and a Markdown summary (--summary) when asked.
// Exit: 2 if any case is bad input; else 1 if any case failed or has no
// baseline (NEW, unless --update); else 0.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { InputError } from './errors.ts';
import { writeFileAtomic } from './sinks.ts';
import { checkScenarios } from '../check/checker.ts';
import { caseName, exitCodeOf, type CaseOutcome } from '../check/outcome.ts';
import { toJunit } from '../check/junit.ts';
import { toMarkdown } from '../check/markdown.ts';

const STATUS: Record<CaseOutcome['status'], string> = { pass: 'PASS', fail: 'FAIL', new: 'NEW ', updated: 'UPDATED', error: 'ERROR' };

/** The default scenario list: scenarios/*.yaml under the working directory, sorted. */
export function defaultScenarios(cwd = process.cwd()): string[] {
  const dir = join(cwd, 'scenarios');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort().map((f) => join('scenarios', f));
}

export const checkCommand: Command = {
  name: 'check [scenario..]',
  describe: "Run scenarios' seeds, assert their expect: blocks and compare with the committed baselines",
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', array: true, describe: 'scenario YAML files (default: scenarios/*.yaml)' })
      .option('update', { type: 'boolean', default: false, describe: 'rewrite baselines (atomic writes) instead of comparing' })
      .option('junit', { type: 'string', describe: 'write JUnit XML to FILE (one testcase per scenario × variant × seed)' })
      .option('summary', { type: 'string', describe: 'write a Markdown summary to FILE (for CI job pages)' })
      .option('seeds', { type: 'number', describe: "seeds per variant (default: each scenario's check.seeds)" })
      .option('baselines', { type: 'string', describe: 'baselines directory (default: <scenario dir>/baselines)' })
      .option('check-determinism', { type: 'boolean', default: false, describe: 'run every case twice in worker threads and compare the trace hashes' }) as unknown as Argv,
  async run(args) {
    const seeds = args.seeds as number | undefined;
    if (seeds !== undefined && (!Number.isInteger(seeds) || seeds < 1)) throw new InputError(`--seeds: expected a positive integer, got ${String(args.seeds)}`);
    const given = (args.scenario as string[] | undefined) ?? [];
    const files = given.length > 0 ? given : defaultScenarios();
    if (files.length === 0) throw new InputError('check: no scenarios given and scenarios/*.yaml matched nothing');
    const outcomes = await checkScenarios(files, {
      clockMs: () => performance.now(),
      update: args.update === true, seeds, baselines: args.baselines as string | undefined,
      checkDeterminism: args['check-determinism'] === true,
      onCase: (o) => {
        process.stdout.write(`${STATUS[o.status]} ${o.scenario} ${caseName(o)} (${o.seconds.toFixed(1)}s)\n`);
        const stream = o.status === 'pass' || o.status === 'updated' ? process.stdout : process.stderr;
        for (const m of o.messages) stream.write(`  ${m}\n`);
      },
    });
    if (typeof args.junit === 'string') writeFileAtomic(args.junit, toJunit(outcomes));
    if (typeof args.summary === 'string') writeFileAtomic(args.summary, toMarkdown(outcomes));
    const n = (s: CaseOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    process.stdout.write(`check: ${outcomes.length} runs: ${n('pass')} passed, ${n('fail')} failed, ${n('new')} new, ${n('updated')} updated, ${n('error')} errors\n`);
    return exitCodeOf(outcomes);
  },
};
