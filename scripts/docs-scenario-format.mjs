#!/usr/bin/env node
// Writes the field reference of docs/scenario-format.md from the committed
// JSON Schema (scenarios/scenario.schema.json, itself generated from the zod
// schema in sim/scenario/schema.ts by `repsim schema`). Only the part between
// the `<!-- fields:start -->` and `<!-- fields:end -->` markers is replaced;
// the hand-written introduction and examples around it are left alone.
//
//   node scripts/docs-scenario-format.mjs           rewrite the page
//   node scripts/docs-scenario-format.mjs --stdout  print the generated part only
//
// Plain Node, no dependencies: test/docs/links.test.ts imports
// `generateFields` and checks the page is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_PATH = join(root, 'scenarios/scenario.schema.json');
export const PAGE_PATH = join(root, 'docs/scenario-format.md');
export const START = '<!-- fields:start -->';
export const END = '<!-- fields:end -->';

const REGION_ID = '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$';

/** Unit kind of a `string | number` field, by its path; anything not listed is a duration. */
const QUANTITY_KIND = {
  'network.bandwidth': 'bandwidth (`100MB/s`; a number is bytes/s)',
  'topology.replication.cdcThroughput': 'rate (`50000/s`)',
  'topology.replication.walRetention': 'size (`16MB`; a number is bytes)',
  'workload.tables[].rowBytes': 'size (`512B`; a number is bytes)',
  'workload.regions.<region>.writes': 'rate (`500/s`)',
  'workload.regions.<region>.reads': 'rate (`2000/s`)',
};
const DURATION = 'duration (`70ms`; a number is ms)';

/** Placeholder for the keys of a map, by the map's path. */
const MAP_KEY = {
  'topology.consensus.tables': '<table>',
  'variants[].set': '<path>',
  expect: '<metric-or-variant>',
};

const SECTIONS = [
  ['Top level', ['name', 'description', 'seed', 'duration', 'warmup']],
  ['regions', ['regions']],
  ['network', ['network']],
  ['topology', ['topology']],
  ['failover', ['failover']],
  ['monitoring', ['monitoring']],
  ['workload', ['workload']],
  ['faults', ['faults']],
  ['costs', ['costs']],
  ['variants', ['variants']],
  ['expect', ['expect']],
  ['check', ['check']],
];

const isDistribution = (n) => Array.isArray(n.anyOf) && n.anyOf.some((a) => a && a.properties && a.properties.dist);
const cell = (s) => String(s).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (s) => '`' + s + '`';

function range(n) {
  const lo = n.minimum ?? (n.exclusiveMinimum !== undefined ? `>${n.exclusiveMinimum}` : undefined);
  const hi = n.maximum ?? (n.exclusiveMaximum !== undefined ? `<${n.exclusiveMaximum}` : undefined);
  if (lo === undefined && hi === undefined) return '';
  if (hi !== undefined && hi >= Number.MAX_SAFE_INTEGER) return lo === undefined ? '' : ` ≥ ${lo}`;
  return ` ${lo ?? '…'}–${hi ?? '…'}`;
}

/** A short type for one schema node. */
function typeOf(n, path, inAnyOf = false) {
  if (!n || typeof n !== 'object' || Object.keys(n).length === 0) return 'any';
  if (isDistribution(n)) return 'duration or distribution';
  if (n.const !== undefined) return code(JSON.stringify(n.const));
  if (n.enum) return n.enum.map((e) => code(e)).join(' | ');
  if (Array.isArray(n.anyOf)) return n.anyOf.map((a) => typeOf(a, path, true)).join(' or ');
  const t = n.type;
  if (Array.isArray(t) && t.includes('string') && t.includes('number')) return QUANTITY_KIND[path] ?? DURATION;
  if (t === 'string') return n.pattern === REGION_ID ? 'region id' : 'string';
  if (t === 'integer') return 'integer' + range(n);
  if (t === 'number') return 'number' + range(n);
  if (t === 'boolean') return 'boolean';
  if (t === 'array' && Array.isArray(n.prefixItems)) return `[${n.prefixItems.map((x) => typeOf(x, path + '[]')).join(', ')}]`;
  if (t === 'array') return 'list of ' + typeOf(n.items, path + '[]');
  if (t === 'object') {
    if (n.additionalProperties && typeof n.additionalProperties === 'object' && !n.properties) {
      const v = n.additionalProperties;
      const inner = v.type === 'object' && (v.properties || v.additionalProperties) ? 'object' : typeOf(v, path + '.*');
      return `map: ${code(mapKey(path))} → ${inner}`;
    }
    if (inAnyOf && n.properties) return code(`{${Object.keys(n.properties).join(', ')}}`);
    return 'object';
  }
  return 'any';
}

function mapKey(path) {
  return MAP_KEY[path] ?? '<region>';
}

function defaultOf(n, required) {
  if (n && Object.hasOwn(n, 'default')) {
    const d = n.default;
    if (d !== null && typeof d === 'object' && Object.keys(d).length === 0) return Array.isArray(d) ? '`[]`' : '`{}`';
    return code(typeof d === 'string' ? d : JSON.stringify(d));
  }
  return required ? 'required' : '—';
}

/** Rows for node `n` at `path`, then for everything inside it. */
function rows(n, path, required, out) {
  out.push([code(path), typeOf(n, path), defaultOf(n, required), n.description ?? '']);
  inner(n, path, out);
}

function inner(n, path, out) {
  if (!n || typeof n !== 'object' || isDistribution(n)) return;
  if (Array.isArray(n.anyOf)) {
    for (const a of n.anyOf) if (a && a.type === 'object') inner(a, path, out);
    return;
  }
  if (n.type === 'array' && n.items && n.items.type === 'object' && n.items.properties) {
    inner(n.items, path + '[]', out);
    return;
  }
  if (n.type !== 'object') return;
  const req = new Set(n.required ?? []);
  for (const [k, v] of Object.entries(n.properties ?? {})) rows(v, `${path}.${k}`, req.has(k), out);
  const ap = n.additionalProperties;
  if (!n.properties && ap && typeof ap === 'object' && ap.type === 'object' && (ap.properties || ap.additionalProperties)) {
    const p = `${path}.${mapKey(path)}`;
    if (ap.properties) inner(ap, p, out);
    else rows(ap, p, false, out);
  }
}

/** The generated part of the page: everything between the markers, markers excluded. */
export function generateFields(schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))) {
  const req = new Set(schema.required ?? []);
  const lines = [
    '',
    '<!-- Generated by `npm run docs` (scripts/docs-scenario-format.mjs) from scenarios/scenario.schema.json. Do not edit by hand. -->',
    '',
  ];
  for (const [title, keys] of SECTIONS) {
    const out = [];
    for (const k of keys) rows(schema.properties[k], k, req.has(k), out);
    lines.push(`### ${title === 'Top level' ? title : code(title)}`, '');
    lines.push('| field | type | default | meaning |', '| --- | --- | --- | --- |');
    for (const r of out) lines.push('| ' + r.map(cell).join(' | ') + ' |');
    lines.push('');
  }
  const missing = Object.keys(schema.properties).filter((k) => !SECTIONS.some(([, ks]) => ks.includes(k)));
  if (missing.length > 0) throw new Error(`scripts/docs-scenario-format.mjs: no section for top-level field(s) ${missing.join(', ')}`);
  return lines.join('\n');
}

/** The page with its generated part replaced. */
export function renderPage(page, fields = generateFields()) {
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${PAGE_PATH}: markers ${START} / ${END} not found`);
  return page.slice(0, a + START.length) + '\n' + fields + '\n' + page.slice(b);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--stdout')) process.stdout.write(generateFields() + '\n');
  else {
    const page = readFileSync(PAGE_PATH, 'utf8');
    const next = renderPage(page);
    if (next !== page) writeFileSync(PAGE_PATH, next);
    console.log(`${next === page ? 'unchanged' : 'wrote'} docs/scenario-format.md`);
  }
}
