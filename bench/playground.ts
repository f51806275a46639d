// The playground's speed against the CLI's, in headless Chromium on this
// machine (`node bench/run.js --case play`): one 10-minute run of the SPEC
// example (scenarios/primary-region-partition.yaml, variant async-stonith,
// its seed) in the page, from the click to the summary (the worker pool's
// clock: the worker's start and the run, no chart drawing), against the
// same run by `repsim run --json` as a whole process (start-up included);
// then compare's 4 variants × 3 seeds in the page (one worker per core)
// against `repsim compare --seeds 3 --workers <cores>`. CPU seconds beside
// the wall times (Chromium's processes from /proc until the pool finishes,
// before the charts are drawn; the CLI's from /usr/bin/time when present),
// which a shared machine's load moves far less. Prints one JSON line.
// Needs /usr/bin/chromium (apt-get install -y chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writePlayground } from '../sim/play/write.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCENARIO = 'scenarios/primary-region-partition.yaml';
const round = (x: number): number => Math.round(x * 100) / 100;

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall and CPU seconds (CPU NaN without /usr/bin/time) of one CLI process. */
function cli(args: string[]): { s: number; cpuS: number } {
  const t0 = performance.now();
  const argv = [process.execPath, 'bin/repsim.js', ...args];
  const r = TIME ? spawnSync(TIME, ['-f', '%U %S', ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 }) : spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`repsim ${args.join(' ')} failed: ${r.stderr}`);
  const [user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { s: (performance.now() - t0) / 1000, cpuS: TIME ? (user ?? NaN) + (sys ?? NaN) : NaN };
}

/** CPU seconds so far of every process whose command line names `marker` (Chromium's, by its profile directory). */
function cpuOf(marker: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      const f = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks / 100; // USER_HZ
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
  const profile = join(tmp, 'profile');
  const inPage = async (button: string): Promise<{ s: number; cpuS: number; workers: number }> => {
    await page.evaluate(() => delete document.querySelector<HTMLElement>('#app')!.dataset.state);
    let workers = 0;
    const seen = () => (workers = Math.max(workers, page.workers().length));
    page.on('worker', seen);
    const cpu0 = cpuOf(profile);
    await page.click(button);
    // The pool's end (the status names the wall time), before the charts are drawn.
    await page.waitForFunction(() => / runs? in [\d.]+ s on /.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 1_800_000, polling: 50 });
    const cpuS = cpuOf(profile) - cpu0;
    await page.waitForSelector('#app[data-state=done]', { timeout: 1_800_000 });
    page.off('worker', seen);
    return { s: Number(await page.locator('#app').getAttribute('data-wall-ms')) / 1000, cpuS, workers };
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
      run10m: { pageS: round(pageRun.s), cliProcessS: round(cliRun.s), pageOverCli: round(pageRun.s / cliRun.s), pageCpuS: round(pageRun.cpuS), cliCpuS: round(cliRun.cpuS), pageOverCliCpu: round(pageRun.cpuS / cliRun.cpuS) },
      compare4x3: {
        pageS: round(pageCompare.s), pageWorkers: pageCompare.workers, cliS: round(cliCompare.s), cliWorkers: cores, pageOverCli: round(pageCompare.s / cliCompare.s),
        pageCpuS: round(pageCompare.cpuS), cliCpuS: round(cliCompare.cpuS), pageOverCliCpu: round(pageCompare.cpuS / cliCompare.cpuS),
      },
    })}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
