// Checking where a command will write before it does any work: each output
// location must be a file where a file is meant and a directory where a
// directory is meant, every existing parent must be a directory, and the
// nearest existing one must accept new files (probed by creating and
// removing an empty temporary directory, which also catches read-only and
// pseudo filesystems such as /proc and /sys, whatever the user's rights).
// Creates nothing that outlives the check. Problems are InputErrors, one
// line per location: `--out PATH: reason`.
import { lstatSync, mkdtempSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { reasonOf } from './files.ts';

export interface OutputLocation {
  /** The flag as the user wrote it, e.g. `--trace`. */
  flag: string;
  path: string;
  kind: 'file' | 'dir';
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return undefined; // a parent is a file: reported by the walk up
    throw e;
  }
}

/** The problem with one location, or undefined when it can be written. */
export function locationProblem(o: OutputLocation): string | undefined {
  const where = `${o.flag} ${o.path}`;
  if (o.path.trim() === '') return `${o.flag}: needs a path, got an empty string`;
  const target = resolve(o.path);
  try {
    const st = statOrUndefined(target);
    if (st !== undefined) {
      if (o.kind === 'file' && st.isDirectory()) return `${where}: is a directory; name a file`;
      if (o.kind === 'file' && !st.isFile()) return `${where}: exists and is not a regular file (a device, pipe or socket); name a file`;
      if (o.kind === 'dir' && !st.isDirectory()) return `${where}: is a file, not a directory`;
    }
    // The nearest existing ancestor (the target itself for an existing directory).
    let dir = o.kind === 'dir' && st !== undefined ? target : dirname(target);
    for (;;) {
      const s = statOrUndefined(dir);
      if (s !== undefined) {
        if (!s.isDirectory()) return `${where}: ${dir} is a file, not a directory`;
        break;
      }
      // A component that exists but is not a directory makes stat fail with ENOTDIR on the ones below it.
      let isFileHere = false;
      try {
        isFileHere = !lstatSync(dir).isDirectory();
      } catch {
        /* missing: go up */
      }
      if (isFileHere) return `${where}: ${dir} is a file, not a directory`;
      const up = dirname(dir);
      if (up === dir) return `${where}: no existing parent directory`;
      dir = up;
    }
    try {
      const probe = mkdtempSync(join(dir, '.repsim-probe-'));
      rmdirSync(probe);
    } catch (e) {
      return `${where}: cannot create files in ${dir} (${reasonOf(e)})`;
    }
  } catch (e) {
    return `${where}: cannot use this location (${reasonOf(e)})`;
  }
  return undefined;
}

/** Checks every location (and that no two name the same file); throws one InputError listing the problems. */
export function checkOutputLocations(locations: readonly OutputLocation[]): void {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const failed: string[] = [];
  for (const o of locations) {
    const key = resolve(o.path);
    // One message per problem: a path under a location already reported is not reported again.
    if (failed.some((f) => key === f || key.startsWith(`${f}/`))) continue;
    const p = locationProblem(o);
    if (p !== undefined) {
      problems.push(p);
      failed.push(key);
      continue;
    }
    const prev = seen.get(key);
    if (prev !== undefined) problems.push(`${o.flag} ${o.path}: the same path as ${prev}; give each output its own`);
    else seen.set(key, o.flag);
  }
  if (problems.length > 0) throw new InputError(problems);
}
