// File sinks for the trace and the history: JSON Lines streamed to a
// temporary file that is renamed into place only when the run succeeds, so
// a failed run never leaves a partial output file.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class JsonlFile<T> {
  private readonly fd: number;
  private readonly tmp: string;
  private buf: string[] = [];
  private bytes = 0;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.partial-${process.pid}`;
    this.fd = openSync(this.tmp, 'w');
  }

  write(record: T): void {
    const line = JSON.stringify(record);
    this.buf.push(line);
    this.bytes += line.length;
    if (this.bytes > 1 << 20) this.flush();
  }

  /** Writes raw lines (already formatted). */
  writeLine(line: string): void {
    this.buf.push(line);
    this.bytes += line.length;
    if (this.bytes > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.bytes = 0;
  }

  /** Completes the file (renames it into place). */
  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  /** Abandons the file. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    rmSync(this.tmp, { force: true });
  }
}

/** Writes a whole file atomically (temp file + rename). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.partial-${process.pid}`;
  const fd = openSync(tmp, 'w');
  if (typeof content === "string") writeSync(fd, content); else writeSync(fd, content);
  closeSync(fd);
  renameSync(tmp, path);
}
