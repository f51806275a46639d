// `repsim run <scenario.yaml>`: one run, printed as a table or JSON, with
// optional summary/charts, trace and history files. The order is the
// contract: flags (yargs), then the scenario, then every output location,
// and only then the run; the files appear together when everything is
// written (sim/output/files.ts), and a failure anywhere leaves none of them.
import { checkBudget } from '../scenario/machine.ts';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { loadCase, replayCommand, runLoadedCase, type CaseSpec } from '../case.ts';
import { OutputSet, reasonOf } from '../output/files.ts';
import { InputError } from '../core/errors.ts';
import { checkOutputLocations, type OutputLocation } from '../output/locations.ts';
import { formatSummary } from './format.ts';
import { jsonPieces } from '../output/json-stream.ts';
import { once } from 'node:events';
import type { HistoryRecord, TraceEvent } from '../measure/history.ts';
import type { Summary } from '../scenario/summary-types.ts';
import { EdnHistoryBuffer } from '../measure/history-format.ts';
import { checkDeterminism } from '../check/determinism.ts';
import { listOption, seedOption, valueOption } from './options.ts';
import { simulatedProgress } from './progress.ts';
import { PRICES_OPTION, readPriceBook, withPrices } from './prices.ts';

const SUMMARY_FILE = 'summary.json';
const CHARTS_DIR = 'charts'; // = CHARTS_DIR of sim/report (not imported: the renderer loads only when needed)

export const runCommand: Command = {
  name: 'run <scenario>',
  describe: 'Run one scenario once and print its summary',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file', demandOption: true })
      .option('seed', seedOption("seed (default: the scenario's seed)"))
      .option('variant', valueOption('variant', 'variant name from the scenario'))
      .option('set', listOption('set', 'override: path=value (repeatable)'))
      .option('json', { type: 'boolean', default: false, describe: 'print the summary JSON on stdout' })
      .option('out', valueOption('out', "directory for summary.json and the run's charts (charts/NAME.{vl.json,svg,png})"))
      .option('trace', valueOption('trace', 'write a JSONL event trace to FILE'))
      .option('history', valueOption('history', 'write the operation history (JSONL) to FILE'))
      .option('history-format', { type: 'string', requiresArg: true, choices: ['jsonl', 'jepsen'], default: 'jsonl', describe: 'history file format: jsonl (one record per line) or jepsen (EDN op maps, for Elle/Knossos)' })
      .option('prices', PRICES_OPTION)
      .option('check-determinism', { type: 'boolean', default: false, describe: 'run twice in worker threads and compare the trace hashes first; exit 1 on a mismatch' }) as unknown as Argv,
  async run(args) {
    const book = typeof args.prices === 'string' ? readPriceBook(args.prices) : undefined;
    const sets = book ? withPrices(book, args.scenario as string, (args.set as string[] | undefined) ?? []) : (args.set as string[] | undefined);
    const spec: CaseSpec = { file: args.scenario as string, seed: args.seed as number | undefined, variant: args.variant as string | undefined, sets };
    const out = args.out as string | undefined;
    const tracePath = args.trace as string | undefined;
    const historyPath = args.history as string | undefined;
    // Bad input must leave no file behind, not even an empty one: load, then check every location, then open.
    const loaded = loadCase(spec);
    for (const w of checkBudget(loaded)) process.stderr.write(`warning: ${w}\n`);
    const locations: OutputLocation[] = [];
    if (out !== undefined) {
      locations.push({ flag: '--out', path: out, kind: 'dir' }, { flag: '--out', path: join(out, SUMMARY_FILE), kind: 'file' }, { flag: '--out', path: join(out, CHARTS_DIR), kind: 'dir' });
    }
    if (tracePath !== undefined) locations.push({ flag: '--trace', path: tracePath, kind: 'file' });
    if (historyPath !== undefined) locations.push({ flag: '--history', path: historyPath, kind: 'file' });
    checkOutputLocations(locations);
    if (out !== undefined) {
      // --out's charts directory is replaced as a whole: a trace or history inside it would be deleted.
      const charts = resolve(out, CHARTS_DIR);
      for (const [flag, p] of [['--trace', tracePath], ['--history', historyPath]] as const) {
        if (p !== undefined && resolve(p).startsWith(`${charts}/`)) throw new InputError(`${flag} ${p}: inside ${join(out, CHARTS_DIR)}, which --out replaces on every run; write it elsewhere`);
      }
    }

    if (args['check-determinism'] === true) {
      const d = await checkDeterminism({ file: spec.file, seed: spec.seed, variant: spec.variant, sets: spec.sets });
      if (!d.ok) {
        for (const l of d.report) process.stderr.write(`${l}\n`);
        return 1;
      }
      process.stderr.write(`determinism: ok (${d.events} trace events, sha256 ${d.hash.slice(0, 16)})\n`);
    }

    const outputs = new OutputSet();
    let summary: Summary;
    try {
      const trace = tracePath !== undefined ? outputs.jsonl<TraceEvent>(tracePath, `--trace ${tracePath}`) : undefined;
      const jepsen = args['history-format'] === 'jepsen';
      const history = historyPath !== undefined && !jepsen ? outputs.jsonl<HistoryRecord>(historyPath, `--history ${historyPath}`) : undefined;
      const edn = historyPath !== undefined && jepsen ? new EdnHistoryBuffer() : undefined;
      const bar = simulatedProgress(loaded.scenario.duration, 'run', { quiet: args.json === true });
      try {
        summary = runLoadedCase(spec, loaded, { trace, history: history ?? edn, onProgress: bar.onProgress }).summary;
      } finally {
        bar.stop();
      }
      for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
      if (edn !== undefined && historyPath !== undefined) {
        const f = outputs.jsonl<never>(historyPath, `--history ${historyPath}`);
        for (const line of edn.lines()) f.writeLine(line);
      }
      if (out !== undefined) {
        outputs.file(join(out, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n', `--out ${out}`);
        // The run's charts (README.md (Commands)): staleness CDF, lag over time, RPO/RTO, timeline.
        const staged = outputs.stagedDir(join(out, CHARTS_DIR), `--out ${out}`);
        const { writeCharts } = await import('../report/index.ts');
        try {
          await writeCharts([summary], staged);
        } catch (e) {
          if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string') throw new InputError(`--out ${out}: cannot write the charts: ${reasonOf(e)}`);
          throw e;
        }
      }
      outputs.commit();
    } catch (e) {
      outputs.abort();
      throw e;
    }
    if (out !== undefined) process.stderr.write(`wrote ${join(out, SUMMARY_FILE)} and the run's charts in ${join(out, CHARTS_DIR)}\n`);
    if (args.json) {
      // In pieces: a long run's summary as one string would cost twice its size (sim/output/json-stream.ts).
      for (const piece of jsonPieces(summary)) if (!process.stdout.write(piece)) await once(process.stdout, 'drain');
      process.stdout.write('\n');
    } else process.stdout.write(formatSummary(summary) + '\n');
    if (summary.invariantViolations.length > 0) {
      for (const v of summary.invariantViolations) process.stderr.write(`${v}\n`);
      process.stderr.write(`seed ${summary.seed}; replay: ${replayCommand(spec, summary.seed)}\n`);
      return 1;
    }
    return 0;
  },
};
