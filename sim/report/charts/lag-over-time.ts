// Chart: replication lag over time for one run, one line per channel, with
// the run's fault windows shaded. Reads `series.lagMs` and `faults`.
import type { SeriesPoint } from '../../scenario/summary-types.ts';
import type { RunResult } from '../runs.ts';
import { CHART_CONFIG, PLOT_HEIGHT_PX, PLOT_WIDTH_PX, VL_SCHEMA, categoryColor, type VlLayer, type VlSpec } from '../theme.ts';
import { channelLabel, emptyChartSpec, representativeRunNote } from './chart-group.ts';
import { faultLayers } from './fault-windows.ts';

/** What the lag chart says about the run it draws. */
export interface LagChartOptions {
  /** The configuration the run stands for (variant, parameters). */
  label: string;
  /** How many runs the configuration has (the subtitle says this one is their median). */
  runsInGroup: number;
}

/** Above this lag the y axis switches from ms to s. */
const SECONDS_ABOVE_MS = 10_000;
/** Most points drawn per channel; longer series are reduced to bucket maxima (spikes survive). */
const MAX_POINTS_PER_CHANNEL = 1_500;

/** `points` reduced to at most `max` by taking the largest value of each run of consecutive points. */
export function downsampleMax(points: readonly SeriesPoint[], max: number): SeriesPoint[] {
  if (points.length <= max) return [...points];
  const per = Math.ceil(points.length / max);
  const out: SeriesPoint[] = [];
  for (let i = 0; i < points.length; i += per) {
    let top: SeriesPoint | undefined;
    for (const p of points.slice(i, i + per)) if (top === undefined || p.value > top.value) top = p;
    if (top !== undefined) out.push({ tMs: points[i]?.tMs ?? top.tMs, value: top.value });
  }
  return out;
}

/** Lag (p99 per second) of every replication channel of `run` over simulated time. */
export function lagOverTimeSpec(run: RunResult, opts: LagChartOptions): VlSpec {
  const title = `Replication lag over time: ${opts.label}`;
  const channels = Object.keys(run.series.lagMs);
  const points: Array<{ channel: string; tS: number; lag: number }> = [];
  let maxLagMs = 0;
  for (const key of channels) {
    for (const p of downsampleMax(run.series.lagMs[key] ?? [], MAX_POINTS_PER_CHANNEL)) {
      points.push({ channel: channelLabel(key), tS: p.tMs / 1000, lag: p.value });
      maxLagMs = Math.max(maxLagMs, p.value);
    }
  }
  if (points.length === 0) {
    return emptyChartSpec(title, `No replication lag recorded in seed ${run.seed} (no replication channels, or no writes applied).`);
  }
  const inSeconds = maxLagMs > SECONDS_ABOVE_MS;
  if (inSeconds) for (const p of points) p.lag /= 1000;
  const domainS = [0, run.simulatedMs / 1000] as const;
  const faults = faultLayers(run.faults, { style: 'shade', plotWidthPx: PLOT_WIDTH_PX, domainS });
  const channelNames = channels.map(channelLabel);
  const lines: VlLayer = {
    data: { values: points },
    mark: { type: 'line', strokeWidth: 1.6, interpolate: 'monotone', clip: true },
    encoding: {
      x: { field: 'tS', type: 'quantitative', title: 'Simulated time (s)', scale: { domain: [...domainS], nice: false } },
      y: { field: 'lag', type: 'quantitative', title: `Replication lag (${inSeconds ? 's' : 'ms'})` },
      color: {
        field: 'channel',
        type: 'nominal',
        title: 'Channel',
        scale: { domain: channelNames, range: channelNames.map((_, i) => categoryColor(i)) },
      },
    },
  };
  const runsNote = representativeRunNote(run.seed, opts.runsInGroup);
  return {
    $schema: VL_SCHEMA,
    title: {
      text: title,
      subtitle: [`Per second, the largest sampled age of the oldest write the target has not applied; ${runsNote}.${run.faults.length > 0 ? ' Grey bands: fault windows.' : ''}`],
    },
    width: PLOT_WIDTH_PX,
    height: PLOT_HEIGHT_PX,
    config: CHART_CONFIG,
    layer: [...faults.behind, lines, ...faults.front],
  };
}
