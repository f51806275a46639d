// Which charts a result set gets, with their file names: the overview
// charts (staleness CDF, RPO/RTO, unavailability per region, latency/loss trade-off), sweep charts per
// swept parameter, and per configuration the region timeline and the lag
// over time of a representative seed. Pure: builds specs, renders nothing.
import { type ChartGroup } from './charts/chart-group.ts';
import { lagOverTimeSpec } from './charts/lag-over-time.ts';
import { rpoRtoSpec } from './charts/rpo-rto.ts';
import { stalenessCdfSpec } from './charts/staleness-cdf.ts';
import { timelineSpec } from './charts/timeline.ts';
import { hasVisibility, visibilitySpec } from './charts/visibility.ts';
import { tradeoffSpec } from './charts/tradeoff.ts';
import { hasUnavailability, unavailabilitySpec } from './charts/unavailability.ts';
import { pathLabel } from './metric-path.ts';
import { type Configuration, groupConfigurations, groupVariants, paramPaths, representativeRun, type RunResult } from './runs.ts';
import { categoryColor, type VlSpec } from './theme.ts';

/** One chart of a report: its spec and how the page presents it. */
export interface ChartDef {
  /** File stem: `NAME.vl.json`, `NAME.svg`, `NAME.png`. Unique within a set; [a-z0-9-] only. */
  name: string;
  /** Title (also drawn in the chart). */
  title: string;
  /** How to read the chart, one or two sentences. */
  caption: string;
  /** Where the page shows it: overview charts, sweep charts, or under one configuration. */
  section: 'overview' | 'sweep' | 'configuration';
  /** For section 'configuration': the configuration's label. */
  configuration?: string;
  spec: VlSpec;
}

/** Limits that keep charts readable when a sweep has many configurations. */
export interface ChartSetOptions {
  /** Most lines in the staleness CDF before pooling sweep parameters per variant (default 8). */
  maxCdfLines?: number;
  /** Most bars per RPO/RTO panel before pooling per variant (default 24). */
  maxBars?: number;
  /** Most configurations that get their own timeline and lag charts before pooling per variant (default 6). */
  maxRunCharts?: number;
  /** Most swept parameters that get sweep charts (default 2). */
  maxSweepParams?: number;
}

/** Metrics a sweep chart plots against each swept parameter. */
const SWEEP_METRICS: ReadonlyArray<readonly [string, string]> = [
  ['metrics.rpo.lostAckedWrites', 'rpo'],
  ['metrics.writes.latencyMs.p99', 'write-latency-p99'],
  ['metrics.reads.stalenessMs.p99', 'staleness-p99'],
];
/** Plotted against each swept parameter too when every run has it (a scenario with `costs`). */
const SWEEP_COST: readonly [string, string] = ['metrics.cost.perMonth', 'cost-per-month'];

/** Whether every run reports a monthly cost (its scenario has `costs`). */
function hasCost(runs: readonly RunResult[]): boolean {
  return runs.every((r) => typeof r.metrics.cost?.perMonth === 'number');
}

/** A file-name-safe stem of `text`. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'chart' : s.slice(0, 80);
}

function toGroups(configs: readonly Configuration[]): ChartGroup[] {
  return configs.map((c, i) => ({ label: c.label, color: categoryColor(i), runs: c.runs }));
}

function titleOf(spec: VlSpec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t !== null && typeof t === 'object' && 'text' in t) {
    const text = (t as { text: unknown }).text;
    return Array.isArray(text) ? text.join(' ') : String(text);
  }
  return '';
}

/** The charts for `runs`, in page order. Empty input gives no charts. */
export function chartSet(runs: readonly RunResult[], options: ChartSetOptions = {}): ChartDef[] {
  if (runs.length === 0) return [];
  const maxCdfLines = options.maxCdfLines ?? 8;
  const maxBars = options.maxBars ?? 24;
  const maxRunCharts = options.maxRunCharts ?? 6;
  const maxSweepParams = options.maxSweepParams ?? 2;
  const configs = groupConfigurations(runs);
  const variants = groupVariants(runs);
  const noun = configs.length > variants.length ? 'configuration' : 'variant';
  const charts: ChartDef[] = [];
  const used = new Set<string>();
  const add = (def: Omit<ChartDef, 'title' | 'name'> & { name: string }): void => {
    let name = slug(def.name);
    for (let i = 2; used.has(name); i++) name = `${slug(def.name)}-${i}`;
    used.add(name);
    charts.push({ ...def, name, title: titleOf(def.spec) });
  };

  add({
    name: 'staleness-cdf',
    section: 'overview',
    caption:
      'Further right means staler reads; a curve that reaches 100% sooner is better. ' +
      'The height where a curve starts is the share of reads that were not stale.',
    spec: configs.length <= maxCdfLines ? stalenessCdfSpec(toGroups(configs), noun) : stalenessCdfSpec(toGroups(variants), 'variant'),
  });
  if (hasVisibility(runs)) {
    add({
      name: 'visibility',
      section: 'overview',
      caption:
        'Higher is better: the chance that a read sees the latest acknowledged write, by how long after its ack the read began. ' +
        'A curve at 100% from the left edge never returned a stale value.',
      spec: configs.length <= maxCdfLines ? visibilitySpec(toGroups(configs), noun) : visibilitySpec(toGroups(variants), 'variant'),
    });
  }
  add({
    name: 'rpo-rto',
    section: 'overview',
    caption: 'Shorter bars are better. Where the black intervals of two variants overlap, the seeds do not separate them.',
    spec: configs.length <= maxBars ? rpoRtoSpec(toGroups(configs), noun) : rpoRtoSpec(toGroups(variants), 'variant'),
  });
  if (hasUnavailability(runs)) {
    add({
      name: 'unavailability',
      section: 'overview',
      caption:
        'Shorter bars are better: how long each region’s clients could not write and could not read, ' +
        'seconds weighted by the share of their operations that failed.',
      spec: configs.length <= maxBars ? unavailabilitySpec(toGroups(configs), noun) : unavailabilitySpec(toGroups(variants), 'variant'),
    });
  }
  if (configs.length > 1) {
    add({
      name: 'tradeoff-rpo-vs-write-latency',
      section: 'overview',
      caption: 'Lower left is better: fewer lost writes for less write latency.',
      spec: tradeoffSpec(runs, {
        x: 'metrics.writes.latencyMs.p99',
        y: 'metrics.rpo.lostAckedWrites',
        color: 'variant',
        xScale: 'auto',
        title: 'Lost writes (RPO) vs write latency p99',
        colors: new Map(variants.map((v, i) => [v.variant, categoryColor(i)])),
      }),
    });
  }
  if (configs.length > 1 && hasCost(runs)) {
    add({
      name: 'tradeoff-rpo-vs-cost',
      section: 'overview',
      caption: 'Lower left is better: fewer lost writes for a smaller monthly bill (transfer at the scenario’s prices, and hosts).',
      spec: tradeoffSpec(runs, {
        x: 'metrics.cost.perMonth',
        y: 'metrics.rpo.lostAckedWrites',
        color: 'variant',
        title: 'Lost writes (RPO) vs cost per 30 days',
        colors: new Map(variants.map((v, i) => [v.variant, categoryColor(i)])),
      }),
    });
  }
  const variantColors = new Map(variants.map((v, i) => [v.variant, categoryColor(i)]));
  const sweepMetrics = hasCost(runs) ? [...SWEEP_METRICS, SWEEP_COST] : SWEEP_METRICS;
  for (const param of paramPaths(runs).slice(0, maxSweepParams)) {
    for (const [metric, metricSlug] of sweepMetrics) {
      add({
        name: `sweep-${param}-${metricSlug}`,
        section: 'sweep',
        caption: `How ${pathLabel(metric).replace(/ \(.*\)$/, '').toLowerCase()} changes with ${param}, per variant.`,
        spec: tradeoffSpec(runs, { x: `params.${param}`, y: metric, color: 'variant', colors: variantColors }),
      });
    }
  }
  for (const group of configs.length <= maxRunCharts ? configs : variants) {
    const run = representativeRun(group.runs);
    const opts = { label: group.label, runsInGroup: group.runs.length };
    add({
      name: `timeline-${group.label}`,
      section: 'configuration',
      configuration: group.label,
      caption: 'What each region’s node was doing; dashed boxes mark fault windows.',
      spec: timelineSpec(run, opts),
    });
    add({
      name: `lag-${group.label}`,
      section: 'configuration',
      configuration: group.label,
      caption: 'Replication lag per channel; grey bands mark fault windows.',
      spec: lagOverTimeSpec(run, opts),
    });
  }
  return charts;
}
