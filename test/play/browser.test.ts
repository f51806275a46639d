// The playground in headless Chromium, opened from file:// with every network
// request refused: it runs the SPEC example's four variants over 3 seeds
// (shortened to 3 simulated minutes, the partition at 2m included) and its
// table is `repsim compare`'s; a downloaded summary is `repsim run --json`'s
// bytes; the DNS TTL control edits the YAML and changes the result; a YAML
// error shows the CLI's located line; Cancel stops every worker within a
// second (the workers closed); the URL reopens the same scenario; 1280 × 800 needs no horizontal
// scrolling. Skips only when /usr/bin/chromium is absent and CI is not set.
// REPSIM_SCREENSHOTS=DIR saves the page's screenshots there (docs/images).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlayground } from '../../sim/play/write.ts';
import { formatMeanCi } from '../../sim/report/format.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'scenarios', 'primary-region-partition.yaml');
const SHOTS = process.env.REPSIM_SCREENSHOTS;
/** With the example (single-primary, active-active), one scenario of every other topology kind: name, variant, seed. */
const OTHER_KINDS = [
  ['consensus-vs-async-partition', 'consensus-3-voters', 5],
  ['leaderless-quorum-levels', 'each-quorum', 3],
  ['region-pinned-vs-replicated', 'region-pinned', 9],
] as const;
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) process.stderr.write(`test/play/browser.test.ts: skipped: ${CHROMIUM} not found (apt-get install -y chromium); set CI=1 to make this test mandatory.\n`);

function repsim(...args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin', 'repsim.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
}

describe.skipIf(skip)(`the playground in headless Chromium${skip ? ` (skipped: no ${CHROMIUM})` : ''}`, () => {
  let tmp: string;
  let context: BrowserContext;
  let url: string;
  let short: string;
  let shortFile: string;
  const requests: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'repsim-play-browser-'));
    const out = join(tmp, 'playground.html');
    await writePlayground([EXAMPLE, ...OTHER_KINDS.map(([name]) => join(ROOT, 'scenarios', `${name}.yaml`))], out);
    url = pathToFileURL(out).href;
    short = readFileSync(EXAMPLE, 'utf8').replace(/^duration: 10m$/m, 'duration: 3m');
    shortFile = join(tmp, 'primary-region-partition.yaml');
    await writeFile(shortFile, short);
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    // Every request but the file itself and the worker's Blob URL is refused.
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:') || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
      refused.push(u);
      return route.abort();
    });
    context.on('request', (r) => requests.push(r.url()));
  });

  afterAll(async () => {
    await context?.close();
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  async function open(fragment: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}${fragment}`);
    await page.waitForSelector('#app[data-ready=true]');
    // The opened text's first check (problems, variants, URL) is done: a later one is of an edit.
    await page.waitForSelector('#app[data-checked]');
    return { page, errors };
  }

  /** Types the text into the editor and waits for the page to check it (problems, variants, URL). */
  async function setYaml(page: Page, text: string): Promise<void> {
    const before = await page.locator('#app').getAttribute('data-checked');
    await page.locator('#yaml').fill(text);
    await page.waitForFunction((b) => document.querySelector('#app')?.getAttribute('data-checked') !== b, before);
  }

  async function finished(page: Page, timeout = 240_000): Promise<void> {
    await page.waitForSelector('#app[data-state=done]', { timeout });
  }

  it("compares the four variants over 3 seeds: compare's table, the CLI's summary bytes, no request", async () => {
    const { page, errors } = await open('#s=primary-region-partition');
    await setYaml(page, short);
    await page.locator('#seeds').fill('3');
    await page.click('#compare');
    await finished(page);
    // The table: every cell's text is what `repsim compare` prints for it.
    const cli = JSON.parse(repsim('compare', shortFile, '--seeds', '3', '--json')) as { variants: string[]; rows: Array<{ metric: string; cells: Record<string, { mean: number | null; halfWidth: number | null; n: number }> }> };
    const page_ = await page.$$eval('table.comparison tbody tr', (trs) => trs.map((tr) => ({ metric: tr.getAttribute('data-metric'), cells: [...tr.querySelectorAll('td')].map((td) => td.getAttribute('data-cli')) })));
    const heads = await page.$$eval('table.comparison thead th[data-variant]', (ths) => ths.map((th) => th.getAttribute('data-variant')));
    expect(heads).toEqual(cli.variants);
    expect(page_.map((r) => r.metric)).toEqual(cli.rows.map((r) => r.metric));
    for (const [i, row] of cli.rows.entries()) {
      const want = cli.variants.map((v) => {
        const c = row.cells[v];
        return formatMeanCi({ mean: c?.mean ?? NaN, halfWidth: c?.halfWidth ?? NaN, n: c?.n ?? 0, sd: NaN, low: NaN, high: NaN });
      });
      expect(page_[i]?.cells, row.metric).toEqual(want);
    }
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(5);
    // Each chart downloads as SVG and as PNG.
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('figure.chart[data-chart="0"] button[data-download="svg"]')]);
    expect(svg.suggestedFilename()).toMatch(/^[a-z0-9-]+\.svg$/);
    expect(readFileSync(await svg.path(), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('figure.chart[data-chart="0"] button[data-download="png"]')]);
    expect(png.suggestedFilename()).toMatch(/^[a-z0-9-]+\.png$/);
    expect(readFileSync(await png.path()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    if (SHOTS) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SHOTS, 'playground-compare.png') });
    }
    // A summary downloaded from the page is the CLI's, byte for byte.
    await page.locator('#summary-pick').selectOption({ label: 'async-no-fencing-seed-43' });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
    const got = readFileSync(await dl.path(), 'utf8');
    expect(got).toBe(repsim('run', shortFile, '--variant', 'async-no-fencing', '--seed', '43', '--json'));
    // No horizontal scrolling at 1280 × 800.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(errors).toEqual([]);
    expect(refused).toEqual([]);
    expect(requests.every((u) => u.startsWith('file:') || u.startsWith('blob:'))).toBe(true);
    await page.close();
  }, 400_000);

  it('the DNS TTL control edits the YAML and changes the result; the URL reopens the edited scenario', async () => {
    const { page } = await open('#s=primary-region-partition');
    await setYaml(page, short);
    // Without fencing, clients that cached the old primary keep writing to it until their DNS entry expires.
    await page.locator('#variant').selectOption('async-no-fencing');
    const runOnce = async (): Promise<string> => {
      await page.evaluate(() => delete document.querySelector<HTMLElement>('#app')!.dataset.state);
      await page.click('#run');
      await finished(page);
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
      return readFileSync(await dl.path(), 'utf8');
    };
    type Split = { metrics: { splitBrain: { durationMs: number } } };
    const before = JSON.parse(await runOnce()) as Split;
    const ttl = page.locator('[data-path=\'["failover","dnsTtl"]\']');
    expect(await ttl.inputValue()).toBe('30s');
    await ttl.fill('5s');
    await ttl.dispatchEvent('change');
    const yaml = await page.locator('#yaml').inputValue();
    expect(yaml).toContain('  dnsTtl: 5s\n');
    expect(yaml.replace('  dnsTtl: 5s\n', '  dnsTtl: 30s\n')).toBe(short);
    const after = JSON.parse(await runOnce()) as Split;
    expect(before.metrics.splitBrain.durationMs).toBeGreaterThan(10_000);
    expect(after.metrics.splitBrain.durationMs).toBeLessThan(before.metrics.splitBrain.durationMs / 10);
    // An edit in the YAML shows in the control.
    await setYaml(page, yaml.replace('  dnsTtl: 5s\n', '  dnsTtl: 12s\n'));
    expect(await ttl.inputValue()).toBe('12s');
    // The URL holds the scenario: a new page opened on it shows the same text.
    const link = page.url();
    expect(link).toMatch(/#y=[A-Za-z0-9_-]+$/);
    const again = await open(link.slice(link.indexOf('#')));
    expect(await again.page.locator('#yaml').inputValue()).toBe(yaml.replace('  dnsTtl: 5s\n', '  dnsTtl: 12s\n'));
    await again.page.close();
    if (SHOTS) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SHOTS, 'playground-controls.png') });
    }
    await page.close();
  }, 200_000);

  it('gives the CLI\'s summary bytes on a scenario of every topology kind', async () => {
    const { page, errors } = await open('');
    for (const [name, variant, seed] of [['primary-region-partition', 'active-active-hlc', 2] as const, ...OTHER_KINDS]) {
      await page.locator('#scenario').selectOption(name);
      await page.waitForFunction((n) => document.querySelector<HTMLTextAreaElement>('#yaml')?.value.includes(`name: ${n}`), name);
      const text = (await page.locator('#yaml').inputValue()).replace(/^duration: .*$/m, 'duration: 100s');
      await setYaml(page, text);
      await page.locator('#variant').selectOption(variant);
      await page.locator('#seed').fill(String(seed));
      await page.evaluate(() => delete document.querySelector<HTMLElement>('#app')!.dataset.state);
      await page.click('#run');
      await finished(page);
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
      const file = join(tmp, `${name}.kind.yaml`);
      await writeFile(file, text);
      expect(readFileSync(await dl.path(), 'utf8'), name).toBe(repsim('run', file, '--variant', variant, '--seed', String(seed), '--json'));
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('the fault timeline adds, drags and removes a fault in the YAML', async () => {
    const { page } = await open('#s=primary-region-partition');
    const start = await page.locator('#yaml').inputValue();
    await page.locator('#fault-kind').selectOption('crash');
    await page.locator('#fault-region').selectOption('eu-west-1');
    await page.locator('#fault-at').fill('4m');
    await page.locator('#fault-for').fill('20s');
    await page.click('#fault-add');
    const added = await page.locator('#yaml').inputValue();
    expect(added).toBe(start.replace('    for: 1m\n', '    for: 1m\n  - { at: 4m, for: 20s, crash: { region: eu-west-1 } }\n'));
    expect(await page.locator('.timeline .fault').count()).toBe(3);
    // Drag the new bar 10% of the timeline to the right: 60 s of the 10-minute run.
    const bar = page.locator('.timeline .fault[data-fault="2"]');
    const box = (await bar.boundingBox())!;
    const width = await page.locator('.timeline').evaluate((el) => el.clientWidth);
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 5 + width / 20, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + 5 + width / 10, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const dragged = await page.locator('#yaml').inputValue();
    expect(dragged).toMatch(/^  - \{ at: (29[89]|30[012])s, for: 20s, crash: \{ region: eu-west-1 \} \}$/m);
    // Remove the first fault (the partition): its three lines go, the rest stays.
    await page.click('.timeline [data-remove-fault="0"]');
    const removed = await page.locator('#yaml').inputValue();
    expect(removed).toBe(dragged.replace('  - at: 2m\n    partition: { isolate: us-east-1 }   # or { groups: [[a], [b, c]] } or { from: a, to: b }\n    for: 43s\n', ''));
    expect(await page.locator('.timeline .fault').count()).toBe(2);
    await page.close();
  });

  it("shows a YAML error at the line and column the CLI names", async () => {
    const { page } = await open('#s=primary-region-partition');
    const bad = readFileSync(EXAMPLE, 'utf8').replace('fencing: stonith ', 'fencing: stonit  ');
    await setYaml(page, bad);
    const shown = await page.locator('#problems li').allTextContents();
    let cli = '';
    const file = join(tmp, 'bad.yaml');
    await writeFile(file, bad);
    try {
      execFileSync(process.execPath, [join(ROOT, 'bin', 'repsim.js'), 'validate', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      cli = String((e as { stderr?: string }).stderr ?? '');
    }
    // Same lines, with the page's file label in place of the temporary path.
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(cli.trim().split('\n').map((l) => l.replace(file, EXAMPLE)));
    expect(shown[0]).toMatch(/primary-region-partition\.yaml:44:12: failover\.fencing: /);
    await page.close();
  });

  it('Cancel stops every worker within a second', async () => {
    // A run gives way to its worker's event loop every fraction of a second (runToEndAsync): terminate() takes
    // effect there, not after Chromium's 2 s forcible-termination delay for a busy worker.
    const { page } = await open('#s=primary-region-partition');
    const closed: number[] = [];
    page.on('worker', (w) => w.on('close', () => closed.push(Date.now())));
    await page.locator('#seeds').fill('3');
    await page.click('#compare');
    await page.waitForFunction(() => /^[1-9]|^0\.[1-9]/.test(document.querySelector<HTMLElement>('#progress > div')?.style.width ?? ''), undefined, { timeout: 60_000 });
    const workers = page.workers().length;
    expect(workers).toBe(Math.min(12, await page.evaluate(() => navigator.hardwareConcurrency)));
    const t0 = Date.now();
    await page.click('#cancel');
    await page.waitForFunction(() => /cancelled/.test(document.querySelector('#status')?.textContent ?? ''));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await page.locator('#compare').isEnabled()).toBe(true);
    await expect.poll(() => page.workers().length, { timeout: 4000, interval: 50 }).toBe(0);
    expect(closed).toHaveLength(workers);
    const slowest = Math.max(...closed) - t0;
    process.stderr.write(`playground: Cancel: ${workers} workers closed ${slowest} ms after the click\n`);
    expect(slowest).toBeLessThan(1000);
    await page.close();
  }, 120_000);
});
