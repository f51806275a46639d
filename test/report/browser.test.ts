// The report page in a real browser (headless Chromium): every chart's SVG
// has a size, the table is there, no console errors, and the page makes no
// request besides itself. Skips only when /usr/bin/chromium is absent and
// CI is not set; in CI it must run (CI installs chromium).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, writeSiteIndex } from '../../sim/report/index.ts';
import { FIXTURE_ROOT } from './write-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) {
  process.stderr.write(
    `test/report/browser.test.ts: skipped: ${CHROMIUM} not found (apt-get install -y chromium); set CI=1 to make this test mandatory.\n`,
  );
}

describe.skipIf(skip)(`report page in headless Chromium${skip ? ` (skipped: no ${CHROMIUM})` : ''}`, () => {
  let tmp: string;
  let context: BrowserContext;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'repsim-browser-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  /** Opens `file`, recording every request, failed request and console error. */
  async function open(file: string) {
    const page = await context.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, url, requests, failed, errors };
  }

  for (const set of ['compare', 'sweep']) {
    it(`renders the ${set} report: charts sized, table present, no errors, no requests`, async () => {
      const report = await writeReport(join(FIXTURE_ROOT, set), join(tmp, set));
      const expectedCharts = report.charts.filter((f) => f.endsWith('.png')).length;
      const { page, url, requests, failed, errors } = await open(report.indexHtml);
      try {
        const sizes = await page.$$eval('figure.chart > svg', (svgs) =>
          svgs.map((s) => {
            const box = s.getBoundingClientRect();
            return { width: box.width, height: box.height, marks: s.querySelectorAll('path, rect, text').length };
          }),
        );
        expect(sizes).toHaveLength(expectedCharts);
        for (const s of sizes) {
          expect(s.width).toBeGreaterThan(100);
          expect(s.height).toBeGreaterThan(50);
          expect(s.marks).toBeGreaterThan(10);
        }
        const rows = await page.$$eval('table.comparison tbody tr', (trs) => trs.length);
        expect(rows).toBeGreaterThanOrEqual(6);
        expect(await page.locator('td.best').count()).toBeGreaterThan(0);
        expect(await page.locator('table.replay tbody tr').count()).toBe(set === 'compare' ? 9 : 18);
        expect(errors).toEqual([]);
        expect(failed).toEqual([]);
        expect(requests).toEqual([url]);
      } finally {
        await page.close();
      }
    });
  }

  it('would notice a request (the checks above are not vacuous)', async () => {
    const file = join(tmp, 'leaky.html');
    await writeFile(file, '<!DOCTYPE html><title>leak</title><img src="http://127.0.0.1:9/pixel.png" alt="">');
    const { page, url, requests, failed } = await open(file);
    try {
      expect(requests).toEqual([url, 'http://127.0.0.1:9/pixel.png']);
      expect(failed).toHaveLength(1);
    } finally {
      await page.close();
    }
  });

  it('renders the site index without requests', async () => {
    const report = await writeReport(join(FIXTURE_ROOT, 'single'), join(tmp, 'site', 'single'));
    const index = await writeSiteIndex(join(tmp, 'site'), [
      { name: report.name, href: 'single/index.html', headline: report.headline },
    ]);
    const { page, url, requests, failed, errors } = await open(index);
    try {
      expect(await page.locator('table.site-index a[href="single/index.html"]').count()).toBe(1);
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await page.close();
    }
  });
});
