// Chart: a generic trade-off between two quantities across configurations,
// e.g. RPO lost writes against write latency p99 across replication modes,
// or staleness against a swept ship interval. Each point is one
// configuration's mean over seeds with 95% t-intervals as error bars.
//
// x may be a sweep parameter (points of a colour are joined in parameter
// order) or a metric path (points stand alone, both axes get error bars);
// y is a metric path; colour is `variant` or a sweep parameter.
import { numberAt, pathKind, pathLabel, valueAt } from '../metric-path.ts';
import { formatParamValue, groupConfigurations, paramShortNames, type RunResult } from '../runs.ts';
import { meanCi95 } from '../stats.ts';
import { CHART_CONFIG, PLOT_HEIGHT_PX, PLOT_WIDTH_PX, VL_SCHEMA, categoryColor, type VlLayer, type VlSpec } from '../theme.ts';
import { emptyChartSpec, runsNote } from './chart-group.ts';

/** What to plot against what. */
export interface TradeoffOptions {
  /** Sweep parameter path (`params.` optional) or metric path for the x axis. */
  x: string;
  /** Metric path for the y axis, e.g. `metrics.rpo.lostAckedWrites`. */
  y: string;
  /** `variant` (default), `scenario`, or a sweep parameter path: one colour per value. */
  color?: string;
  /** Chart title; default names y against x. */
  title?: string;
  /** Axis titles; default from the path (with units). */
  xTitle?: string;
  yTitle?: string;
  /** Scale types; default linear. 'auto' (x only): log when x is a metric, positive, and spans ≥ 10×. */
  xScale?: 'linear' | 'log' | 'auto';
  yScale?: 'linear' | 'log';
  /** Colour of each colour value; others take palette colours in order of appearance. */
  colors?: ReadonlyMap<string, string>;
}

interface TradeoffPoint {
  color: string;
  line: string;
  order: number;
  x: number | string;
  xLow: number;
  xHigh: number;
  y: number;
  yLow: number;
  yHigh: number;
  note: string;
}

/** y against x, one colour per `color` value, one point per configuration. */
export function tradeoffSpec(results: readonly RunResult[], opts: TradeoffOptions): VlSpec {
  const colorPath = opts.color ?? 'variant';
  const xKind = pathKind(opts.x, results);
  const colorKind = pathKind(colorPath, results);
  const xNumeric = results.every((r) => typeof valueAt(r, opts.x, xKind) === 'number');
  const xTitle = opts.xTitle ?? pathLabel(opts.x, xKind, xNumeric);
  const yTitle = opts.yTitle ?? pathLabel(opts.y, 'metric');
  const shortX = xKind === 'param' ? xTitle.replace(/^.*\.(?=[^.]*$)/, '') : xTitle;
  const title = opts.title ?? `${yTitle.replace(/ \(.*\)$/, '')} vs ${shortX.replace(/ \(.*\)$/, '')}`;
  const configs = groupConfigurations(results);
  const paths = [...new Set(configs.flatMap((c) => Object.keys(c.params)))];
  const short = paramShortNames(paths);
  const isX = (p: string): boolean => xKind === 'param' && (p === opts.x || `params.${p}` === opts.x);
  const isColor = (p: string): boolean => colorKind === 'param' && (p === colorPath || `params.${p}` === colorPath);

  const points: TradeoffPoint[] = [];
  configs.forEach((config, order) => {
    const first = config.runs[0];
    if (first === undefined) return;
    const ys = config.runs.map((r) => numberAt(r, opts.y)).filter((v): v is number => v !== undefined);
    if (ys.length === 0) return;
    const yCi = meanCi95(ys);
    const color = formatParamValue(valueAt(first, colorPath, colorKind));
    // Everything that identifies the configuration except x and colour: one line per distinct rest.
    const rest = [
      colorPath === 'variant' ? '' : config.variant,
      ...paths.filter((p) => !isX(p) && !isColor(p)).map((p) => `${short.get(p) ?? p}=${formatParamValue(config.params[p])}`),
    ].filter((s) => s !== '');
    let x: number | string;
    let xLow: number;
    let xHigh: number;
    if (xKind === 'metric') {
      const xs = config.runs.map((r) => numberAt(r, opts.x)).filter((v): v is number => v !== undefined);
      if (xs.length === 0) return;
      const xCi = meanCi95(xs);
      x = xCi.mean;
      xLow = Number.isFinite(xCi.low) ? xCi.low : xCi.mean;
      xHigh = Number.isFinite(xCi.high) ? xCi.high : xCi.mean;
    } else {
      const raw = valueAt(first, opts.x, xKind);
      x = typeof raw === 'number' ? raw : formatParamValue(raw);
      xLow = xHigh = NaN;
    }
    points.push({
      color,
      line: `${color}|${rest.join(',')}`,
      order,
      x,
      xLow,
      xHigh,
      y: yCi.mean,
      yLow: Number.isFinite(yCi.low) ? yCi.low : yCi.mean,
      yHigh: Number.isFinite(yCi.high) ? yCi.high : yCi.mean,
      note: xKind === 'metric' ? rest.join(', ') : '',
    });
  });
  if (points.length === 0) return emptyChartSpec(title, `No run has a value at ${opts.y}.`);

  const colorDomain: string[] = [];
  for (const p of points) if (!colorDomain.includes(p.color)) colorDomain.push(p.color);
  const colorRange = colorDomain.map((c, i) => opts.colors?.get(c) ?? categoryColor(i));
  const numericX = points.every((p) => typeof p.x === 'number');
  const xDomainOrder: string[] = [];
  if (!numericX) for (const p of points) if (!xDomainOrder.includes(String(p.x))) xDomainOrder.push(String(p.x));
  if (!numericX) for (const p of points) p.x = String(p.x);

  const xNumbers = points.map((p) => (typeof p.x === 'number' ? p.x : NaN));
  const xMin = Math.min(...xNumbers);
  const xMax = Math.max(...xNumbers);
  const xLog = opts.xScale === 'log' || (opts.xScale === 'auto' && xKind === 'metric' && xMin > 0 && xMax / xMin >= 10);
  if (xLog) {
    // A log axis cannot show 0 or below: clamp interval ends to the positive range.
    for (const p of points) p.xLow = Math.max(p.xLow, xMin / 2);
  }
  const xEnc = numericX
    ? {
        field: 'x',
        type: 'quantitative' as const,
        title: xLog ? `${xTitle.replace(/\)$/, ', log scale)')}` : xTitle,
        scale: xLog ? { type: 'log' as const, nice: true, padding: 14 } : { type: 'linear' as const, zero: false, nice: true, padding: 14 },
        // A parameter's few values make the best ticks.
        ...(xKind !== 'metric' && new Set(xNumbers).size <= 12 ? { axis: { values: [...new Set(xNumbers)].sort((a, b) => a - b) } } : {}),
      }
    : { field: 'x', type: 'ordinal' as const, title: xTitle, sort: xDomainOrder, axis: { labelAngle: 0 } };
  const yEnc = { field: 'y', type: 'quantitative' as const, title: yTitle, scale: opts.yScale === 'log' ? { type: 'log' as const, nice: true } : { type: 'linear' as const, zero: true, nice: true } };
  const color = {
    field: 'color',
    type: 'nominal' as const,
    title: colorKind === 'param' ? pathLabel(colorPath, 'param') : pathLabel(colorPath, colorKind),
    scale: { domain: colorDomain, range: colorRange },
  };
  const layers: VlLayer[] = [];
  if (xKind !== 'metric') {
    layers.push({
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { x: xEnc, y: yEnc, color, detail: { field: 'line', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } },
    });
  }
  layers.push({
    mark: { type: 'rule', strokeWidth: 1.5 },
    encoding: { x: xEnc, y: { ...yEnc, field: 'yLow' }, y2: { field: 'yHigh' }, color },
  });
  if (xKind === 'metric') {
    layers.push({
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x: { ...xEnc, field: 'xLow' }, x2: { field: 'xHigh' }, y: yEnc, color },
    });
  }
  layers.push({
    mark: { type: 'point', filled: true, size: 110, opacity: 1, stroke: 'white', strokeWidth: 1 },
    encoding: { x: xEnc, y: yEnc, color, shape: { field: 'color', type: 'nominal', title: color.title, scale: { domain: colorDomain } } },
  });
  if (points.some((p) => p.note !== '')) {
    layers.push({
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 6, dy: -4, fontSize: 10, color: '#333333' },
      encoding: { x: xEnc, y: yEnc, text: { field: 'note', type: 'nominal' } },
    });
  }
  const seedNote = runsNote(configs);
  return {
    $schema: VL_SCHEMA,
    title: {
      text: title,
      subtitle: [`Each point: one configuration, mean over ${seedNote}; error bars: 95% t-interval over seeds.`],
    },
    width: PLOT_WIDTH_PX,
    height: PLOT_HEIGHT_PX,
    config: CHART_CONFIG,
    data: { values: points },
    layer: layers,
  };
}
