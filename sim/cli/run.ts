// `repsim run <scenario.yaml>`: one run, printed as a table or JSON, with
// optional summary/trace/history files. Output files appear only when the
// run completed.
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { loadScenario } from '../scenario/loader.ts';
import { simulate } from '../run.ts';
import { CheckFailure, InputError } from './errors.ts';
import type { LoadedScenario } from '../scenario/loader.ts';
import { JsonlFile, writeFileAtomic } from './sinks.ts';
import { formatSummary } from './format.ts';
import type { HistoryRecord, HistoryWriter, TraceEvent, TraceWriter } from '../measure/history.ts';
import type { Summary } from '../measure/summary-types.ts';
import { EdnHistoryBuffer } from '../measure/history-format.ts';
import { checkDeterminism } from '../check/determinism.ts';
import { checkBudget } from '../scenario/machine.ts';

export interface RunArgs {
  scenario: string;
  seed?: number | undefined;
  variant?: string | undefined;
  set?: string[] | undefined;
}

type Sinks = { trace?: TraceWriter | undefined; history?: HistoryWriter | undefined };

/** Loads and runs one scenario (shared by run, compare, sweep). */
export function runOnce(a: RunArgs, sinks: Sinks = {}): { summary: Summary; warnings: string[] } {
  const loaded = loadScenario(a.scenario, { sets: a.set ?? [], variant: a.variant });
  checkBudget(loaded); // refuses (exit 2) what cannot fit; a batch prints its own time warning
  return runLoaded(a, loaded, sinks);
}

/** The command that replays a run exactly. */
export function replayCommand(a: RunArgs, seed: number): string {
  const q = (s: string) => (/^[\w./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ['repsim run', q(a.scenario), `--seed ${seed}`, ...(a.variant ? [`--variant ${q(a.variant)}`] : []), ...(a.set ?? []).map((s) => `--set ${q(s)}`)].join(' ');
}

/**
 * Runs a loaded scenario. An invariant broken inside the model (thrown as
 * `invariant: ...`) is a check failure (exit 1) naming the seed and the
 * replay command, not a crash.
 */
function runLoaded(a: RunArgs, loaded: LoadedScenario, sinks: Sinks): { summary: Summary; warnings: string[] } {
  const seed = a.seed ?? loaded.scenario.seed;
  try {
    const summary = simulate(loaded.scenario, { seed, variant: loaded.variant, contentHash: loaded.contentHash, trace: sinks.trace, history: sinks.history });
    return { summary, warnings: loaded.warnings };
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('invariant:')) {
      throw new CheckFailure(`${e.message}\nseed ${seed}; replay: ${replayCommand(a, seed)}`);
    }
    throw e;
  }
}

export const runCommand: Command = {
  name: 'run <scenario>',
  describe: 'Run one scenario once and print its summary',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file', demandOption: true })
      .option('seed', { type: 'number', describe: "seed (default: the scenario's seed)" })
      .option('variant', { type: 'string', describe: 'variant name from the scenario' })
      .option('set', { type: 'string', array: true, describe: 'override: path=value (repeatable)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary JSON on stdout' })
      .option('out', { type: 'string', describe: 'directory for summary.json and the run\'s charts (charts/NAME.{vl.json,svg,png})' })
      .option('trace', { type: 'string', describe: 'write a JSONL event trace to FILE' })
      .option('history', { type: 'string', describe: 'write the operation history (JSONL) to FILE' })
      .option('history-format', { type: 'string', choices: ['jsonl', 'jepsen'], default: 'jsonl', describe: 'history file format: jsonl (one record per line) or jepsen (EDN op maps, for Elle/Knossos)' })
      .option('check-determinism', { type: 'boolean', default: false, describe: 'run twice in worker threads and compare the trace hashes first; exit 1 on a mismatch' }) as unknown as Argv,
  async run(args) {
    const seed = args.seed as number | undefined;
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new InputError(`--seed: expected a non-negative integer, got ${String(args.seed)}`);
    const runArgs: RunArgs = { scenario: args.scenario as string, seed, variant: args.variant as string | undefined, set: args.set as string[] | undefined };
    // Load first: bad input must leave no file behind, not even an empty one.
    const loaded = loadScenario(runArgs.scenario, { sets: runArgs.set ?? [], variant: runArgs.variant });
    for (const w of checkBudget(loaded)) process.stderr.write(`warning: ${w}\n`);
    const trace = typeof args.trace === 'string' ? new JsonlFile<TraceEvent>(args.trace) : undefined;
    const jepsen = args['history-format'] === 'jepsen';
    const history = typeof args.history === 'string' && !jepsen ? new JsonlFile<HistoryRecord>(args.history) : undefined;
    const edn = typeof args.history === 'string' && jepsen ? new EdnHistoryBuffer() : undefined;
    if (args['check-determinism'] === true) {
      const d = await checkDeterminism({ file: args.scenario as string, seed, variant: args.variant as string | undefined, sets: args.set as string[] | undefined });
      if (!d.ok) {
        trace?.abort();
        history?.abort();
        for (const l of d.report) process.stderr.write(`${l}\n`);
        return 1;
      }
      process.stderr.write(`determinism: ok (${d.events} trace events, sha256 ${d.hash.slice(0, 16)})\n`);
    }
    let summary: Summary;
    try {
      const r = runLoaded(runArgs, loaded, { trace, history: history ?? edn });
      summary = r.summary;
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    } catch (e) {
      trace?.abort();
      history?.abort();
      throw e;
    }
    trace?.commit();
    history?.commit();
    if (edn && typeof args.history === 'string') {
      const f = new JsonlFile<never>(args.history);
      for (const line of edn.lines()) f.writeLine(line);
      f.commit();
    }
    const json = JSON.stringify(summary, null, 2) + '\n';
    if (typeof args.out === 'string') {
      writeFileAtomic(join(args.out, 'summary.json'), json);
      // The run's charts (SPEC §3): staleness CDF, lag over time, RPO/RTO, timeline.
      const { writeCharts, CHARTS_DIR } = await import('../report/index.ts');
      const files = await writeCharts([summary], join(args.out, CHARTS_DIR));
      process.stderr.write(`wrote ${join(args.out, 'summary.json')} and ${files.length / 3} charts in ${join(args.out, CHARTS_DIR)}\n`);
    }
    if (args.json) process.stdout.write(json);
    else process.stdout.write(formatSummary(summary) + '\n');
    if (summary.invariantViolations.length > 0) {
      for (const v of summary.invariantViolations) process.stderr.write(`${v}\n`);
      process.stderr.write(`seed ${summary.seed}; replay: ${replayCommand(runArgs, summary.seed)}\n`);
      return 1;
    }
    return 0;
  },
};
