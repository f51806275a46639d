// Chart: what each region was doing over time in one run (a lane per region:
// primary, replica, down, fenced, partitioned, paused, rebuilding), with
// fault windows outlined. Reads `timeline` and `faults`.
import type { RunResult } from '../runs.ts';
import { CHART_CONFIG, PLOT_WIDTH_PX, STATE_COLORS, VL_SCHEMA, type VlLayer, type VlSpec } from '../theme.ts';
import { emptyChartSpec, representativeRunNote } from './chart-group.ts';
import { faultLayers } from './fault-windows.ts';

/** What the timeline chart says about the run it draws. */
export interface TimelineChartOptions {
  /** The configuration the run stands for. */
  label: string;
  /** How many runs the configuration has (the subtitle says this one is their median). */
  runsInGroup: number;
}

/** Height of one region's lane, px. */
const LANE_PX = 34;

/** Region lanes of `run`: one coloured segment per state interval. */
export function timelineSpec(run: RunResult, opts: TimelineChartOptions): VlSpec {
  const title = `Region timeline: ${opts.label}`;
  if (run.timeline.length === 0) return emptyChartSpec(title, `No region timeline recorded in seed ${run.seed}.`);
  const regions: string[] = [];
  for (const s of run.timeline) if (!regions.includes(s.region)) regions.push(s.region);
  const segments = run.timeline
    .filter((s) => s.endMs > s.startMs)
    .map((s) => ({ region: s.region, state: s.state, startS: s.startMs / 1000, endS: s.endMs / 1000 }));
  const domainS = [0, run.simulatedMs / 1000] as const;
  const faults = faultLayers(run.faults, { style: 'outline', plotWidthPx: PLOT_WIDTH_PX, domainS });
  const lanes: VlLayer = {
    data: { values: segments },
    mark: { type: 'bar', clip: true, cornerRadius: 0, stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'startS', type: 'quantitative', title: 'Simulated time (s)', scale: { domain: [...domainS], nice: false } },
      x2: { field: 'endS' },
      y: { field: 'region', type: 'nominal', title: 'Region', sort: regions, scale: { paddingInner: 0.25 } },
      color: {
        field: 'state',
        type: 'nominal',
        title: 'State',
        scale: { domain: STATE_COLORS.map(([s]) => s), range: STATE_COLORS.map(([, c]) => c) },
      },
    },
  };
  const runsNote = representativeRunNote(run.seed, opts.runsInGroup);
  return {
    $schema: VL_SCHEMA,
    title: {
      text: title,
      subtitle: [`State of each region's node; ${runsNote}.${run.faults.length > 0 ? ' Dashed boxes: fault windows.' : ''}`],
    },
    width: PLOT_WIDTH_PX,
    height: regions.length * LANE_PX,
    config: CHART_CONFIG,
    layer: [lanes, ...faults.front],
  };
}
