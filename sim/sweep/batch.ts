// A batch of runs into a results directory: the part sweep, compare and the
// main job share. Writes scenario.json first (temp + rename), then streams
// results.jsonl in grid order; with `resume`, keeps the complete lines of an
// earlier attempt of the same grid (same fingerprint and shard), drops a
// trailing partial line, and runs only what is missing.
import { existsSync } from 'node:fs';
import { makeDirs, reasonOf } from '../output/files.ts';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { GridItem } from './grid.ts';
import type { Plan } from './plan.ts';
import type { RunPool } from './pool.ts';
import { runGrid, type GridRunResult, type Progress } from './runner.ts';
import { formatShard, inShard, type Shard } from './shard.ts';
import {
  keyOfLine, readResultsFile, readScenarioJson, RESULTS_FILE, ResultsAppender, writeResultsAtomic, writeScenarioJson,
} from './store.ts';

export interface BatchOptions {
  plan: Plan;
  pool: RunPool;
  /** Results directory; none: keep the lines in memory only. */
  outDir?: string | undefined;
  shard?: Shard | undefined;
  resume?: boolean;
  /** Refuse to overwrite an existing non-empty results.jsonl unless resuming (sweep); compare overwrites. */
  refuseOverwrite?: boolean;
  stopOnError: boolean;
  skipFailedVariants?: boolean;
  /** Makes the progress reporter for the runs still to do (the CLI draws a bar); none: silent. */
  progress?: ((total: number) => Progress) | undefined;
}

export interface BatchResult extends GridRunResult {
  /** Every result line of this shard, in grid order (resumed and new). */
  lines: string[];
  /** The items of this shard, in grid order. */
  items: GridItem[];
  /** Runs kept from an earlier attempt. */
  resumed: number;
  resultsFile?: string;
}

/** Runs the plan's items of `shard` that are not done yet. */
export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const items: GridItem[] = [];
  for (const it of o.plan.items) if (inShard(it.index, o.shard)) items.push(it);
  const paths = o.plan.spec.params.map((p) => p.path);
  const done = new Map<string, string>();
  let appender: ResultsAppender | undefined;
  let resultsFile: string | undefined;

  if (o.outDir !== undefined) {
    try {
      makeDirs(o.outDir);
    } catch (e) {
      throw new InputError(`${o.outDir}: cannot create directory: ${reasonOf(e)}`);
    }
    resultsFile = join(o.outDir, RESULTS_FILE);
    const existing = readResultsFile(resultsFile);
    let keep = 0;
    if (o.resume && existsSync(resultsFile)) {
      const prior = readScenarioJson(o.outDir);
      if (prior.grid.fingerprint !== o.plan.fingerprint) {
        throw new InputError(`${o.outDir}: --resume: the results there come from a different grid (fingerprint ${prior.grid.fingerprint}, this sweep ${o.plan.fingerprint}); the scenario file, --param, --variants or --seeds changed`);
      }
      const want = o.shard ? formatShard(o.shard) : undefined;
      if (prior.shard !== want) throw new InputError(`${o.outDir}: --resume: that directory holds ${prior.shard ? `shard ${prior.shard}` : 'an unsharded sweep'}, not ${want ? `shard ${want}` : 'an unsharded sweep'}`);
      const mine = new Set(items.map((i) => i.key));
      existing.lines.forEach((line, n) => {
        const where = `${resultsFile}:${n + 1}`;
        const key = keyOfLine(line, paths, where);
        if (!mine.has(key)) throw new InputError(`${where}: this run is not part of this sweep${o.shard ? ` shard` : ''}`);
        if (done.has(key)) throw new InputError(`${where}: this run appears twice`);
        done.set(key, line);
      });
      keep = existing.completeBytes;
    } else if (o.refuseOverwrite && existing.lines.length + existing.partialBytes > 0) {
      throw new InputError(`${o.outDir}: already holds ${RESULTS_FILE} (${existing.lines.length} runs); pass --resume to continue it, or choose another --out`);
    }
    const info = { ...o.plan.info, ...(o.shard ? { shard: formatShard(o.shard) } : {}) };
    writeScenarioJson(o.outDir, info);
    appender = new ResultsAppender(resultsFile, o.resume ? { truncateTo: keep } : {});
  }

  const todo = items.filter((i) => !done.has(i.key));
  const fresh = new Map<string, string>();
  let result: GridRunResult;
  try {
    result = await runGrid(todo, {
      scenario: o.plan.info.file,
      pool: o.pool,
      stopOnError: o.stopOnError,
      skipFailedVariants: o.skipFailedVariants ?? false,
      ...(o.progress !== undefined ? { progress: o.progress(todo.length) } : {}),
      onLine: (item, line) => {
        appender?.append(line);
        fresh.set(item.key, line);
      },
    });
  } finally {
    appender?.close();
  }

  const lines: string[] = [];
  for (const it of items) {
    const line = done.get(it.key) ?? fresh.get(it.key);
    if (line !== undefined) lines.push(line);
  }
  // Kept lines were a grid-order prefix and new lines were appended in grid
  // order; if an earlier attempt left them otherwise, put the file in order.
  if (resultsFile !== undefined && done.size > 0 && fresh.size > 0) {
    const onDisk = readResultsFile(resultsFile).lines;
    if (onDisk.some((l, i) => l !== lines[i])) writeResultsAtomic(resultsFile, lines);
  }
  return { ...result, lines, items, resumed: done.size, ...(resultsFile !== undefined ? { resultsFile } : {}) };
}

/** One line per distinct failure reason, naming the variant (and values) it hit. */
export function describeFailures(failures: GridRunResult['failures']): string[] {
  const seen = new Map<string, string>();
  for (const f of failures) {
    const what = [f.item.variant !== 'base' ? `variant ${f.item.variant}` : '', ...f.item.sets].filter((s) => s !== '').join(', ');
    for (const p of f.problems) {
      const line = what === '' ? p : `${what}: ${p}`;
      if (!seen.has(line)) seen.set(line, line);
    }
  }
  return [...seen.values()];
}
