// Shared helpers for the check tests: fixture paths, temp dirs, and running
// the CLI in-process with its output captured.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../../sim/cli/main.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixtures = path.join(here, 'fixtures');
export const specExample = path.resolve(here, '../../scenarios/primary-region-partition.yaml');

/** A temp dir holding copies of the named fixtures. */
export function tempWith(...names: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'repsim-check-'));
  for (const n of names) cpSync(path.join(fixtures, n), path.join(dir, n));
  return dir;
}

/** Runs the CLI in-process; returns the exit code and what it printed. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
