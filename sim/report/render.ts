// Rendering: Vega-Lite spec → Vega spec → SVG (vega.View, headless, no
// renderer) → PNG (resvg with the bundled DejaVu fonts). Entirely offline:
// specs carry their data inline and the Vega loader refuses every URL.
// Writes NAME.vl.json, NAME.svg and NAME.png.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { installTextMetrics } from './text-metrics.ts';
import { FONT_FAMILY, type VlSpec } from './theme.ts';

/** A chart to render: a file stem and a Vega-Lite spec. */
export interface ChartToRender {
  /** File stem, [a-z0-9-] only. */
  name: string;
  spec: VlSpec;
}

/** A rendered chart, in memory. */
export interface RenderedChart {
  name: string;
  /** The spec as rendered (font forced to DejaVu Sans). */
  vegaLite: VlSpec;
  svg: string;
  png: Buffer;
  /** SVG size in CSS px. */
  widthPx: number;
  heightPx: number;
  /** PNG size in device px (SVG size × pngScale). */
  pngWidthPx: number;
  pngHeightPx: number;
  /** Warnings from Vega-Lite and Vega (empty for a clean chart). */
  warnings: string[];
  /** Wall time spent compiling and rendering, ms. */
  renderMs: number;
}

/** Rendering options. */
export interface RenderOptions {
  /** PNG pixels per SVG px (default 2: sharp on high-density screens and in print). */
  pngScale?: number;
}

/** Files written for one chart. */
export interface ChartFiles {
  name: string;
  vegaLite: string;
  svg: string;
  png: string;
}

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
/** The DejaVu Sans faces charts use (regular, bold, and their obliques). */
export const FONT_FILES: readonly string[] = [
  'DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf',
  'DejaVuSans-Oblique.ttf',
  'DejaVuSans-BoldOblique.ttf',
].map((f) => join(FONT_DIR, f));

installTextMetrics(FONT_FILES[0] ?? '', FONT_FILES[1] ?? '');

/** Fallbacks after DejaVu Sans for viewers of the SVG who lack it (resvg has it and uses it). */
const SVG_FONT_STACK = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif";

/** A Vega loader that loads nothing (every data source must be inline); it records what was asked. */
function offlineLoader(refused: string[]): vega.Loader {
  const refuse = (uri: string): Promise<never> => {
    refused.push(uri);
    return Promise.reject(new Error(`repsim report renders offline; refused to load ${uri}`));
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

/** A Vega logger that collects warnings and errors instead of printing them. */
function collectingLogger(into: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      into.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: unknown[]) {
      into.push(`warning: ${args.map(String).join(' ')}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** `spec` with its config font set to DejaVu Sans (the only font the PNG renderer has). */
export function withChartFont(spec: VlSpec): VlSpec {
  return { ...spec, config: { ...(spec.config ?? {}), font: FONT_FAMILY } };
}

/** Compiles a Vega-Lite spec to Vega; throws with Vega-Lite's message if it is invalid. */
export function compileToVega(spec: VlSpec, warnings: string[] = []): vega.Spec {
  return compile(spec, { logger: collectingLogger(warnings) }).spec;
}

/** Renders one chart to SVG and PNG in memory. */
export async function renderChart(chart: ChartToRender, options: RenderOptions = {}): Promise<RenderedChart> {
  const started = performance.now();
  const pngScale = options.pngScale ?? 2;
  const warnings: string[] = [];
  const vegaLite = withChartFont(chart.spec);
  const vgSpec = compileToVega(vegaLite, warnings);
  const refused: string[] = [];
  const view = new vega.View(vega.parse(vgSpec), {
    renderer: 'none',
    loader: offlineLoader(refused),
    logger: collectingLogger(warnings),
    logLevel: vega.Warn,
  });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  svg = svg.replaceAll(`font-family="${FONT_FAMILY}"`, `font-family="${SVG_FONT_STACK}"`);
  if (refused.length > 0) {
    throw new Error(`chart ${chart.name}: renders offline, refused to load ${[...new Set(refused)].join(', ')} (inline the data)`);
  }
  const errors = warnings.filter((w) => w.startsWith('error:'));
  if (errors.length > 0) throw new Error(`chart ${chart.name}: ${errors.join('; ')}`);
  const size = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  const widthPx = Number(size?.[1] ?? 0);
  const heightPx = Number(size?.[2] ?? 0);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: pngScale },
    background: 'white',
    font: { fontFiles: [...FONT_FILES], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  const image = resvg.render();
  const png = image.asPng();
  return {
    name: chart.name,
    vegaLite,
    svg,
    png,
    widthPx,
    heightPx,
    pngWidthPx: image.width,
    pngHeightPx: image.height,
    warnings,
    renderMs: performance.now() - started,
  };
}

/** Writes a rendered chart's three files into `dir` (created if missing). */
export async function writeRenderedChart(chart: RenderedChart, dir: string): Promise<ChartFiles> {
  await mkdir(dir, { recursive: true });
  const files: ChartFiles = {
    name: chart.name,
    vegaLite: join(dir, `${chart.name}.vl.json`),
    svg: join(dir, `${chart.name}.svg`),
    png: join(dir, `${chart.name}.png`),
  };
  await Promise.all([
    writeFile(files.vegaLite, `${JSON.stringify(chart.vegaLite, null, 2)}\n`),
    writeFile(files.svg, chart.svg),
    writeFile(files.png, chart.png),
  ]);
  return files;
}
