// Fault windows drawn over a time chart: shaded (or outlined) bands for
// faults with a duration, dashed rules for instantaneous ones, and labels
// above the plot area, stacked in rows so that they never overlap.
import type { FaultWindow } from '../../scenario/summary-types.ts';
import { FAULT_FILL, FAULT_INK, type VlLayer } from '../theme.ts';

/** How fault windows look. */
export interface FaultLayerOptions {
  /** 'shade' fills the window (behind line charts); 'outline' draws a dashed box (over lane charts). */
  style: 'shade' | 'outline';
  /** Plot width in px, to know how much time a label covers. */
  plotWidthPx: number;
  /** Time domain of the x axis, seconds. */
  domainS: readonly [number, number];
}

/** Fault layers plus the room their labels need above the plot. */
export interface FaultLayers {
  /** Layers drawn before the data (shading). */
  behind: VlLayer[];
  /** Layers drawn after the data (outlines, rules, labels). */
  front: VlLayer[];
  /** Pixels the labels take above the plot area (Vega's layout already makes room for them). */
  labelHeightPx: number;
}

/** Most rows of labels; faults that would need more stay unlabelled (still drawn). */
const MAX_LABEL_ROWS = 4;
/** Height of one row of fault labels, px. */
const LABEL_ROW_PX = 14;
/** Font size of fault labels, px. */
const LABEL_FONT_PX = 11;
/** DejaVu Sans advance width per character at 11 px, on average, a little generous (px). */
const LABEL_CHAR_PX = 5.8;

interface PlacedFault {
  startS: number;
  endS: number;
  label: string;
  /** Label row above the plot (0 nearest), or -1 when the label did not fit. */
  row: number;
}

/**
 * Assigns each fault label a row above the plot: the first row whose last
 * label ends (in time, given its width in px) before this one starts.
 */
export function placeFaultLabels(faults: readonly FaultWindow[], opts: FaultLayerOptions): PlacedFault[] {
  const [d0, d1] = opts.domainS;
  const secondsPerPx = (d1 - d0) / Math.max(1, opts.plotWidthPx);
  const rowEnds: number[] = [];
  const sorted = [...faults].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  return sorted.map((f) => {
    const startS = f.startMs / 1000;
    const widthS = (f.label.length * LABEL_CHAR_PX + 8) * secondsPerPx;
    let row = rowEnds.findIndex((end) => end < startS);
    if (row === -1 && rowEnds.length < MAX_LABEL_ROWS) {
      row = rowEnds.length;
      rowEnds.push(0);
    }
    if (row !== -1) rowEnds[row] = startS + widthS;
    return { startS, endS: Math.max(startS, f.endMs / 1000), label: f.label, row };
  });
}

/** Layers for `faults` on a chart whose x field is time in seconds. */
export function faultLayers(faults: readonly FaultWindow[], opts: FaultLayerOptions): FaultLayers {
  if (faults.length === 0) return { behind: [], front: [], labelHeightPx: 0 };
  const placed = placeFaultLabels(faults, opts);
  const [d0, d1] = opts.domainS;
  const x = { field: 'startS', type: 'quantitative' as const, scale: { domain: [d0, d1] } };
  const windows = placed.filter((f) => f.endS > f.startS);
  const instants = placed.filter((f) => f.endS <= f.startS);
  const behind: VlLayer[] = [];
  const front: VlLayer[] = [];
  if (windows.length > 0) {
    const band: VlLayer = {
      data: { values: windows },
      mark:
        opts.style === 'shade'
          ? { type: 'rect', clip: true, color: FAULT_FILL, opacity: 0.16 }
          : { type: 'rect', clip: true, fill: null, stroke: FAULT_INK, strokeWidth: 1.5, strokeDash: [5, 3] },
      encoding: { x, x2: { field: 'endS' } },
    };
    (opts.style === 'shade' ? behind : front).push(band);
  }
  if (instants.length > 0) {
    front.push({
      data: { values: instants },
      mark: { type: 'rule', clip: true, color: FAULT_INK, strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x },
    });
  }
  const rows = Math.max(-1, ...placed.map((f) => f.row)) + 1;
  for (let row = 0; row < rows; row++) {
    front.push({
      data: { values: placed.filter((f) => f.row === row) },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 2, fontSize: LABEL_FONT_PX, color: FAULT_INK },
      encoding: { x, y: { value: -3 - row * LABEL_ROW_PX }, text: { field: 'label', type: 'nominal' } },
    });
  }
  return { behind, front, labelHeightPx: rows * LABEL_ROW_PX + 4 };
}
