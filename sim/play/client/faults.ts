// The fault timeline: each fault of `faults:` as a bar over the run's
// duration (one lane each), removable (×) and draggable along time (its `at`
// moves in whole seconds), and a small form that adds one. Edits go to the
// YAML text (yaml-edit.ts); the page redraws the timeline from the text.
import { FAULT_KINDS } from '../../scenario/schema-faults.ts';
import { parseDurationUs } from '../../core/units.ts';
import { escapeHtml as esc } from '../../report/html-kit.ts';
import { readFaults } from './yaml-edit.ts';

/** The kinds the add form offers, with the fields a new fault of that kind starts with. */
export function newFault(kind: string, regions: readonly string[], at: string, duration: string): Record<string, unknown> | undefined {
  const a = regions[0] ?? 'a';
  const b = regions[1] ?? a;
  const body: Record<string, unknown> | undefined = {
    partition: { isolate: a },
    crash: { region: a },
    outage: { region: a },
    pause: { region: a },
    slowLink: { between: [a, b], factor: 5 },
    loss: { between: [a, b], probability: 0.1 },
    slowApply: { region: a, factor: 5 },
    clockJump: { region: a, by: '1s' },
    stonithFailure: { probability: 0.5 },
  }[kind];
  if (body === undefined) return undefined;
  return { at, ...(duration.trim() !== '' ? { for: duration.trim() } : {}), [kind]: body };
}

/** The kinds a fault can be added as from the form (random faults are written in the YAML). */
export const ADDABLE_KINDS: readonly string[] = FAULT_KINDS.filter((k) => k !== 'random');

/** A duration as written (string with unit, or ms) in µs, or undefined. */
export function durationUs(v: unknown): number | undefined {
  const r = parseDurationUs(v);
  return r.ok ? r.value : undefined;
}

/** A fault's one-line label: its kind and what it hits. */
export function faultLabel(f: Record<string, unknown>): string {
  const kind = FAULT_KINDS.find((k) => f[k] !== undefined) ?? '?';
  const body = f[kind];
  const target = body !== null && typeof body === 'object' ? Object.values(body as Record<string, unknown>).map((v) => (Array.isArray(v) ? v.join('–') : String(v))).join(' ') : '';
  return `${kind} ${target}`.trim();
}

/** The timeline's HTML for a scenario text (duration from `duration:`, default 10m). */
export function timelineHtml(text: string, durationField: unknown): string {
  const total = durationUs(durationField ?? '10m') ?? 600e6;
  const lanes = readFaults(text).map((f, i) => {
    const at = durationUs(f.at) ?? 0;
    const len = f.for === undefined ? total - at : (durationUs(f.for) ?? 0);
    // A fault that starts after the run ends sits at the right edge, greyed: it will not fire.
    const after = at >= total;
    const width = after ? 12 : Math.max(0.8, Math.min(100 - (at / total) * 100, (len / total) * 100));
    const left = after ? 100 - width : Math.max(0, (at / total) * 100);
    const title = `${faultLabel(f)} at ${String(f.at)}${f.for !== undefined ? ` for ${String(f.for)}` : ''}${after ? ', after the run ends: it will not fire' : ''} (drag to move)`;
    return `<div class="lane"><div class="fault${after ? ' after' : ''}" data-fault="${i}" style="left:${left.toFixed(3)}%;width:${width.toFixed(3)}%" title="${esc(title)}">${esc(faultLabel(f))} <button data-remove-fault="${i}" aria-label="remove fault ${i + 1}">×</button></div></div>`;
  });
  return `<div class="timeline" data-total-us="${total}">${lanes.length > 0 ? lanes.join('') : '<div class="lane note">no faults</div>'}</div>`;
}

/** The `at` a drag of `dxPx` over a timeline `widthPx` wide gives a fault that started at `atUs`, in whole seconds within the run. */
export function draggedAt(atUs: number, dxPx: number, widthPx: number, totalUs: number): string {
  const moved = atUs + (dxPx / Math.max(1, widthPx)) * totalUs;
  const s = Math.round(Math.max(0, Math.min(totalUs, moved)) / 1e6);
  return `${s}s`;
}
