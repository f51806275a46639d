// Text widths for chart layout, measured from the DejaVu Sans font files
// that also render the PNGs. Without a canvas Vega guesses 0.8 em per
// character, which leaves wide empty margins and misplaces labels; this
// reads each glyph's advance width from the TTF (hmtx via cmap format 4)
// instead. Kerning is ignored (a pixel or two per label).
import { readFileSync } from 'node:fs';
import * as vega from 'vega';

/** Advance widths of one font face, in em. */
interface FaceMetrics {
  advanceEm(codePoint: number): number;
}

/** Fallback advance for characters the font lacks, em. */
const FALLBACK_EM = 0.6;

/** Parses the tables of a TrueType file needed for advance widths. */
export function parseFaceMetrics(ttf: Buffer): FaceMetrics {
  const tables = new Map<string, number>();
  const numTables = ttf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(ttf.toString('latin1', rec, rec + 4), ttf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font has no ${tag} table`);
    return at;
  };
  const unitsPerEm = ttf.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = ttf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => ttf.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  // cmap: the Windows Unicode BMP subtable (platform 3, encoding 1), format 4.
  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < ttf.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + i * 8;
    if (ttf.readUInt16BE(rec) === 3 && ttf.readUInt16BE(rec + 2) === 1) sub = cmap + ttf.readUInt32BE(rec + 4);
  }
  if (sub < 0 || ttf.readUInt16BE(sub) !== 4) throw new Error('font has no format-4 Unicode cmap');
  const segCount = ttf.readUInt16BE(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (ttf.readUInt16BE(endCodes + 2 * s) < cp) continue;
      const start = ttf.readUInt16BE(startCodes + 2 * s);
      if (start > cp) return 0;
      const delta = ttf.readInt16BE(idDeltas + 2 * s);
      const rangeOffset = ttf.readUInt16BE(idRangeOffsets + 2 * s);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyph = ttf.readUInt16BE(idRangeOffsets + 2 * s + rangeOffset + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    advanceEm(cp: number): number {
      let em = cache.get(cp);
      if (em === undefined) {
        const glyph = glyphOf(cp);
        em = glyph === 0 ? FALLBACK_EM : advance(glyph) / unitsPerEm;
        cache.set(cp, em);
      }
      return em;
    },
  };
}

/** Width of `text` in px at `fontSizePx`. */
export function textWidthPx(face: FaceMetrics, text: string, fontSizePx: number): number {
  let em = 0;
  for (const ch of text) em += face.advanceEm(ch.codePointAt(0) ?? 0);
  return em * fontSizePx;
}

/** The subset of a Vega text item that decides its width. */
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

let installed = false;

/**
 * Makes Vega measure text with the given regular and bold DejaVu Sans files
 * (process-wide; idempotent). Truncated labels (`limit`) measure at most
 * their limit, which keeps Vega's own truncation search consistent.
 */
export function installTextMetrics(regularTtf: string, boldTtf: string): void {
  if (installed) return;
  const regular = parseFaceMetrics(readFileSync(regularTtf));
  const bold = parseFaceMetrics(readFileSync(boldTtf));
  // vega re-exports vega-scenegraph's textMetrics; its typings omit it.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
  metrics.width = (item, text) => {
    const s = text === null || text === undefined ? '' : String(text).trim();
    const size = item.fontSize ?? 11;
    const weight = item.fontWeight;
    const isBold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600);
    const w = textWidthPx(isBold ? bold : regular, s, size);
    return item.limit !== undefined && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
  installed = true;
}
