/**
 * Where the chart's markup accumulates. Text is `<text>` in DejaVu Sans, measured with the same font's advance widths
 * (chart-font.ts) so the layout can fit titles and keep labels apart; resvg draws it from the font files.
 */
import { measureText } from "./chart-font.js";
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

/** Accumulates SVG markup. */
export class SvgCanvas {
  private readonly parts: string[] = [];

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
    const halo = style.halo ? ` stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"` : "";
    const anchorAttr = anchor === "start" ? "" : ` text-anchor="${anchor}"`;
    const weightAttr = weight === "bold" ? ` font-weight="bold"` : "";
    this.parts.push(
      `<text x="${n(x)}" y="${n(y)}" font-family="${FONT_FAMILY}" font-size="${style.size}"${weightAttr}${anchorAttr} fill="${fill}"${halo}>${escapeXml(text)}</text>`,
    );
  }

  body(): string {
    return this.parts.join("\n");
  }
}
