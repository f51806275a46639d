// The results directory of a sweep or comparison: `results.jsonl` (one run a
// line, complete lines only, appended as runs finish) and `scenario.json`
// (what was run, with the grid that a resume or merge must match; written
// by temp file + rename). Owns reading back a possibly interrupted file.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { reasonOf, writeFileAtomic } from '../output/files.ts';
import { runKey, type ParamValue, type SweepParam } from './grid.ts';

export const RESULTS_FILE = 'results.jsonl';
export const SCENARIO_FILE = 'scenario.json';

/** scenario.json as sweep/compare write it (the report reads name, description, file, contentHash, variants, params). */
export interface ScenarioJson {
  name: string;
  description?: string;
  /** The scenario file as given on the command line. */
  file: string;
  /** sha256 of the scenario file's text. */
  contentHash: string;
  variants: string[];
  /** Swept parameter paths. */
  params: string[];
  grid: {
    /** Identity of the whole grid (all shards share it). */
    fingerprint: string;
    /** Runs in the whole grid. */
    size: number;
    seeds: number[];
    variants: string[];
    params: SweepParam[];
    /** `--set` expressions applied to every run. */
    sets?: string[];
  };
  /** `i/n` when this directory holds one shard. */
  shard?: string;
}

/** The complete lines of a results file, and the byte length they span (a trailing partial line is not counted). */
export interface ResultsOnDisk {
  lines: string[];
  completeBytes: number;
  /** Bytes of a trailing line with no newline (an interrupted write); 0 normally. */
  partialBytes: number;
}

/** Reads results.jsonl; a missing file reads as empty. */
export function readResultsFile(path: string): ResultsOnDisk {
  if (!existsSync(path)) return { lines: [], completeBytes: 0, partialBytes: 0 };
  const buf = readFileSync(path);
  const end = buf.lastIndexOf(0x0a) + 1;
  const text = buf.subarray(0, end).toString('utf8');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  return { lines, completeBytes: end, partialBytes: buf.length - end };
}

/** The grid key of a results line (variant, seed, params). Throws InputError naming `where` if the line is not a run. */
export function keyOfLine(line: string, paths: readonly string[], where: string): string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new InputError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object') throw new InputError(`${where}: not a run summary`);
  const r = v as { variant?: unknown; seed?: unknown; params?: unknown };
  if (typeof r.variant !== 'string' || typeof r.seed !== 'number') throw new InputError(`${where}: not a run summary (no variant or seed)`);
  const params = (r.params !== null && typeof r.params === 'object' ? r.params : {}) as Record<string, ParamValue>;
  return runKey(r.variant, r.seed, params, paths);
}

/** Reads scenario.json; InputError if missing or not one repsim wrote. */
export function readScenarioJson(dir: string): ScenarioJson {
  const path = join(dir, SCENARIO_FILE);
  if (!existsSync(path)) throw new InputError(`${dir}: no ${SCENARIO_FILE} (not a sweep output directory)`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const g = (v as { grid?: { fingerprint?: unknown } } | null)?.grid;
  if (g === undefined || typeof g.fingerprint !== 'string') throw new InputError(`${path}: no grid fingerprint (not written by repsim sweep)`);
  return v as ScenarioJson;
}

/** Writes scenario.json atomically. */
export function writeScenarioJson(dir: string, info: ScenarioJson): void {
  writeFileAtomic(join(dir, SCENARIO_FILE), JSON.stringify(info, null, 2) + '\n');
}

/**
 * Appends complete lines to results.jsonl, each with one write (a crash
 * leaves at most one partial trailing line, which --resume drops). A failed
 * write is an InputError naming the file (the lines before it stay, for --resume).
 */
export class ResultsAppender {
  private readonly fd: number;
  private position: number;
  constructor(private readonly path: string, opts: { truncateTo?: number } = {}) {
    try {
      this.fd = openSync(path, opts.truncateTo === undefined ? 'w' : 'r+');
      if (opts.truncateTo !== undefined) ftruncateSync(this.fd, opts.truncateTo);
    } catch (e) {
      throw new InputError(`${path}: cannot write: ${reasonOf(e)}`);
    }
    this.position = opts.truncateTo ?? 0;
  }
  append(line: string): void {
    const bytes = Buffer.from(line + '\n', 'utf8');
    try {
      writeSync(this.fd, bytes, 0, bytes.length, this.position);
    } catch (e) {
      throw new InputError(`${this.path}: write failed: ${reasonOf(e)} (the complete lines before it are kept for --resume)`);
    }
    this.position += bytes.length;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** Writes a whole results file atomically (merge, re-ordering after a resume). */
export function writeResultsAtomic(path: string, lines: readonly string[]): void {
  writeFileAtomic(path, lines.map((l) => l + '\n').join(''));
}
