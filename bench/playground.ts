// The playground's speed against the CLI's, in headless Chromium on this
// machine (`node bench/run.js --case play`): one 10-minute run of the SPEC
// example (scenarios/primary-region-partition.yaml, variant async-stonith,
// its seed) in the page, from the click to the summary (the worker pool's
// clock: the worker's start and the run, no chart drawing), against the
// same run by `repsim run --json` as a whole process (start-up included);
// then compare's 4 variants × 3 seeds in the page (one worker per core)
// against `repsim compare --seeds 3 --workers <cores>`. Prints one JSON line.
// Needs /usr/bin/chromium (apt-get install -y chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writePlayground } from '../sim/play/write.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCENARIO = 'scenarios/primary-region-partition.yaml';
const round = (x: number): number => Math.round(x * 100) / 100;

function cli(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/repsim.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`repsim ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

if (!existsSync(CHROMIUM)) {
  process.stdout.write(`${JSON.stringify({ case: 'playground', skipped: `${CHROMIUM} not found (apt-get install -y chromium)` })}\n`);
  process.exit(0);
}
const tmp = mkdtempSync(join(tmpdir(), 'repsim-bench-play-'));
try {
  const built = await writePlayground([SCENARIO], join(tmp, 'playground.html'));
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(`${pathToFileURL(built.path).href}#s=primary-region-partition`);
  await page.waitForSelector('#app[data-ready=true]');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const inPage = async (button: string): Promise<{ s: number; workers: number }> => {
    await page.evaluate(() => delete document.querySelector<HTMLElement>('#app')!.dataset.state);
    let workers = 0;
    const seen = () => (workers = Math.max(workers, page.workers().length));
    page.on('worker', seen);
    await page.click(button);
    await page.waitForSelector('#app[data-state=done]', { timeout: 1_800_000 });
    page.off('worker', seen);
    return { s: Number(await page.locator('#app').getAttribute('data-wall-ms')) / 1000, workers };
  };
  await page.locator('#variant').selectOption('async-stonith');
  const pageRun = await inPage('#run');
  const cliRun = cli(['run', SCENARIO, '--variant', 'async-stonith', '--json']);
  await page.locator('#seeds').fill('3');
  const pageCompare = await inPage('#compare');
  const cliCompare = cli(['compare', SCENARIO, '--seeds', '3', '--workers', String(cores)]);
  await context.close();
  process.stdout.write(
    `${JSON.stringify({
      case: 'playground',
      htmlBytes: built.bytes,
      cores,
      nodeCores: cpus().length,
      run10m: { pageS: round(pageRun.s), cliProcessS: round(cliRun), pageOverCli: round(pageRun.s / cliRun) },
      compare4x3: { pageS: round(pageCompare.s), pageWorkers: pageCompare.workers, cliS: round(cliCompare), cliWorkers: cores, pageOverCli: round(pageCompare.s / cliCompare) },
    })}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
