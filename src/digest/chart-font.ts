/**
 * The chart's typeface: DejaVu Sans and DejaVu Sans Bold, the TrueType files of the `dejavu-fonts-ttf` package (a
 * production dependency, so the Docker image carries them). resvg loads these files to draw the `<text>`, and the
 * layout measures strings with the advance widths of the same files, so what is measured is what is drawn, on every
 * machine, with no installed font.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Weight } from "./chart-style.js";

const require = createRequire(import.meta.url);

export const FONT_FILES: Readonly<Record<Weight, string>> = {
  regular: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  bold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
};

/** The family name inside both files: what resvg falls back to, and the first name in the SVG's font-family. */
export const FONT_FAMILY_NAME = "DejaVu Sans";

interface FaceMetrics {
  unitsPerEm: number;
  /** Advance width in font units of the glyph a code point is drawn with (.notdef's when the font has none). */
  advance(codePoint: number): number;
}

const faces = new Map<Weight, FaceMetrics>();

/** Width in px of `text` at `size` px, from the advance widths in the font files (no kerning). */
export function measureText(text: string, size: number, weight: Weight = "regular"): number {
  const face = faceOf(weight);
  let units = 0;
  for (const ch of text) units += face.advance(ch.codePointAt(0) ?? 0);
  return (units / face.unitsPerEm) * size;
}

function faceOf(weight: Weight): FaceMetrics {
  let face = faces.get(weight);
  if (face === undefined) {
    face = readMetrics(readFileSync(FONT_FILES[weight]));
    faces.set(weight, face);
  }
  return face;
}

/**
 * Reads what measuring needs from a TrueType file: `head` (units per em), `hhea` and `hmtx` (advance widths) and the
 * Windows Unicode BMP `cmap` (format 4: code point → glyph). Only those tables are kept, not the outlines.
 */
export function readMetrics(font: Buffer): FaceMetrics {
  const tables = new Map<string, Buffer>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    const offset = font.readUInt32BE(record + 8);
    const length = font.readUInt32BE(record + 12);
    tables.set(font.toString("latin1", record, record + 4), Buffer.from(font.subarray(offset, offset + length)));
  }
  const table = (tag: string): Buffer => {
    const t = tables.get(tag);
    if (t === undefined) throw new Error(`font has no ${tag} table`);
    return t;
  };
  const unitsPerEm = table("head").readUInt16BE(18);
  const longMetrics = table("hhea").readUInt16BE(34);
  const hmtx = table("hmtx");
  const glyphOf = bmpLookup(table("cmap"));
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(codePoint) {
      let width = cache.get(codePoint);
      if (width === undefined) {
        // Glyphs past the long metrics all share the last advance width.
        const glyph = Math.min(glyphOf(codePoint), longMetrics - 1);
        width = hmtx.readUInt16BE(glyph * 4);
        cache.set(codePoint, width);
      }
      return width;
    },
  };
}

/** The glyph lookup of the cmap's format 4 subtable for Windows Unicode BMP (platform 3, encoding 1). */
function bmpLookup(cmap: Buffer): (codePoint: number) => number {
  let sub = -1;
  const count = cmap.readUInt16BE(2);
  for (let i = 0; i < count; i++) {
    const record = 4 + 8 * i;
    if (cmap.readUInt16BE(record) === 3 && cmap.readUInt16BE(record + 2) === 1) sub = cmap.readUInt32BE(record + 4);
  }
  if (sub < 0 || cmap.readUInt16BE(sub) !== 4) throw new Error("font has no Unicode BMP cmap (format 4)");
  const segX2 = cmap.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let k = 0; k < segX2; k += 2) {
      if (cmap.readUInt16BE(ends + k) < codePoint) continue;
      const start = cmap.readUInt16BE(starts + k);
      if (start > codePoint) return 0;
      const delta = cmap.readUInt16BE(deltas + k);
      const rangeOffset = cmap.readUInt16BE(rangeOffsets + k);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = cmap.readUInt16BE(rangeOffsets + k + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
