// Every test's temporary files go under one directory made for this run of
// the suite, removed when it ends, so no test leaves anything in the
// machine's temporary directory. Workers and the commands tests spawn
// inherit TMPDIR. The directory is world-traversable: the lab's tests run
// PostgreSQL as the postgres user under it.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(join(tmpdir(), 'repsim-tests-'));
  chmodSync(dir, 0o755);
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
