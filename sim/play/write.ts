// `repsim play`'s work: check the output file, load every scenario and each
// of its variants (a problem is the CLI's located message, exit 2, before
// anything is built), bundle the browser scripts, and write the one HTML file
// in place atomically (sim/output/files.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { REPSIM_VERSION } from '../core/version.ts';
import { writeFileAtomic } from '../output/files.ts';
import { checkOutputLocations } from '../output/locations.ts';
import { loadScenarioFromText, validateText } from '../scenario/load-text.ts';
import { readScenarioText } from '../scenario/read-text.ts';
import { buildBundles } from './bundle.ts';
import { type PlaygroundScenario, renderPlayground } from './html.ts';

/** Where `repsim play` writes by default. */
export const DEFAULT_PLAYGROUND = join('reports', 'playground.html');
/** The folder of the bundled reference scenarios (those `npm start` compares). */
export const DEFAULT_SCENARIO_DIR = 'scenarios';

export interface PlaygroundResult {
  path: string;
  bytes: number;
  scenarios: string[];
}

/** The reference scenarios: `scenarios/*.yaml`, sorted. */
export function defaultScenarioFiles(dir: string = DEFAULT_SCENARIO_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new InputError(`play: cannot read the scenario directory ${dir}; name scenario files on the command line`);
  }
  const files = names.filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort().map((f) => join(dir, f));
  if (files.length === 0) throw new InputError(`play: no scenarios (*.yaml) in ${dir}`);
  return files;
}

/** Reads and checks the scenarios (every variant); throws one InputError listing every problem of every file. */
export function readPlaygroundScenarios(files: readonly string[]): PlaygroundScenario[] {
  const problems: string[] = [];
  const out: PlaygroundScenario[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readScenarioText(file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
      continue;
    }
    const v = validateText(text, file);
    if (v.problems.length > 0) {
      problems.push(...v.problems);
      continue;
    }
    const name = loadScenarioFromText(text, file).scenario.name;
    const dup = names.get(name);
    if (dup !== undefined) {
      problems.push(`${file}: scenario name ${name} is also the name of ${dup}; the page opens scenarios by name, so each needs its own`);
      continue;
    }
    names.set(name, file);
    out.push({ name, file, text });
  }
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

/** Writes the playground for `files` to `out`. */
export async function writePlayground(files: readonly string[], out: string = DEFAULT_PLAYGROUND): Promise<PlaygroundResult> {
  checkOutputLocations([{ flag: '--out', path: out, kind: 'file' }]);
  const scenarios = readPlaygroundScenarios(files);
  const bundles = await buildBundles();
  const html = renderPlayground({ scenarios, pageScript: bundles.page, workerScript: bundles.worker, version: REPSIM_VERSION });
  const bytes = Buffer.byteLength(html, 'utf8');
  writeFileAtomic(out, html, `--out ${out}`);
  return { path: out, bytes, scenarios: scenarios.map((s) => s.name) };
}
