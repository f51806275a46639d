// Builds the playground's two browser scripts with esbuild, in memory, when
// `repsim play` runs: the page (editor, controls, table, charts, Vega) and the
// run worker (loader and model only). Nothing is fetched and nothing is
// committed: the sources under sim/ are the only input, so the page always
// runs the simulator of this checkout.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildFailure } from 'esbuild';

/** The two scripts, minified, each one classic script (IIFE). */
export interface PlaygroundBundles {
  page: string;
  worker: string;
}

/**
 * The checkout's root: the nearest folder above this module holding repsim's
 * package.json (the launchers may run this module from a compiled copy under
 * .repsim-build/, so the sources are not beside it).
 */
function packageRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'repsim' && existsSync(join(d, 'sim', 'play'))) return d;
    if (dirname(d) === d) throw new Error(`invariant: no repsim checkout above ${fileURLToPath(import.meta.url)}`);
  }
}

const entry = (name: string): string => join(packageRoot(), 'sim', 'play', 'client', name);

async function bundle(entry: string): Promise<string> {
  try {
    const r = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
    });
    const file = r.outputFiles[0];
    if (file === undefined) throw new Error('esbuild wrote no output');
    return file.text;
  } catch (e) {
    const failure = e as Partial<BuildFailure>;
    const lines = (failure.errors ?? []).map((m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`);
    throw new Error(`the playground's browser bundle did not build: ${lines.length > 0 ? lines.join('; ') : String(e)}`);
  }
}

/** Builds both scripts (about a second). */
export async function buildBundles(): Promise<PlaygroundBundles> {
  const [page, worker] = await Promise.all([bundle(entry('page.ts')), bundle(entry('worker.ts'))]);
  return { page, worker };
}
