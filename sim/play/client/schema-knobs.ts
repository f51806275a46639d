// The knobs the playground's controls offer, read from the scenario's JSON
// Schema (sim/scenario/schema.ts): for each path, the field's description
// (with its unit and default), its default, and the widget its type calls
// for. Nothing about a field is written here but its path: a knob whose path
// the schema lacks is left out, and a new enum value shows up by itself.
// Paths may hold `*`: one per region (workload rates, the RTT matrix). Pure.

/** A JSON Schema node, as much of it as the knobs read. */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
  minimum?: number;
  maximum?: number;
}

/** A group of knobs, in the order the page shows them. */
export interface KnobGroup {
  title: string;
  paths: string[];
}

/** The knobs architects change most (the rest is in the YAML). */
export const KNOB_GROUPS: readonly KnobGroup[] = [
  { title: 'Topology', paths: ['topology.kind', 'topology.primary', 'topology.replication.mode', 'topology.replication.shipInterval', 'topology.reads.routing', 'topology.reads.readYourWrites.strategy', 'topology.conflict'] },
  { title: 'Failover and fencing', paths: ['failover.manager', 'failover.mode', 'failover.controller', 'failover.heartbeatInterval', 'failover.detectionTimeout', 'failover.fencing', 'failover.stonithDelay', 'failover.leaseDuration', 'failover.dnsTtl'] },
  { title: 'Consensus and leaderless levels', paths: ['topology.consensus.reads', 'topology.consensus.answerFrom', 'topology.consensus.electionTimeout', 'topology.leaderless.write', 'topology.leaderless.read', 'topology.leaderless.readFanout'] },
  { title: 'Workload', paths: ['workload.regions.*.writes', 'workload.regions.*.reads', 'workload.readAfterWrite.probability'] },
];

/** The widget a field gets. */
export type Widget = { kind: 'select'; options: string[] } | { kind: 'text' } | { kind: 'number'; min?: number; max?: number };

/** One knob: a concrete path and what the schema says of it. */
export interface Knob {
  path: string[];
  label: string;
  description: string;
  default: unknown;
  widget: Widget;
  /** The field takes a plain number (e.g. a duration in ms). */
  numeric: boolean;
}

/** The schema node at a path (through object properties and record values), or undefined. */
export function nodeAt(schema: SchemaNode, path: readonly string[]): SchemaNode | undefined {
  let n: SchemaNode | undefined = schema;
  for (const seg of path) {
    if (n === undefined) return undefined;
    const next: SchemaNode | undefined = n.properties?.[seg] ?? (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined) ?? n.anyOf?.map((a) => a.properties?.[seg]).find((x) => x !== undefined);
    n = next;
  }
  return n;
}

function types(n: SchemaNode): string[] {
  return n.type === undefined ? [] : Array.isArray(n.type) ? n.type : [n.type];
}

/** The widget for a node: an enum (or a one-level choice of enums) is a select; a bare number, a number field; anything else, text. */
export function widgetFor(n: SchemaNode): Widget {
  const enums = [...(n.enum ?? []), ...(n.anyOf ?? []).flatMap((a) => [...(a.enum ?? []), ...(a.const !== undefined ? [a.const] : [])])];
  if (enums.length > 0) return { kind: 'select', options: enums.map(String) };
  const t = types(n);
  if (t.length === 1 && t[0] === 'boolean') return { kind: 'select', options: ['true', 'false'] };
  if (t.length === 1 && (t[0] === 'number' || t[0] === 'integer')) return { kind: 'number', ...(n.minimum !== undefined ? { min: n.minimum } : {}), ...(n.maximum !== undefined ? { max: n.maximum } : {}) };
  return { kind: 'text' };
}

/** The knobs of the groups for these regions (`*` becomes each region id), leaving out paths the schema lacks. */
export function knobsOf(schema: SchemaNode, group: KnobGroup, regions: readonly string[]): Knob[] {
  const out: Knob[] = [];
  for (const pattern of group.paths) {
    const segs = pattern.split('.');
    const concrete = segs.includes('*') ? regions.map((r) => segs.map((s) => (s === '*' ? r : s))) : [segs];
    for (const path of concrete) {
      const n = nodeAt(schema, path);
      if (n === undefined) continue;
      out.push({ path, label: path.join('.'), description: n.description ?? '', default: n.default, widget: widgetFor(n), numeric: types(n).some((t) => t === 'number' || t === 'integer') });
    }
  }
  return out;
}

/** The YAML value a control's text stands for: '' removes the field (its default applies); a number field or a plain number for a number-only field is a number. */
export function valueFromInput(knob: Knob, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  if (knob.widget.kind === 'number') return Number(t);
  if (knob.widget.kind === 'select' && (t === 'true' || t === 'false') && knob.widget.options.length === 2) return t === 'true';
  if (knob.widget.kind === 'select' && /^\d+$/.test(t) && !knob.widget.options.includes(t)) return Number(t);
  if (knob.numeric && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}
