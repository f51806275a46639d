// `repsim check [scenario...]`: runs each scenario's variants over its check
// seeds, asserts `expect:` and invariants, compares with the committed
// baselines (sim/check/checker.ts). Prints one line per case and every
// problem as `scenario variant seed N: path: baseline X, now Y`; writes
// JUnit (--junit) and a Markdown summary (--summary) when asked.
// Exit: 2 if any case is bad input; else 1 if any case failed or has no
// baseline (NEW, unless --update); else 0.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { InputError } from '../core/errors.ts';
import { writeFileAtomic } from '../output/files.ts';
import { checkOutputLocations, type OutputLocation } from '../output/locations.ts';
import { listVariants, loadScenario } from '../scenario/loader.ts';
import { countOption, valueOption } from './options.ts';
import { runsProgress, showsProgress } from './progress.ts';
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
      .option('junit', valueOption('junit', 'write JUnit XML to FILE (one testcase per scenario × variant × seed)'))
      .option('summary', valueOption('summary', 'write a Markdown summary to FILE (for CI job pages)'))
      .option('seeds', countOption('seeds', 1, 10_000, "seeds per variant (default: each scenario's check.seeds)"))
      .option('baselines', valueOption('baselines', 'baselines directory (default: <scenario dir>/baselines)'))
      .option('check-determinism', { type: 'boolean', default: false, describe: 'run every case twice in worker threads and compare the trace hashes' }) as unknown as Argv,
  async run(args) {
    const seeds = args.seeds as number | undefined;
    const given = (args.scenario as string[] | undefined) ?? [];
    const files = given.length > 0 ? given : defaultScenarios();
    if (files.length === 0) throw new InputError('check: no scenarios given and scenarios/*.yaml matched nothing');
    const junit = args.junit as string | undefined;
    const summaryFile = args.summary as string | undefined;
    const locations: OutputLocation[] = [];
    if (junit !== undefined) locations.push({ flag: '--junit', path: junit, kind: 'file' });
    if (summaryFile !== undefined) locations.push({ flag: '--summary', path: summaryFile, kind: 'file' });
    // The baselines are read from, and with --update written under, a directory: checked like every other output.
    const baselines = args.baselines as string | undefined;
    if (baselines !== undefined) locations.push({ flag: '--baselines', path: baselines, kind: 'dir' });
    else if (args.update === true) for (const root of new Set(files.map((f) => join(dirname(f), 'baselines')))) locations.push({ flag: '--update', path: root, kind: 'dir' });
    checkOutputLocations(locations);
    const bar = runsProgress(showsProgress() ? countCases(files, seeds) : 0, 'check');
    let outcomes: CaseOutcome[];
    try {
      outcomes = await checkScenarios(files, {
        clockMs: () => performance.now(),
        update: args.update === true, seeds, baselines: args.baselines as string | undefined,
        checkDeterminism: args['check-determinism'] === true,
        onCase: (o) => {
          bar.interrupt();
          process.stdout.write(`${STATUS[o.status]} ${o.scenario} ${caseName(o)} (${o.seconds.toFixed(1)}s)\n`);
          const stream = o.status === 'pass' || o.status === 'updated' ? process.stdout : process.stderr;
          for (const m of o.messages) stream.write(`  ${m}\n`);
          bar.tick();
        },
      });
    } finally {
      bar.stop();
    }
    if (junit !== undefined) writeFileAtomic(junit, toJunit(outcomes), `--junit ${junit}`);
    if (summaryFile !== undefined) writeFileAtomic(summaryFile, toMarkdown(outcomes), `--summary ${summaryFile}`);
    const n = (s: CaseOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    process.stdout.write(`check: ${outcomes.length} runs: ${n('pass')} passed, ${n('fail')} failed, ${n('new')} new, ${n('updated')} updated, ${n('error')} errors\n`);
    return exitCodeOf(outcomes);
  },
};

/** How many cases check will run (for the progress bar; a scenario that does not load counts once per variant it names). */
function countCases(files: readonly string[], seeds: number | undefined): number {
  let n = 0;
  for (const file of files) {
    try {
      const variants = Math.max(1, listVariants(file).length);
      n += variants * (seeds ?? loadScenario(file).scenario.check.seeds);
    } catch {
      n += 1;
    }
  }
  return n;
}
