/**
 * Where the chart's markup accumulates. Text is measured with the bundled DejaVu Sans metrics and drawn either as
 * `<text>` (for a browser) or from glyph outlines in `glyphs.ts` (for resvg, which then needs no installed font).
 */
import { GLYPH_FACES, type GlyphFace } from "./glyphs.js";
import { FONT_FAMILY, INK, type TextStyle, type Weight } from "./chart-style.js";

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  // Half-pixel aligned so 1px lines stay crisp.
  const a = Math.round(y1) + 0.5;
  const b = Math.round(y2) + 0.5;
  return `<line x1="${n(x1)}" y1="${a}" x2="${n(x2)}" y2="${b}" stroke="${stroke}" stroke-width="1"/>`;
}

/** Shortens `text` with "…" until it fits `width` px. */
export function fit(text: string, size: number, weight: Weight, width: number): string {
  if (measureText(text, size, weight) <= width) return text;
  let s = text;
  while (s.length > 0 && measureText(`${s}…`, size, weight) > width) s = s.slice(0, -1);
  return s.length === 0 ? "" : `${s.trimEnd()}…`;
}

export function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function glyphOf(face: GlyphFace, ch: string): readonly [number, string] {
  return face.glyphs[ch] ?? face.glyphs["?"] ?? [face.unitsPerEm / 2, ""];
}

/** Width in px of `text` at `size` px, from the bundled DejaVu Sans metrics. */
export function measureText(text: string, size: number, weight: Weight = "regular"): number {
  const face = GLYPH_FACES[weight];
  let units = 0;
  for (const ch of text) units += glyphOf(face, ch)[0];
  return (units / face.unitsPerEm) * size;
}

/** Accumulates SVG markup; draws text either as `<text>` or as `<use>` of glyph outlines collected into `<defs>`. */
export class SvgCanvas {
  private readonly parts: string[] = [];
  private readonly usedGlyphs = new Map<string, string>();

  constructor(private readonly mode: "text" | "paths") {}

  raw(markup: string): void {
    this.parts.push(markup);
  }

  measure(text: string, size: number, weight: Weight): number {
    return measureText(text, size, weight);
  }

  text(text: string, x: number, y: number, style: TextStyle): void {
    if (text === "") return;
    const weight = style.weight ?? "regular";
    const fill = style.fill ?? INK;
    const anchor = style.anchor ?? "start";
    if (this.mode === "text") {
      const halo = style.halo ? ` stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"` : "";
      const anchorAttr = anchor === "start" ? "" : ` text-anchor="${anchor}"`;
      const weightAttr = weight === "bold" ? ` font-weight="bold"` : "";
      this.parts.push(
        `<text x="${n(x)}" y="${n(y)}" font-family="${FONT_FAMILY}" font-size="${style.size}"${weightAttr}${anchorAttr} fill="${fill}"${halo}>${escapeXml(text)}</text>`,
      );
      return;
    }
    const face = GLYPH_FACES[weight];
    const k = style.size / face.unitsPerEm;
    const width = measureText(text, style.size, weight);
    const startX = anchor === "start" ? x : anchor === "middle" ? x - width / 2 : x - width;
    const uses: string[] = [];
    let advance = 0;
    for (const ch of text) {
      const [adv, d] = glyphOf(face, ch);
      if (d !== "") {
        const id = `${weight === "bold" ? "b" : "r"}${ch.codePointAt(0) ?? 0}`;
        this.usedGlyphs.set(id, d);
        uses.push(advance === 0 ? `<use xlink:href="#${id}"/>` : `<use xlink:href="#${id}" x="${advance}"/>`);
      }
      advance += adv;
    }
    const transform = `translate(${n(startX)} ${n(y)}) scale(${k.toPrecision(6)} ${(-k).toPrecision(6)})`;
    if (style.halo) {
      const sw = (3 / k).toFixed(1);
      this.parts.push(
        `<g transform="${transform}" fill="#ffffff" stroke="#ffffff" stroke-width="${sw}" stroke-linejoin="round">${uses.join("")}</g>`,
      );
    }
    this.parts.push(`<g transform="${transform}" fill="${fill}">${uses.join("")}</g>`);
  }

  defs(): string {
    if (this.usedGlyphs.size === 0) return "";
    const paths = [...this.usedGlyphs].map(([id, d]) => `<path id="${id}" d="${d}"/>`);
    return `<defs>${paths.join("")}</defs>`;
  }

  body(): string {
    return this.parts.join("\n");
  }
}
