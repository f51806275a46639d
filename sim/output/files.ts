// Writing output files so that a failure never leaves a partial one behind:
// every file is written to a temporary name beside its target and renamed
// into place only when complete. `OutputSet` groups the files of one command
// (trace, history, summary, charts): nothing is renamed until all of them
// are complete, and on any failure every temporary file and every directory
// the set created is removed again. A failed write is one InputError naming
// the flag, the path and the reason (exit 2), never a stack trace.
//
// Directories are created one level at a time (never mkdir -p): Node's
// recursive mkdir spins forever under /proc, and the levels created are
// what a failure must remove.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';

/** A short reason for a filesystem error: `ENOSPC: no space left on device`. */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = e.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
    return code !== undefined ? `${code}: ${msg}` : msg;
  }
  return String(e);
}

/** Creates `dir` and any missing parents one level at a time; returns the directories it created, outermost first. */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.unshift(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  const created: string[] = [];
  try {
    for (const m of missing) {
      mkdirSync(m);
      created.push(m);
    }
  } catch (e) {
    removeDirs(created);
    throw e;
  }
  return created;
}

/** Removes directories (innermost first) that are still empty. */
function removeDirs(dirs: readonly string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* not empty (something else wrote there) or already gone: leave it */
    }
  }
}

function tempName(path: string): string {
  return `${path}.partial-${process.pid}`;
}

/** A JSON Lines file streamed to a temporary name, renamed into place by commit(). */
export class JsonlFile<T> {
  private fd: number | undefined;
  private readonly tmp: string;
  private buf: string[] = [];
  private bytes = 0;

  /** `label` names the file in messages (e.g. `--trace out/t.jsonl`). The directory must exist. */
  constructor(readonly path: string, private readonly label: string = path) {
    this.tmp = tempName(path);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw new InputError(`${this.label}: cannot write: ${reasonOf(e)}`);
    }
  }

  write(record: T): void {
    this.writeLine(JSON.stringify(record));
  }

  /** Writes raw lines (already formatted). */
  writeLine(line: string): void {
    this.buf.push(line);
    this.bytes += line.length;
    if (this.bytes > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0 || this.fd === undefined) return;
    const text = this.buf.join('\n') + '\n';
    this.buf = [];
    this.bytes = 0;
    try {
      writeSync(this.fd, text);
    } catch (e) {
      throw new InputError(`${this.label}: write failed: ${reasonOf(e)}`);
    }
  }

  /** Writes what is buffered and closes the temporary file (it is renamed by rename()). */
  finish(): void {
    this.flush();
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        closeSync(fd);
      } catch (e) {
        throw new InputError(`${this.label}: write failed: ${reasonOf(e)}`);
      }
    }
  }

  /** Moves the finished file into place. */
  rename(): void {
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      throw new InputError(`${this.label}: cannot write: ${reasonOf(e)}`);
    }
  }

  /** Completes the file: finish() then rename(). */
  commit(): void {
    this.finish();
    this.rename();
  }

  /** Abandons the file: the temporary one is removed. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
    rmSync(this.tmp, { force: true });
  }
}

/** Writes `content` as the whole of the file `path` (created or truncated). */
function writeWhole(path: string, content: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    if (typeof content === 'string') writeSync(fd, content);
    else writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/** Writes a whole file atomically (temp file + rename), creating its directory. A failure is an InputError naming `label` (default: the path); nothing is left behind. */
export function writeFileAtomic(path: string, content: string | Uint8Array, label: string = path): void {
  let created: string[] = [];
  const tmp = tempName(path);
  try {
    created = makeDirs(dirname(path));
    writeWhole(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    removeDirs(created);
    throw e instanceof InputError ? e : new InputError(`${label}: cannot write: ${reasonOf(e)}`);
  }
}

/**
 * The output files of one command, completed together. Stream files
 * (jsonl), whole files (file) and whole directories (stagedDir, filled by
 * someone else) are prepared under temporary names; commit() renames them
 * all into place, abort() removes every trace of them.
 */
export class OutputSet {
  private readonly createdDirs: string[] = [];
  private readonly streams: Array<JsonlFile<unknown>> = [];
  private readonly files: Array<{ tmp: string; path: string; label: string }> = [];
  private readonly dirs: Array<{ tmp: string; path: string; label: string }> = [];
  /** Targets already renamed into place by a commit in progress (removed again if a later one fails). */
  private readonly placed: string[] = [];
  private done = false;

  /** Makes sure `dir` exists (remembering what it created). */
  ensureDir(dir: string, label: string): void {
    try {
      this.createdDirs.push(...makeDirs(dir));
    } catch (e) {
      throw new InputError(`${label}: cannot create directory ${dir}: ${reasonOf(e)}`);
    }
  }

  /** A JSON Lines file to stream into. */
  jsonl<T>(path: string, label: string): JsonlFile<T> {
    this.ensureDir(dirname(path), label);
    const f = new JsonlFile<T>(path, label);
    this.streams.push(f as JsonlFile<unknown>);
    return f;
  }

  /** A whole file, written now under a temporary name. */
  file(path: string, content: string | Uint8Array, label: string): void {
    this.ensureDir(dirname(path), label);
    const tmp = tempName(path);
    this.files.push({ tmp, path, label });
    try {
      writeWhole(tmp, content);
    } catch (e) {
      throw new InputError(`${label}: cannot write ${path}: ${reasonOf(e)}`);
    }
  }

  /** A directory to fill (its temporary path is returned); it replaces `path` on commit. */
  stagedDir(path: string, label: string): string {
    this.ensureDir(dirname(path), label);
    const tmp = tempName(path);
    rmSync(tmp, { recursive: true, force: true });
    try {
      mkdirSync(tmp);
    } catch (e) {
      throw new InputError(`${label}: cannot create directory ${path}: ${reasonOf(e)}`);
    }
    this.dirs.push({ tmp, path, label });
    return tmp;
  }

  /** Renames everything into place. On a failure, aborts and throws InputError. */
  commit(): void {
    try {
      for (const s of this.streams) s.finish();
      for (const s of this.streams) {
        s.rename();
        this.placed.push(s.path);
      }
      for (const f of this.files) {
        try {
          renameSync(f.tmp, f.path);
          this.placed.push(f.path);
        } catch (e) {
          throw new InputError(`${f.label}: cannot write ${f.path}: ${reasonOf(e)}`);
        }
      }
      for (const d of this.dirs) {
        try {
          if (existsSync(d.path) && statSync(d.path).isDirectory()) rmSync(d.path, { recursive: true, force: true });
          renameSync(d.tmp, d.path);
          this.placed.push(d.path);
        } catch (e) {
          throw new InputError(`${d.label}: cannot write ${d.path}: ${reasonOf(e)}`);
        }
      }
      this.done = true;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Removes every temporary file and directory, and the directories this set created. */
  abort(): void {
    if (this.done) return;
    for (const s of this.streams) s.abort();
    for (const f of this.files) rmSync(f.tmp, { force: true });
    for (const d of this.dirs) rmSync(d.tmp, { recursive: true, force: true });
    for (const p of this.placed) rmSync(p, { recursive: true, force: true });
    removeDirs(this.createdDirs);
    this.done = true;
  }
}
