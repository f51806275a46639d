// The playground page: scenario picker, YAML editor with the loader's
// located problems, schema-generated controls and the fault timeline (both
// edit the text), Run / Compare on Web Workers with progress and Cancel,
// compare's table and the report's charts, downloads, and the scenario in
// the URL fragment. State is the scenario text; everything else is drawn
// from it.
import { InputError } from '../../core/errors.ts';
import { listVariantsOfText, loadScenarioFromText, validateText } from '../../scenario/load-text.ts';
import { scenarioJsonSchema } from '../../scenario/schema.ts';
import type { RunResult } from '../../report/runs.ts';
import { escapeHtml as esc } from '../../report/html-kit.ts';
import { controlsHtml, fillControls, rttPath } from './controls-view.ts';
import { ADDABLE_KINDS, draggedAt, durationUs, newFault, timelineHtml } from './faults.ts';
import { type BatchOutcome, RunPool } from './pool.ts';
import type { RunJob } from './protocol.ts';
import { chartDefs, type DrawnChart, drawChart, figureHtml, tableHtml } from './results.ts';
import { KNOB_GROUPS, knobsOf, type SchemaNode, valueFromInput } from './schema-knobs.ts';
import { decodeFragment, encodeFragment } from './share.ts';
import { addFault, readField, readRegions, removeFault, writeField } from './yaml-edit.ts';
import { layoutHtml } from './layout.ts';

interface BundledScenario {
  name: string;
  file: string;
  text: string;
}

const $ = <T extends Element = HTMLElement>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (el === null) throw new Error(`invariant: the page has no ${sel}`);
  return el;
};

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Starts the page in #app. */
export async function start(): Promise<void> {
  const bundled = JSON.parse($('#repsim-scenarios').textContent ?? '[]') as BundledScenario[];
  const workerUrl = URL.createObjectURL(new Blob([$('#repsim-worker').textContent ?? ''], { type: 'text/javascript' }));
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  const pool = new RunPool(() => new Worker(workerUrl), cores, () => performance.now());
  const schema = scenarioJsonSchema() as SchemaNode;
  $('#app').innerHTML = layoutHtml(bundled.map((s) => s.name), cores);

  const yaml = $<HTMLTextAreaElement>('#yaml');
  const status = $('#status');
  let label = bundled[0]?.file ?? 'scenario.yaml';
  let regionsKey = '';
  let runs: RunResult[] = [];
  let summaries: Array<{ key: string; json: string }> = [];
  let charts: DrawnChart[] = [];
  let validateTimer: ReturnType<typeof setTimeout> | undefined;
  let checks = 0;

  const text = (): string => yaml.value;

  /** Everything drawn from the text: problems, variants, controls, timeline, the URL. */
  const refresh = (active: Element | null): void => {
    const t = text();
    const regions = readRegions(t);
    if (regions.join('\u0000') !== regionsKey) {
      regionsKey = regions.join('\u0000');
      $('#controls').innerHTML = controlsHtml(schema, regions);
    }
    fillControls($('#controls'), t, active);
    $('#timeline').innerHTML = timelineHtml(t, readField(t, ['duration']));
    $<HTMLSelectElement>('#fault-region').innerHTML = regions.map((r) => `<option>${esc(r)}</option>`).join('');
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => void check(), 250);
  };

  /** The loader's problems, as the CLI prints them; the variant list; the URL fragment. */
  const check = async (): Promise<void> => {
    const t = text();
    const v = validateText(t, label);
    $('#problems').innerHTML = v.problems.map((p) => `<li>${esc(p)}</li>`).join('');
    let variants: string[] = [];
    try {
      variants = listVariantsOfText(t, label);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
    const sel = $<HTMLSelectElement>('#variant');
    const was = sel.value;
    sel.innerHTML = (variants.length > 0 ? variants : ['base']).map((n) => `<option>${esc(n)}</option>`).join('');
    if ([...sel.options].some((o) => o.value === was)) sel.value = was;
    history.replaceState(null, '', `#${await encodeFragment(label, t)}`);
    $('#app').dataset.checked = String(++checks);
  };

  const setText = (t: string, active: Element | null = null): void => {
    if (yaml.value !== t) yaml.value = t;
    refresh(active);
  };

  const open = (name: string): void => {
    const s = bundled.find((b) => b.name === name) ?? bundled[0];
    if (s === undefined) return;
    label = s.file;
    $<HTMLSelectElement>('#scenario').value = s.name;
    setText(s.text);
  };

  // The scenario the URL names, else the first bundled one.
  try {
    const shared = await decodeFragment(location.hash);
    if (shared.kind === 'text') {
      label = shared.label;
      const match = bundled.find((b) => b.file === shared.label);
      if (match !== undefined) $<HTMLSelectElement>('#scenario').value = match.name;
      setText(shared.text);
    } else open(shared.kind === 'bundled' ? shared.name : (bundled[0]?.name ?? ''));
  } catch (e) {
    open(bundled[0]?.name ?? '');
    status.textContent = e instanceof Error ? e.message : String(e);
  }

  $('#scenario').addEventListener('change', (e) => open((e.target as HTMLSelectElement).value));
  yaml.addEventListener('input', () => refresh(yaml));

  // Controls → YAML.
  $('#controls').addEventListener('change', (e) => {
    const el = e.target as HTMLInputElement | HTMLSelectElement;
    const t = text();
    let next: string | undefined;
    if (el.dataset.rtt !== undefined) {
      const [a = '', b = ''] = JSON.parse(el.dataset.rtt) as string[];
      const v = el.value.trim();
      next = writeField(t, rttPath(t, a, b), v === '' ? undefined : /^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
    } else if (el.dataset.path !== undefined) {
      const path = JSON.parse(el.dataset.path) as string[];
      const knob = KNOB_GROUPS.flatMap((g) => knobsOf(schema, g, readRegions(t))).find((k) => k.path.join('.') === path.join('.'));
      if (knob !== undefined) next = writeField(t, path, valueFromInput(knob, el.value));
    }
    if (next === undefined) status.textContent = 'the YAML does not parse: fix it in the editor first';
    else setText(next, el);
  });

  // Fault timeline: remove, drag, add.
  $('#timeline').addEventListener('click', (e) => {
    const i = (e.target as HTMLElement).dataset.removeFault;
    if (i === undefined) return;
    const next = removeFault(text(), Number(i));
    if (next !== undefined) setText(next);
  });
  $('#timeline').addEventListener('pointerdown', (e) => {
    const bar = (e.target as HTMLElement).closest<HTMLElement>('.fault');
    if (bar === null || (e.target as HTMLElement).dataset.removeFault !== undefined) return;
    const line = bar.closest<HTMLElement>('.timeline');
    if (line === null) return;
    const i = Number(bar.dataset.fault);
    const total = Number(line.dataset.totalUs);
    const startX = e.clientX;
    const startLeft = bar.offsetLeft;
    const width = line.clientWidth;
    bar.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => {
      bar.style.left = `${Math.max(0, startLeft + m.clientX - startX)}px`;
    };
    const up = (u: PointerEvent) => {
      bar.removeEventListener('pointermove', move);
      bar.removeEventListener('pointerup', up);
      const t = text();
      const at = readField(t, ['faults', i, 'at']);
      const startUs = durationUs(at);
      const next = startUs === undefined ? undefined : writeField(t, ['faults', i, 'at'], draggedAt(startUs, u.clientX - startX, width, total));
      if (next !== undefined) setText(next);
      else refresh(null);
    };
    bar.addEventListener('pointermove', move);
    bar.addEventListener('pointerup', up);
  });
  $<HTMLSelectElement>('#fault-kind').innerHTML = ADDABLE_KINDS.map((k) => `<option>${esc(k)}</option>`).join('');
  $('#fault-add').addEventListener('click', () => {
    const region = $<HTMLSelectElement>('#fault-region').value;
    const regions = [region, ...readRegions(text()).filter((r) => r !== region)];
    const fault = newFault($<HTMLSelectElement>('#fault-kind').value, regions, $<HTMLInputElement>('#fault-at').value.trim() || '1m', $<HTMLInputElement>('#fault-for').value);
    const next = fault === undefined ? undefined : addFault(text(), fault);
    if (next !== undefined) setText(next);
  });

  // Runs.
  const runButtons = ['#run', '#compare'].map((s) => $<HTMLButtonElement>(s));
  const batch = async (jobs: RunJob[], what: string): Promise<void> => {
    runButtons.forEach((b) => (b.disabled = true));
    $<HTMLButtonElement>('#cancel').disabled = false;
    $('#run-problems').textContent = '';
    const bar = $('#progress > div');
    const out: BatchOutcome = await pool.run(jobs, (p) => {
      bar.style.width = `${(p.fraction * 100).toFixed(1)}%`;
      status.textContent = `${what}: ${p.done}/${p.total} runs on ${Math.min(cores, p.total)} worker${cores === 1 ? '' : 's'}`;
    });
    runButtons.forEach((b) => (b.disabled = false));
    $<HTMLButtonElement>('#cancel').disabled = true;
    const secs = (out.wallMs / 1000).toFixed(1);
    if (out.cancelled) {
      status.textContent = `${what}: cancelled after ${secs} s`;
      $('#app').dataset.state = 'cancelled';
      return;
    }
    const bad: string[] = [];
    const ok: Array<{ job: RunJob; json: string }> = [];
    out.results.forEach((r, i) => {
      const job = jobs[i] as RunJob;
      if (r?.kind === 'done') ok.push({ job, json: r.json });
      else if (r?.kind === 'invalid') bad.push(...r.problems.map((p) => `${job.variant}: ${p}`));
      else if (r?.kind === 'failed') bad.push(`${job.variant} seed ${job.seed ?? ''}: ${r.message}`);
    });
    $('#run-problems').textContent = [...new Set(bad)].join('\n');
    status.textContent = `${what}: ${ok.length} run${ok.length === 1 ? '' : 's'} in ${secs} s on ${out.workers} worker${out.workers === 1 ? '' : 's'}`;
    $('#app').dataset.wallMs = String(Math.round(out.wallMs));
    if (ok.length === 0) return;
    runs = ok.map((o) => JSON.parse(o.json) as RunResult);
    summaries = ok.map((o) => ({ key: `${o.job.variant}-seed-${o.job.seed ?? ''}`, json: o.json }));
    $<HTMLSelectElement>('#summary-pick').innerHTML = summaries.map((s, i) => `<option value="${i}">${esc(s.key)}</option>`).join('');
    $<HTMLButtonElement>('#dl-json').disabled = false;
    $('#table').innerHTML = tableHtml(runs);
    const box = $('#charts');
    box.innerHTML = '';
    charts = [];
    for (const def of chartDefs(runs)) {
      const c = await drawChart(def);
      charts.push(c);
      box.insertAdjacentHTML('beforeend', figureHtml(c, charts.length - 1));
    }
    $('#app').dataset.state = 'done';
  };

  const firstSeed = (): number | undefined => {
    try {
      return loadScenarioFromText(text(), label).scenario.seed;
    } catch {
      return undefined;
    }
  };
  let nextId = 1;
  $('#run').addEventListener('click', () => {
    const seedText = $<HTMLInputElement>('#seed').value.trim();
    const seed = seedText === '' ? firstSeed() : Number(seedText);
    void batch([{ id: nextId++, text: text(), label, variant: $<HTMLSelectElement>('#variant').value || 'base', ...(seed !== undefined ? { seed } : {}) }], 'run');
  });
  $('#compare').addEventListener('click', () => {
    const n = Math.max(1, Math.min(1000, Number($<HTMLInputElement>('#seeds').value) || 3));
    const s0 = firstSeed() ?? 1;
    const variants = [...$<HTMLSelectElement>('#variant').options].map((o) => o.value);
    const jobs = variants.flatMap((variant) => Array.from({ length: n }, (_, k) => ({ id: nextId++, text: text(), label, variant, seed: s0 + k })));
    void batch(jobs, 'compare');
  });
  $('#cancel').addEventListener('click', () => pool.cancel());

  // Downloads.
  $('#dl-yaml').addEventListener('click', () => download(label.split('/').pop() ?? 'scenario.yaml', new Blob([text()], { type: 'text/yaml' })));
  $('#dl-json').addEventListener('click', () => {
    const s = summaries[Number($<HTMLSelectElement>('#summary-pick').value)];
    if (s !== undefined) download(`summary-${s.key}.json`, new Blob([s.json], { type: 'application/json' }));
  });
  $('#share').addEventListener('click', async () => {
    await check();
    await navigator.clipboard?.writeText(location.href).catch(() => undefined);
    status.textContent = 'the link in the address bar holds this scenario (copied when the browser allows)';
  });
  $('#charts').addEventListener('click', async (e) => {
    const b = e.target as HTMLElement;
    const c = charts[Number(b.dataset.chart)];
    if (c === undefined || b.dataset.download === undefined) return;
    if (b.dataset.download === 'svg') download(`${c.def.name}.svg`, new Blob([c.svg], { type: 'image/svg+xml' }));
    else {
      const canvas = (await c.view.toCanvas(2)) as unknown as HTMLCanvasElement;
      canvas.toBlob((blob) => blob && download(`${c.def.name}.png`, blob), 'image/png');
    }
  });
  $('#app').dataset.ready = 'true';
}
