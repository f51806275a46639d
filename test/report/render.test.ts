// Rendering: SVG and PNG come out non-empty and well-formed, offline.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chartSet } from '../../sim/report/chart-set.ts';
import { FONT_FILES, renderChart, writeRenderedChart } from '../../sim/report/render.ts';
import { parseFaceMetrics, textWidthPx } from '../../sim/report/text-metrics.ts';
import { compareResults } from './fixture-summaries.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const charts = chartSet(compareResults());
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('renderChart', () => {
  let fetchSpy: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchSpy = vi.fn(() => Promise.reject(new Error('network used')));
    vi.stubGlobal('fetch', fetchSpy);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(charts.map((c) => [c.name, c] as const))('%s renders to SVG and a valid PNG, offline', async (_name, chart) => {
    const r = await renderChart(chart);
    expect(r.warnings).toEqual([]);
    expect(r.svg.startsWith('<svg')).toBe(true);
    expect(r.svg.length).toBeGreaterThan(2_000);
    expect(r.svg).toContain('<text');
    expect(r.widthPx).toBeGreaterThan(300);
    expect(r.heightPx).toBeGreaterThan(100);
    // Readable at laptop size: under ~1000 CSS px wide.
    expect(r.widthPx).toBeLessThan(1_000);
    const size = pngSize(r.png);
    expect(size).toEqual({ width: r.pngWidthPx, height: r.pngHeightPx });
    expect(size.width).toBe(Math.round(r.widthPx * 2));
    expect(size.height).toBe(Math.round(r.heightPx * 2));
    expect(r.png.length).toBeGreaterThan(10_000);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses to load data from a URL', async () => {
    await expect(
      renderChart({
        name: 'remote',
        spec: { data: { url: 'https://example.com/data.json' }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } },
      }),
    ).rejects.toThrow(/offline|refused/);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('sets the chart font to DejaVu Sans', async () => {
    const r = await renderChart(charts[0]!);
    expect((r.vegaLite.config as { font?: string }).font).toBe('DejaVu Sans');
    expect(r.svg).toContain("font-family=\"'DejaVu Sans'");
  });

  it('renders the same SVG twice (deterministic)', async () => {
    const a = await renderChart(charts[1]!);
    const b = await renderChart(charts[1]!);
    expect(a.svg).toBe(b.svg);
  });
});

describe('writeRenderedChart', () => {
  it('writes NAME.vl.json, NAME.svg and NAME.png', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'repsim-render-'));
    dirs.push(dir);
    const r = await renderChart(charts[0]!);
    const files = await writeRenderedChart(r, dir);
    expect(files.vegaLite).toBe(join(dir, 'staleness-cdf.vl.json'));
    const vl = JSON.parse(await readFile(files.vegaLite, 'utf8'));
    expect(vl.$schema).toMatch(/vega-lite\/v6/);
    expect(await readFile(files.svg, 'utf8')).toBe(r.svg);
    pngSize(await readFile(files.png));
  });
});

describe('text metrics', () => {
  it('reads DejaVu Sans advance widths', async () => {
    const face = parseFaceMetrics(await readFile(FONT_FILES[0]!));
    // DejaVu Sans: 'i' is narrow, 'W' wide, digits share one width (1303/2048 em).
    expect(face.advanceEm('0'.codePointAt(0)!)).toBeCloseTo(1303 / 2048, 6);
    expect(face.advanceEm('i'.codePointAt(0)!)).toBeLessThan(face.advanceEm('W'.codePointAt(0)!));
    expect(textWidthPx(face, '0000', 10)).toBeCloseTo((4 * 1303 * 10) / 2048, 6);
    expect(face.advanceEm('→'.codePointAt(0)!)).toBeGreaterThan(0);
  });
});
