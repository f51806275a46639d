// `repsim merge <dir>... --out DIR`: joins the outputs of `sweep --shard i/n`
// into exactly what the unsharded sweep writes: results.jsonl in grid order
// (same bytes) and scenario.json without the shard. Refuses shards of
// different grids (scenario.json's grid fingerprint), and missing, duplicated
// or foreign runs.
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { EXIT_OK, InputError } from '../core/errors.ts';
import { checkOutputLocations } from '../output/locations.ts';
import { valueOption } from './options.ts';
import { expandGrid } from '../sweep/grid.ts';
import { keyOfLine, readResultsFile, readScenarioJson, RESULTS_FILE, writeResultsAtomic, writeScenarioJson, type ScenarioJson } from '../sweep/store.ts';

/** Merges shard directories into `outDir`; resolves to the number of runs written. Throws InputError on any mismatch. */
export function mergeShards(dirs: readonly string[], outDir: string): number {
  if (dirs.length === 0) throw new InputError('merge: name at least one shard directory');
  const infos = dirs.map((d) => readScenarioJson(d));
  const first = infos[0] as ScenarioJson;
  infos.forEach((info, i) => {
    if (info.grid.fingerprint !== first.grid.fingerprint) {
      throw new InputError(`merge: ${dirs[i]} and ${dirs[0]} come from different sweeps (grid fingerprint ${info.grid.fingerprint} vs ${first.grid.fingerprint})`);
    }
  });
  const spec = { scenarioHash: first.contentHash, params: first.grid.params, variants: first.grid.variants, seeds: first.grid.seeds, ...(first.grid.sets ? { sets: first.grid.sets } : {}) };
  const items = expandGrid(spec);
  const paths = spec.params.map((p) => p.path);
  const wanted = new Set(items.map((i) => i.key));
  const found = new Map<string, { line: string; where: string }>();
  for (const dir of dirs) {
    const file = join(dir, RESULTS_FILE);
    const r = readResultsFile(file);
    if (r.partialBytes > 0) throw new InputError(`merge: ${file} ends with a partial line (an interrupted shard); finish it with sweep --resume first`);
    r.lines.forEach((line, n) => {
      const where = `${file}:${n + 1}`;
      const key = keyOfLine(line, paths, where);
      if (!wanted.has(key)) throw new InputError(`merge: ${where}: run ${key} is not part of the grid`);
      const prev = found.get(key);
      if (prev) throw new InputError(`merge: run ${key} appears twice (${prev.where} and ${where})`);
      found.set(key, { line, where });
    });
  }
  const missing = items.filter((i) => !found.has(i.key));
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).map((i) => i.key).join(', ');
    throw new InputError(`merge: ${missing.length} of ${items.length} runs are missing (e.g. ${shown}); run the missing shards or resume them`);
  }
  writeResultsAtomic(join(outDir, RESULTS_FILE), items.map((i) => (found.get(i.key) as { line: string }).line));
  const { shard: _shard, ...unsharded } = first;
  writeScenarioJson(outDir, unsharded);
  return items.length;
}

export const mergeCommand: Command = {
  name: 'merge <dirs...>',
  describe: 'Join the outputs of sweep --shard i/n into what the unsharded sweep writes',
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, describe: 'shard output directories' })
      .option('out', { ...valueOption('out', 'output directory'), demandOption: true })
      .example('$0 merge out/s0 out/s1 --out out/all', '') as unknown as Argv,
  async run(args) {
    const out = args.out as string;
    const dirs = (Array.isArray(args.dirs) ? args.dirs : [args.dirs]).map(String);
    checkOutputLocations([{ flag: '--out', path: out, kind: 'dir' }]);
    const n = mergeShards(dirs, out);
    process.stdout.write(`merged ${dirs.length} shard(s): ${n} runs to ${join(out, RESULTS_FILE)}\n`);
    return EXIT_OK;
  },
};
