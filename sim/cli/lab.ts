// `repsim lab <scenario.yaml>`: runs the scenario against real PostgreSQL
// streaming replication (a consensus scenario: a real etcd cluster) on this machine (--trials M real runs) and the
// simulator beside it (--seeds N), and prints one table: metric, simulated
// mean ± 95% interval, measured value per trial, verdict; then the
// calibration. Exit 0 when every judged metric agrees, 1 when one does not,
// 2 for a scenario the lab cannot build or a missing PostgreSQL (docs/model.md).
// --out DIR writes results.jsonl with both (the real runs as `<variant>@lab`)
// and the report; --history FILE the first trial's operation history.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { InputError } from './errors.ts';
import { loadScenario } from '../scenario/loader.ts';
import type { HistoryRecord } from '../measure/history.ts';

function positiveInt(flag: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${flag}: expected a positive integer, got ${String(v)}`);
  return n;
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.partial-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export const labCommand: Command = {
  name: 'lab <scenario>',
  describe: 'Run the scenario against real PostgreSQL on this machine and compare with the simulator',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', describe: 'scenario YAML file (single-primary, WAL)', demandOption: true })
      .option('trials', { type: 'number', describe: 'real runs (default 1)' })
      .option('seeds', { type: 'number', describe: 'simulated runs beside them: seed, seed+1, ... (default 5)' })
      .option('seed', { type: 'number', describe: "first seed (default: the scenario's seed)" })
      .option('variant', { type: 'string', describe: 'variant name from the scenario' })
      .option('set', { type: 'string', array: true, describe: 'override: path=value (repeatable)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON on stdout' })
      .option('out', { type: 'string', describe: 'write results.jsonl (simulated and `<variant>@lab` runs), scenario.json and the report to DIR' })
      .option('history', { type: 'string', describe: "write the first trial's operation history (JSONL) to FILE" })
      .option('keep', { type: 'boolean', default: false, hidden: true, describe: 'keep the data directories (debugging)' })
      .example('$0 lab scenarios/lab/steady-lag.yaml --trials 2', '') as unknown as Argv,
  async run(args) {
    const trials = positiveInt('trials', args.trials, 1);
    const seeds = positiveInt('seeds', args.seeds, 5);
    const seedArg = args.seed;
    if (seedArg !== undefined && (!Number.isInteger(seedArg) || (seedArg as number) < 0)) throw new InputError(`--seed: expected a non-negative integer, got ${String(seedArg)}`);
    const out = args.out;
    if (out !== undefined && (typeof out !== 'string' || out === '')) throw new InputError('lab: --out needs a directory');
    const file = args.scenario as string;
    const loaded = loadScenario(file, { sets: ((args.set as string[] | undefined) ?? []).map(String), variant: args.variant as string | undefined });
    const { labProblems, locateLabProblems } = await import('../lab/support.ts');
    const problems = labProblems(loaded.scenario);
    if (problems.length > 0) throw new InputError(locateLabProblems(file, problems));
    // A consensus scenario runs against etcd (sim/lab/etcd-lab.ts), every other against PostgreSQL.
    const consensus = loaded.scenario.topology.kind === 'consensus';
    const { findPostgres } = await import('../lab/postgres.ts');
    const { findEtcd } = await import('../lab/etcd.ts');
    const db = consensus ? findEtcd() : findPostgres();
    if (typeof db === 'string') throw new InputError(`lab: ${db}`);
    for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);

    const history: HistoryRecord[] | undefined = typeof args.history === 'string' ? [] : undefined;
    const common = {
      loaded, seeds, trials, firstSeed: (seedArg as number | undefined) ?? loaded.scenario.seed,
      log: (s: string) => process.stderr.write(`${s}\n`),
      history: history ? (h: HistoryRecord) => history.push(h) : undefined,
      keep: args.keep === true,
      onClusterUp: (dir: string) => process.stderr.write(`lab: cluster up in ${dir}\n`),
    };
    const r = 'majorVersion' in db
      ? await (await import('../lab/run-lab.ts')).runLab({ ...common, pg: db })
      : await (await import('../lab/etcd-lab.ts')).runEtcdLab({ ...common, etcd: db });
    const real = 'majorVersion' in db ? `PostgreSQL ${db.majorVersion}` : `etcd ${db.version}`;
    const { formatLabTable, labTableJson } = await import('../lab/compare.ts');
    if (args.json) {
      process.stdout.write(JSON.stringify({ scenario: loaded.scenario.name, variant: loaded.variant, seeds, trials, agrees: r.agrees, rows: labTableJson(r.rows), calibration: r.calibration ?? null }, null, 2) + '\n');
    } else {
      const lines = [`${loaded.scenario.name} (${loaded.variant}): simulated vs real ${real}`, formatLabTable(r.rows, seeds)];
      if (r.calibration) {
        lines.push('', `calibration (fitted together): hop overhead ${r.calibration.overheadPerHopMs} ms, apply time ${r.calibration.applyMeanUs} µs; to make the simulator match this machine, set:`);
        lines.push(...r.calibration.yaml.split('\n').map((l) => `  ${l}`));
        for (const n of r.calibration.notes) lines.push(`  (${n})`);
      }
      lines.push('', r.agrees ? 'every judged metric agrees' : 'some judged metric does not agree (OFF above)');
      process.stdout.write(lines.join('\n') + '\n');
    }
    if (history && typeof args.history === 'string') writeAtomic(args.history, history.map((h) => JSON.stringify(h)).join('\n') + (history.length > 0 ? '\n' : ''));
    if (typeof out === 'string') {
      const runs = [...r.sim, ...r.lab];
      writeAtomic(join(out, 'results.jsonl'), runs.map((s) => JSON.stringify(s)).join('\n') + '\n');
      const variants = [loaded.variant, `${loaded.variant}@lab`];
      const seedList = r.sim.map((s) => s.seed);
      writeAtomic(join(out, 'scenario.json'), JSON.stringify({
        name: loaded.scenario.name, ...(loaded.scenario.description !== undefined ? { description: loaded.scenario.description } : {}),
        file, contentHash: loaded.contentHash, variants, params: [],
        grid: { fingerprint: `lab-${loaded.contentHash.slice(0, 16)}`, size: runs.length, seeds: seedList, variants, params: [] },
      }, null, 2) + '\n');
      const { writeReport } = await import('../report/index.ts');
      const rep = await writeReport(out);
      process.stderr.write(`wrote ${join(out, 'results.jsonl')} and ${rep.indexHtml}\n`);
    }
    return r.agrees ? 0 : 1;
  },
};
