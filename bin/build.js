// Compiled JavaScript for the launchers, so a process does not pay the
// TypeScript loader's start-up (about a second of CPU a process, for every
// worker thread too).
//
// `compiled()` returns the directory of an esbuild bundle of the CLI and its
// worker threads that matches the sources as they are now, building it on
// first use: the directory is named by a hash of every source file's path,
// size and modification time under sim/, so an edit is picked up at the next
// run and two versions never mix. Builds go to a private directory renamed
// into place, so processes started at once never see half a build. Returns
// undefined when it cannot build (esbuild missing, a read-only checkout, or
// REPSIM_NO_BUILD set): the launchers then load the TypeScript through tsx,
// as before. Only the launchers use this; the tests load the sources.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.repsim-build');
/** The bundle's entry points: each name is the file the code imports it by (see sim/sweep/pool.ts, sim/check/determinism.ts). */
const ENTRIES = {
  main: 'sim/cli/main.ts',
  'worker-entry': 'sim/sweep/worker.ts',
  'determinism-worker': 'sim/check/determinism-worker.ts',
};

/** A hash of the sources' paths, sizes and modification times (and this file's, and package.json's). */
function sourceKey() {
  const h = createHash('sha256');
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (/\.(ts|js|json)$/.test(e.name)) {
        const s = statSync(p);
        h.update(`${p}\u0000${s.size}\u0000${s.mtimeMs}\n`);
      }
    }
  };
  visit(join(ROOT, 'sim'));
  for (const f of [fileURLToPath(import.meta.url), join(ROOT, 'package.json')]) {
    const s = statSync(f);
    h.update(`${f}\u0000${s.size}\u0000${s.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/** esbuild: a top-level package in a usual install, else the copy tsx depends on. */
async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    const fromTsx = createRequire(createRequire(join(ROOT, 'package.json')).resolve('tsx/package.json'));
    return await import(pathToFileURL(fromTsx.resolve('esbuild')).href);
  }
}

/** The directory of a bundle matching the sources, or undefined (then use tsx). */
export async function compiled() {
  if (process.env.REPSIM_NO_BUILD) return undefined;
  try {
    const key = sourceKey();
    const dir = join(OUT, key);
    if (existsSync(join(dir, 'main.js'))) return dir;
    const { build } = await loadEsbuild();
    mkdirSync(OUT, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await build({
      entryPoints: Object.entries(ENTRIES).map(([out, src]) => ({ out, in: join(ROOT, src) })),
      outdir: tmp, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
      packages: 'external', logLevel: 'silent', legalComments: 'none',
    });
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process finished the same build first: use its copy.
      rmSync(tmp, { recursive: true, force: true });
    }
    if (!existsSync(join(dir, 'main.js'))) return undefined;
    // Older builds: keep the last few (a running process's worker threads may still load from one).
    const old = readdirSync(OUT).filter((d) => d !== key && !d.includes('.tmp-')).map((d) => ({ d, t: statSync(join(OUT, d)).mtimeMs }));
    for (const { d } of old.sort((a, b) => b.t - a.t).slice(3)) rmSync(join(OUT, d), { recursive: true, force: true });
    return dir;
  } catch {
    return undefined;
  }
}
