// The controls' HTML, generated from the schema's knobs (schema-knobs.ts) and
// the scenario text's current values: one fieldset per group, the RTT matrix
// as a table of the regions' pairs, each input naming its YAML path. The
// page wires them (app.ts): a change writes the path, an edit of the YAML
// re-reads every value (fillControls).
import { escapeHtml as esc } from '../../report/html-kit.ts';
import { KNOB_GROUPS, type Knob, knobsOf, nodeAt, type SchemaNode } from './schema-knobs.ts';
import { readField } from './yaml-edit.ts';

function shown(v: unknown): string {
  return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function knobHtml(k: Knob): string {
  const path = esc(JSON.stringify(k.path));
  const def = k.default === undefined ? '' : shown(k.default);
  const input =
    k.widget.kind === 'select'
      ? `<select data-path="${path}"><option value="">(default${def !== '' ? `: ${esc(def)}` : ''})</option>${k.widget.options.map((o) => `<option value="${esc(o)}">${esc(o)}</option>`).join('')}</select>`
      : `<input type="${k.widget.kind === 'number' ? 'number' : 'text'}" data-path="${path}" placeholder="${esc(def !== '' ? `default ${def}` : '')}"${k.widget.kind === 'number' && k.widget.min !== undefined ? ` min="${k.widget.min}"` : ''}${k.widget.kind === 'number' && k.widget.max !== undefined ? ` max="${k.widget.max}"` : ''}${k.widget.kind === 'number' ? ' step="any"' : ''}>`;
  return `<label class="control" title="${esc(k.description)}"><span class="name">${esc(k.label)}</span>${input}<span class="doc">${esc(k.description.length > 110 ? `${k.description.slice(0, 107)}…` : k.description)}</span></label>`;
}

/** The RTT matrix: a cell per pair of regions (upper triangle), as `network.rtt.a.b`. */
function rttHtml(schema: SchemaNode, regions: readonly string[]): string {
  const n = nodeAt(schema, ['network', 'rtt']);
  if (n === undefined || regions.length < 2) return '';
  const head = regions.map((r) => `<th>${esc(r)}</th>`).join('');
  const rows = regions
    .map((a, i) => {
      const cells = regions.map((b, j) => (j <= i ? '<td></td>' : `<td><input type="text" data-rtt="${esc(JSON.stringify([a, b]))}" aria-label="RTT ${esc(a)}–${esc(b)}"></td>`)).join('');
      return `<tr><th>${esc(a)}</th>${cells}</tr>`;
    })
    .join('');
  return `<fieldset><legend>Round-trip times</legend><p class="note">${esc(n.description ?? '')}</p><div class="table-scroll"><table class="rtt"><tr><th></th>${head}</tr>${rows}</table></div></fieldset>`;
}

/** Every control for a scenario with these regions. */
export function controlsHtml(schema: SchemaNode, regions: readonly string[]): string {
  const groups = KNOB_GROUPS.map((g) => {
    const knobs = knobsOf(schema, g, regions);
    return knobs.length === 0 ? '' : `<fieldset><legend>${esc(g.title)}</legend><div class="controls">${knobs.map(knobHtml).join('')}</div></fieldset>`;
  });
  return rttHtml(schema, regions) + groups.join('');
}

/** The RTT of a pair as written: rtt[a][b], else rtt[b][a] (either order is allowed); its path. */
export function rttPath(text: string, a: string, b: string): string[] {
  return readField(text, ['network', 'rtt', a, b]) === undefined && readField(text, ['network', 'rtt', b, a]) !== undefined ? ['network', 'rtt', b, a] : ['network', 'rtt', a, b];
}

/** Sets every control in `root` to the text's current value (not the one being typed in). */
export function fillControls(root: ParentNode, text: string, active: Element | null): void {
  for (const el of root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-path]')) {
    if (el === active) continue;
    const v = shown(readField(text, JSON.parse(el.dataset.path ?? '[]') as string[]));
    if (el instanceof HTMLSelectElement && v !== '' && ![...el.options].some((o) => o.value === v)) el.add(new Option(v, v));
    el.value = v;
  }
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-rtt]')) {
    if (el === active) continue;
    const [a = '', b = ''] = JSON.parse(el.dataset.rtt ?? '[]') as string[];
    el.value = shown(readField(text, rttPath(text, a, b)));
  }
}
