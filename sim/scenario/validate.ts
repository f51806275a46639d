// Cross-field checks on a parsed scenario: rules a per-field schema cannot
// state (every referenced region exists, an RTT for every pair, table shares
// sum to 1, warmup < duration, ...). Pure: takes the parsed scenario, returns
// problems and warnings with their field paths. It does not read YAML or
// locate problems in the source (locator.ts maps paths to file:line:col), and
// `expect` metric paths are checked against the summary's shape (metrics.ts).
import { formatDurationUs } from '../core/units.ts';
import { BoundSchema, type Scenario } from './schema.ts';
import { isPlainObject, type PathSegment } from './paths.ts';
import type { Problem, ValidationResult } from './problems.ts';
import { didYouMean } from './wording.ts';
import { metricPathProblem } from './metrics.ts';
import { checkLeaderless } from './leaderless-rules.ts';
import { checkConsensusTables } from './consensus-rules.ts';

/** What validateScenario found. Warnings do not make a scenario invalid. */
export type { ValidationResult } from './problems.ts';

/** Options for validateScenario. */
export interface ValidateOptions {
  /**
   * The plain object as written (after overrides, before defaults), used to
   * tell settings the author wrote from schema defaults. Omitted: every
   * setting counts as written.
   */
  written?: unknown;
}

/** Tolerance on the sum of table shares. */
const SHARE_SUM_TOLERANCE = 1e-9;

/**
 * Runs the cross-field checks. Accepts a partial scenario so the loader can
 * still check the fields that parsed when others did not; a check runs only
 * when every field it reads is present.
 */
export function validateScenario(s: Partial<Scenario>, opts: ValidateOptions = {}): ValidationResult {
  const out: ValidationResult = { errors: [], warnings: [] };
  const regions = s.regions ? checkRegionIds(s.regions, out) : undefined;
  if (regions) {
    checkTopologyRefs(s, regions, out);
    if (s.network) checkRtt(s.network.rtt, regions, out);
    if (s.workload) checkWorkloadRegions(s.workload.regions, regions, out);
    if (s.faults) checkFaultRegions(s.faults, regions, out);
    if (s.topology) checkSyncReplicas(s.topology, regions, out);
    if (s.topology?.kind === 'consensus') checkConsensus(s.topology.consensus, regions, out);
    if (s.topology?.kind === 'consensus') checkConsensusTables(s.topology.consensus, s.workload?.tables, regions, out);
    if (s.topology && s.regions) checkLeaderless(s.topology, s.regions, regions, out);
    if (s.costs) checkCosts(s.costs, regions, out);
  }
  if (s.workload) checkTables(s.workload.tables, s.topology?.replication.filters, out);
  if (s.duration !== undefined) {
    if (s.warmup !== undefined && !(s.warmup < s.duration)) {
      out.errors.push({ path: ['warmup'], message: `warmup (${formatDurationUs(s.warmup)}) must be shorter than duration (${formatDurationUs(s.duration)})` });
    }
    if (s.faults) checkFaultTimes(s.faults, s.duration, out);
  }
  if (s.monitoring && s.monitoring.lagWarning > s.monitoring.lagCritical) {
    out.errors.push({
      path: ['monitoring', 'lagWarning'],
      message: `lagWarning (${formatDurationUs(s.monitoring.lagWarning)}) must not exceed lagCritical (${formatDurationUs(s.monitoring.lagCritical)})`,
    });
  }
  if (s.failover && s.failover.mode !== 'none' && s.failover.detectionTimeout <= s.failover.heartbeatInterval) {
    out.errors.push({
      path: ['failover', 'detectionTimeout'],
      message: `detectionTimeout (${formatDurationUs(s.failover.detectionTimeout)}) must exceed heartbeatInterval (${formatDurationUs(s.failover.heartbeatInterval)}): otherwise a healthy primary looks silent between two pings`,
    });
  }
  if (s.topology && s.failover) checkFailoverApplies(s.topology.kind, s.failover.mode, opts.written, out);
  const variantNames = s.variants ? checkVariantNames(s.variants, out) : new Set<string>();
  if (s.expect) checkExpect(s.expect, variantNames, out);
  return out;
}

// --- Regions -----------------------------------------------------------------

/** Reports duplicate ids; returns the set of declared ids. */
function checkRegionIds(regions: Scenario['regions'], out: ValidationResult): Set<string> {
  return new Set(checkUnique(regions, (r) => r.id, { list: ['regions'], field: 'id', noun: 'region id' }, out).keys());
}

function unknownRegion(id: string, known: Set<string>): string {
  return `unknown region "${id}"${didYouMean(id, [...known])}; regions are ${[...known].join(', ')}`;
}

function requireRegion(path: PathSegment[], id: string, known: Set<string>, out: ValidationResult, anchor?: 'key'): void {
  if (!known.has(id)) out.errors.push({ path, message: unknownRegion(id, known), ...(anchor ? { anchor } : {}) });
}

function checkTopologyRefs(s: Partial<Scenario>, known: Set<string>, out: ValidationResult): void {
  if (s.topology?.primary !== undefined) requireRegion(['topology', 'primary'], s.topology.primary, known, out);
  if (s.failover) {
    if (s.failover.controller !== undefined) requireRegion(['failover', 'controller'], s.failover.controller, known, out);
    if (s.failover.candidate !== 'most-caught-up' && !known.has(s.failover.candidate)) {
      out.errors.push({ path: ['failover', 'candidate'], message: `${unknownRegion(s.failover.candidate, known)}; or use most-caught-up` });
    }
  }
}

/** Prices name declared regions; a pair's price is given once or agrees in both orders. */
function checkCosts(costs: NonNullable<Scenario['costs']>, known: Set<string>, out: ValidationResult): void {
  for (const [a, row] of Object.entries(costs.pairs)) {
    requireRegion(['costs', 'pairs', a], a, known, out, 'key');
    for (const [b, price] of Object.entries(row)) {
      if (b === a) out.errors.push({ path: ['costs', 'pairs', a, b], message: 'a pair is two regions; traffic inside a region is priced by costs.intraRegionPerGB', anchor: 'key' });
      else requireRegion(['costs', 'pairs', a, b], b, known, out, 'key');
      const back = Object.hasOwn(costs.pairs, b) ? costs.pairs[b]?.[a] : undefined;
      if (back !== undefined && back !== price && a < b) {
        out.errors.push({ path: ['costs', 'pairs', b, a], message: `price ${b}→${a} (${back}) disagrees with ${a}→${b} (${price}); a pair's price holds both ways, give one` });
      }
    }
  }
  for (const r of Object.keys(costs.nodePerHour)) requireRegion(['costs', 'nodePerHour', r], r, known, out, 'key');
  for (const r of Object.keys(costs.fromRegionPerGB)) requireRegion(['costs', 'fromRegionPerGB', r], r, known, out, 'key');
}

/** Every unordered pair of distinct regions needs an RTT, in either order; both orders must agree. */
function checkRtt(rtt: Scenario['network']['rtt'], known: Set<string>, out: ValidationResult): void {
  for (const [a, row] of Object.entries(rtt)) {
    requireRegion(['network', 'rtt', a], a, known, out, 'key');
    for (const b of Object.keys(row)) {
      if (b === a) out.errors.push({ path: ['network', 'rtt', a, b], message: 'a region has no RTT to itself (that is network.intraRegionRtt)', anchor: 'key' });
      else requireRegion(['network', 'rtt', a, b], b, known, out, 'key');
    }
  }
  const ids = [...known];
  const get = (a: string, b: string): number | undefined => (Object.hasOwn(rtt, a) ? rtt[a]?.[b] : undefined);
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = ids[i] as string;
      const b = ids[j] as string;
      const ab = get(a, b);
      const ba = get(b, a);
      if (ab === undefined && ba === undefined) {
        out.errors.push({ path: ['network', 'rtt'], message: `no round-trip time between ${a} and ${b} (add rtt.${a}.${b})` });
      } else if (ab !== undefined && ba !== undefined && ab !== ba) {
        out.errors.push({
          path: ['network', 'rtt', b, a],
          message: `rtt ${b}→${a} (${formatDurationUs(ba)}) disagrees with ${a}→${b} (${formatDurationUs(ab)}); round trips are symmetric, give one`,
        });
      }
    }
  }
}

function checkWorkloadRegions(load: Scenario['workload']['regions'], known: Set<string>, out: ValidationResult): void {
  for (const id of Object.keys(load)) requireRegion(['workload', 'regions', id], id, known, out, 'key');
}

function checkSyncReplicas(topology: Scenario['topology'], known: Set<string>, out: ValidationResult): void {
  const { mode, syncReplicas } = topology.replication;
  const others = known.size - 1;
  if (mode === 'semi-sync' && known.size > 1 && syncReplicas > others) {
    out.errors.push({
      path: ['topology', 'replication', 'syncReplicas'],
      message: `semi-sync waits for ${syncReplicas} replicas but there ${others === 1 ? 'is only 1 other region' : `are only ${others} other regions`}`,
    });
  }
}

// --- Faults ------------------------------------------------------------------

function checkFaultRegions(faults: Scenario['faults'], known: Set<string>, out: ValidationResult): void {
  faults.forEach((f, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ['faults', i, ...rest];
    const p = f.partition;
    if (p) {
      if ('isolate' in p) requireRegion(at('partition', 'isolate'), p.isolate, known, out);
      if ('groups' in p) {
        const seen = new Map<string, string>();
        p.groups.forEach((g, gi) =>
          g.forEach((id, k) => {
            const where = at('partition', 'groups', gi, k);
            const prev = seen.get(id);
            if (prev !== undefined) out.errors.push({ path: where, message: `region "${id}" is already in ${prev}; groups must not share a region` });
            else seen.set(id, `faults.${i}.partition.groups.${gi}`);
            requireRegion(where, id, known, out);
          }),
        );
      }
      if ('from' in p) {
        requireRegion(at('partition', 'from'), p.from, known, out);
        requireRegion(at('partition', 'to'), p.to, known, out);
        if (p.from === p.to) out.errors.push({ path: at('partition', 'to'), message: 'a one-way partition needs two different regions' });
      }
    }
    for (const kind of ['crash', 'outage', 'pause', 'slowApply', 'clockJump'] as const) {
      const v = f[kind];
      if (v) requireRegion(at(kind, 'region'), v.region, known, out);
    }
    for (const kind of ['slowLink', 'loss'] as const) {
      const v = f[kind];
      if (!v) continue;
      v.between.forEach((id, k) => requireRegion(at(kind, 'between', k), id, known, out));
      if (v.between[0] === v.between[1]) out.errors.push({ path: at(kind, 'between'), message: 'a link needs two different regions' });
    }
  });
}

function checkFaultTimes(faults: Scenario['faults'], durationUs: number, out: ValidationResult): void {
  faults.forEach((f, i) => {
    if (f.at >= durationUs) {
      out.warnings.push({
        path: ['faults', i, 'at'],
        message: `fault starts at ${formatDurationUs(f.at)}, after the run ends (${formatDurationUs(durationUs)}); it will not fire`,
      });
    }
  });
}

// --- Workload ----------------------------------------------------------------

function checkTables(tables: Scenario['workload']['tables'], filters: string[] | undefined, out: ValidationResult): void {
  const names = checkUnique(tables, (t) => t.name, { list: ['workload', 'tables'], field: 'name', noun: 'table name' }, out);
  const sum = tables.reduce((acc, t) => acc + t.share, 0);
  if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) {
    out.errors.push({ path: ['workload', 'tables'], message: `table shares sum to ${+sum.toPrecision(12)}, not 1` });
  }
  (filters ?? []).forEach((name, k) => {
    if (!names.has(name)) {
      out.errors.push({
        path: ['topology', 'replication', 'filters', k],
        message: `unknown table "${name}"${didYouMean(name, [...names.keys()])}; tables are ${[...names.keys()].join(', ')}`,
      });
    }
  });
}

/** consensus: every named region exists, there is a voter, the preferred leader region has one, timeouts are ordered. */
function checkConsensus(c: Scenario['topology']['consensus'], known: Set<string>, out: ValidationResult): void {
  const at = (...p: PathSegment[]): PathSegment[] => ['topology', 'consensus', ...p];
  for (const field of ['voters', 'nonVoters'] as const) {
    for (const id of Object.keys(c[field] ?? {})) requireRegion(at(field, id), id, known, out, 'key');
  }
  if (typeof c.reads !== 'string') for (const id of Object.keys(c.reads)) requireRegion(at('reads', id), id, known, out, 'key');
  const voters = c.voters ? Object.values(c.voters).reduce((a, v) => a + v, 0) : known.size;
  if (voters === 0) out.errors.push({ path: at('voters'), message: 'a consensus group needs at least one voter' });
  if (c.leader !== undefined) {
    requireRegion(at('leader'), c.leader, known, out);
    if (c.voters && known.has(c.leader) && !(c.voters[c.leader]! > 0)) out.errors.push({ path: at('leader'), message: `the preferred leader region ${c.leader} has no voter` });
  }
  if (c.electionTimeout <= c.heartbeatInterval) {
    out.errors.push({ path: at('electionTimeout'), message: `electionTimeout (${formatDurationUs(c.electionTimeout)}) must exceed heartbeatInterval (${formatDurationUs(c.heartbeatInterval)}): otherwise followers campaign between two heartbeats` });
  }
}

// --- Failover, variants, expectations ------------------------------------------

function checkFailoverApplies(kind: Scenario['topology']['kind'], mode: Scenario['failover']['mode'], written: unknown, out: ValidationResult): void {
  if (kind === 'single-primary' || mode === 'none') return;
  let path: PathSegment[] = ['failover'];
  if (written !== undefined) {
    const f = isPlainObject(written) ? written['failover'] : undefined;
    if (f === undefined) return; // defaults only: nothing the author asked for is being ignored
    if (isPlainObject(f) && Object.hasOwn(f, 'mode')) path = ['failover', 'mode'];
  }
  out.warnings.push({ path, message: `failover settings are ignored for topology ${kind}` });
}

function checkVariantNames(variants: Scenario['variants'], out: ValidationResult): Set<string> {
  return new Set(checkUnique(variants, (v) => v.name, { list: ['variants'], field: 'name', noun: 'variant name' }, out).keys());
}

const METRIC_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const BOUND_HELP = 'a bound is a number, true/false, or {min, max, equals}';

/**
 * `expect` keys are variant names (value: metric path → bound) or metric
 * paths (value: a bound). Only the shape is checked here.
 */
function checkExpect(expect: Record<string, unknown>, variants: Set<string>, out: ValidationResult): void {
  for (const [key, value] of Object.entries(expect)) {
    if (variants.has(key)) {
      if (!isPlainObject(value)) {
        out.errors.push({ path: ['expect', key], message: `expected a mapping of metric path → bound for variant "${key}"` });
        continue;
      }
      for (const [metric, bound] of Object.entries(value)) checkBound(['expect', key, metric], metric, bound, out);
    } else {
      checkBound(['expect', key], key, value, out);
    }
  }
}

function checkBound(path: PathSegment[], metric: string, bound: unknown, out: ValidationResult): void {
  if (!METRIC_PATH.test(metric)) {
    out.errors.push({ path, message: `"${metric}" is neither a variant name nor a metric path (like splitBrain.occurrences)`, anchor: 'key' });
    return;
  }
  const unknown = metricPathProblem(metric);
  if (unknown !== undefined) {
    out.errors.push({ path, message: unknown, anchor: 'key' });
    return;
  }
  const r = BoundSchema.safeParse(bound);
  if (!r.success) {
    out.errors.push({ path, message: `not a valid bound: ${BOUND_HELP}${isPlainObject(bound) ? ' (is the key a misspelt variant name?)' : ''}` });
    return;
  }
  const b = r.data;
  if (typeof b === 'object') {
    if (b.min === undefined && b.max === undefined && b.equals === undefined) out.errors.push({ path, message: `empty bound: ${BOUND_HELP}` });
    if (b.min !== undefined && b.max !== undefined && b.min > b.max) out.errors.push({ path, message: `bound min (${b.min}) exceeds max (${b.max})` });
  }
}

// --- Shared --------------------------------------------------------------------

/** Where a list's names live, for checkUnique's messages. */
interface NamedList {
  /** Path of the list, e.g. ['workload', 'tables']. */
  list: PathSegment[];
  /** The name's field in each item, e.g. `name`. */
  field: string;
  /** What the name is called in messages, e.g. `table name`. */
  noun: string;
}

/**
 * Reports each item whose name an earlier item already has
 * (`duplicate table name "t" (also workload.tables.0.name)`); returns each
 * name's first index, in order.
 */
function checkUnique<T>(items: readonly T[], nameOf: (item: T) => string, where: NamedList, out: ValidationResult): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const name = nameOf(item);
    const prev = first.get(name);
    if (prev !== undefined) {
      out.errors.push({ path: [...where.list, i, where.field], message: `duplicate ${where.noun} "${name}" (also ${where.list.join('.')}.${prev}.${where.field})` });
    } else first.set(name, i);
  });
  return first;
}
