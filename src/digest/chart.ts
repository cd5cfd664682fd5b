/**
 * The weekly trend chart: 2×2 small multiples (one panel per series), built as an SVG string and rasterised to PNG
 * with resvg. Text is drawn from glyph outlines shipped in `glyphs.ts` (DejaVu Sans), so the PNG looks the same on
 * every machine and needs no installed font; `renderTrendSvg` can instead emit plain `<text>` for a browser.
 */
import { Resvg } from "@resvg/resvg-js";
import { GLYPH_FACES, type GlyphFace } from "./glyphs.js";

export interface TrendSeries {
  label: string;
  unit: string;
  /** oldest first; null = no data that week */
  values: (number | null)[];
  /** per point, optional: "elite"|"high"|"medium"|"low"|null for colouring */
  levels?: (string | null)[];
}

export interface TrendChartInput {
  title: string;
  /** x labels like "W32" or "Aug 4", oldest first */
  weeks: string[];
  /** usually 4: deploy days/week, lead time (h), change failure rate (%), recovery time (h) */
  series: TrendSeries[];
}

export interface TrendSvgOptions {
  /**
   * "text" (default): `<text>` elements, for a browser. "paths": every string drawn from the bundled glyph outlines,
   * so the rasteriser needs no font (what `renderTrendChart` uses).
   */
  text?: "text" | "paths";
}

export interface TrendPngOptions {
  /** Pixel density: 1 gives 1000×600, 2 gives 2000×1200. Default 1. */
  scale?: number;
}

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 600;

const FONT_FAMILY = "'DejaVu Sans', Verdana, 'Segoe UI', Arial, sans-serif";
const INK = "#111827";
const MUTED = "#6b7280";
const FAINT = "#9ca3af";
const GRID = "#e5e7eb";
const AXIS = "#d1d5db";
const PANEL_FILL = "#fafafa";
const PANEL_STROKE = "#e5e7eb";
const LINE = "#475569";
const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  elite: "#059669",
  high: "#2563eb",
  medium: "#d97706",
  low: "#dc2626",
};
const LEVEL_ORDER = ["elite", "high", "medium", "low"] as const;

type Weight = "regular" | "bold";
type Anchor = "start" | "middle" | "end";

interface TextStyle {
  size: number;
  weight?: Weight;
  fill?: string;
  anchor?: Anchor;
  /** Draw a white outline under the text so it stays readable over lines. */
  halo?: boolean;
}

/** Renders the chart to a PNG (1000×600 at scale 1, white background). */
export function renderTrendChart(input: TrendChartInput, options: TrendPngOptions = {}): Buffer {
  const scale = options.scale !== undefined && Number.isFinite(options.scale) && options.scale > 0 ? options.scale : 1;
  const svg = renderTrendSvg(input, { text: "paths" });
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "#ffffff",
    font: { loadSystemFonts: false },
    logLevel: "off",
  });
  return resvg.render().asPng();
}

/** The chart as SVG text (1000×600 user units). */
export function renderTrendSvg(input: TrendChartInput, options: TrendSvgOptions = {}): string {
  const canvas = new SvgCanvas(options.text ?? "text");
  const { title, weeks, series } = input;

  canvas.raw(`<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`);

  // Header: title, week range, level legend.
  const margin = 24;
  const legendWidth = drawLegend(canvas, series, CHART_WIDTH - margin, 33);
  canvas.text(fit(title, 20, "bold", CHART_WIDTH - 2 * margin - legendWidth - 16), margin, 34, {
    size: 20,
    weight: "bold",
    fill: INK,
  });
  const first = weeks[0];
  const last = weeks[weeks.length - 1];
  const range =
    first === undefined || last === undefined
      ? "No weeks"
      : weeks.length === 1
        ? `Week ${first}`
        : `${first} – ${last} · ${weeks.length} weeks`;
  canvas.text(range, margin, 55, { size: 12, fill: MUTED });

  // Panels.
  const top = 72;
  const gap = 20;
  const count = series.length;
  if (count === 0) {
    canvas.text("No data", CHART_WIDTH / 2, (top + CHART_HEIGHT) / 2, { size: 14, fill: FAINT, anchor: "middle" });
  }
  const cols = count <= 1 ? 1 : 2;
  const rows = Math.max(1, Math.ceil(count / cols));
  const panelW = (CHART_WIDTH - 2 * margin - (cols - 1) * gap) / cols;
  const panelH = (CHART_HEIGHT - top - margin + 4 - (rows - 1) * gap) / rows;
  series.forEach((s, i) => {
    const col = i % cols;
    const row = Math.floor(i / cols);
    drawPanel(canvas, s, weeks, {
      x: margin + col * (panelW + gap),
      y: top + row * (panelH + gap),
      w: panelW,
      h: panelH,
    });
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">`,
    `<title>${escapeXml(title)}</title>`,
    canvas.defs(),
    canvas.body(),
    `</svg>`,
  ].join("\n");
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Point {
  i: number;
  x: number;
  y: number;
  v: number;
  level: string | null;
}

function drawPanel(canvas: SvgCanvas, s: TrendSeries, weeks: string[], box: Box): void {
  const pad = 16;
  canvas.raw(
    `<rect x="${n(box.x)}" y="${n(box.y)}" width="${n(box.w)}" height="${n(box.h)}" rx="10" fill="${PANEL_FILL}" stroke="${PANEL_STROKE}"/>`,
  );

  const count = Math.max(weeks.length, s.values.length);
  const values: (number | null)[] = [];
  for (let i = 0; i < count; i++) {
    const v = s.values[i];
    values.push(typeof v === "number" && Number.isFinite(v) ? v : null);
  }
  const levelAt = (i: number): string | null => {
    const l = s.levels?.[i];
    return typeof l === "string" && l !== "" ? l.toLowerCase() : null;
  };
  const present = values.flatMap((v, i) => (v === null ? [] : [{ i, v }]));
  const lastPoint = present[present.length - 1];
  const prevPoint = present[present.length - 2];

  // Headline: last value, its level, change since the previous point.
  const right = box.x + box.w - pad;
  let headlineWidth = 0;
  if (lastPoint !== undefined) {
    const level = levelAt(lastPoint.i);
    const headline = withUnit(formatValue(lastPoint.v), s.unit);
    headlineWidth = canvas.measure(headline, 22, "bold");
    canvas.text(headline, right, box.y + 32, {
      size: 22,
      weight: "bold",
      fill: levelColour(level) ?? INK,
      anchor: "end",
    });
    const parts: string[] = [];
    if (level !== null) parts.push(capitalise(level));
    if (prevPoint !== undefined) {
      const d = lastPoint.v - prevPoint.v;
      parts.push(d === 0 ? "= no change" : `${d > 0 ? "▲" : "▼"} ${formatValue(Math.abs(d))}`);
    }
    if (lastPoint.i !== count - 1) parts.push(`as of ${weeks[lastPoint.i] ?? "earlier"}`);
    if (parts.length > 0) canvas.text(parts.join(" · "), right, box.y + 50, { size: 11, fill: MUTED, anchor: "end" });
  }

  // Title (and unit, unless the label already says it).
  // (No leading space in the unit: SVG collapses it in <text>; the gap is positioned instead.)
  const unitText = s.unit !== "" && !s.label.toLowerCase().includes(s.unit.toLowerCase()) ? `(${s.unit})` : "";
  const unitGap = 5;
  const titleRoom = box.w - 2 * pad - headlineWidth - 12;
  const unitWidth = unitText === "" ? 0 : unitGap + canvas.measure(unitText, 12, "regular");
  const titleText = fit(s.label, 14, "bold", titleRoom - unitWidth);
  canvas.text(titleText, box.x + pad, box.y + 28, { size: 14, weight: "bold", fill: INK });
  if (unitText !== "") {
    canvas.text(unitText, box.x + pad + canvas.measure(titleText, 14, "bold") + unitGap, box.y + 28, {
      size: 12,
      fill: MUTED,
    });
  }

  // Scale.
  const plotTop = box.y + 64;
  const plotBottom = box.y + box.h - 32;
  const plotRight = box.x + box.w - pad;
  if (present.length === 0) {
    const plotLeft = box.x + pad;
    drawXLabels(canvas, weeks, count, plotLeft, plotRight, plotBottom);
    canvas.raw(line(plotLeft, plotBottom, plotRight, plotBottom, AXIS));
    canvas.text("No data yet", (plotLeft + plotRight) / 2, (plotTop + plotBottom) / 2 + 4, {
      size: 13,
      fill: FAINT,
      anchor: "middle",
    });
    return;
  }
  const minV = Math.min(0, ...present.map((p) => p.v));
  const maxV = Math.max(...present.map((p) => p.v));
  // A little headroom so the highest point does not sit on the frame.
  // A percentage that stays within 0–100 keeps its axis within 100 too.
  const headroom = maxV + (maxV - minV) * 0.06;
  const ticks = niceTicks(minV, s.unit === "%" && maxV <= 100 ? Math.min(100, headroom) : headroom);
  const tickLabels = ticks.values.map((t) => formatTick(t, ticks.step));
  const labelWidth = Math.max(...tickLabels.map((t) => canvas.measure(t, 11, "regular")));
  const plotLeft = box.x + pad + labelWidth + 8;
  const lo = ticks.values[0] ?? 0;
  const hi = ticks.values[ticks.values.length - 1] ?? 1;
  const yOf = (v: number): number => plotBottom - ((v - lo) / (hi - lo || 1)) * (plotBottom - plotTop);
  const xs = xPositions(count, plotLeft, plotRight);
  const xOf = (i: number): number => xs[i] ?? (plotLeft + plotRight) / 2;

  // Grid and axes.
  ticks.values.forEach((t, k) => {
    const y = yOf(t);
    canvas.raw(line(plotLeft, y, plotRight, y, t === lo ? AXIS : GRID));
    canvas.text(tickLabels[k] ?? "", plotLeft - 8, y + 4, { size: 11, fill: MUTED, anchor: "end" });
  });
  drawXLabels(canvas, weeks, count, plotLeft, plotRight, plotBottom, xs);

  // Line, area and gaps.
  const points: Point[] = present.map(({ i, v }) => ({ i, x: xOf(i), y: yOf(v), v, level: levelAt(i) }));
  const baseY = yOf(Math.max(lo, Math.min(0, hi)));
  const segments: Point[][] = [];
  for (const p of points) {
    const seg = segments[segments.length - 1];
    const tail = seg?.[seg.length - 1];
    if (seg !== undefined && tail !== undefined && tail.i === p.i - 1) seg.push(p);
    else segments.push([p]);
  }
  for (const seg of segments) {
    const head = seg[0];
    const tail = seg[seg.length - 1];
    if (head === undefined || tail === undefined || seg.length < 2) continue;
    const d = seg.map((p, k) => `${k === 0 ? "M" : "L"}${n(p.x)} ${n(p.y)}`).join(" ");
    canvas.raw(
      `<path d="${d} L${n(tail.x)} ${n(baseY)} L${n(head.x)} ${n(baseY)} Z" fill="${LINE}" fill-opacity="0.07"/>`,
    );
    canvas.raw(
      `<path d="${d}" fill="none" stroke="${LINE}" stroke-width="2.25" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  }
  for (let k = 1; k < segments.length; k++) {
    const a = segments[k - 1]?.at(-1);
    const b = segments[k]?.[0];
    if (a === undefined || b === undefined) continue;
    canvas.raw(
      `<path d="M${n(a.x)} ${n(a.y)} L${n(b.x)} ${n(b.y)}" fill="none" stroke="${LINE}" stroke-opacity="0.45" stroke-width="1.5" stroke-dasharray="4 4"/>`,
    );
  }

  // Points; the last one larger and labelled.
  for (const p of points) {
    const isLast = p === points[points.length - 1];
    const colour = levelColour(p.level) ?? LINE;
    canvas.raw(
      `<circle cx="${n(p.x)}" cy="${n(p.y)}" r="${isLast ? 5.5 : 3.75}" fill="${colour}" stroke="#ffffff" stroke-width="${isLast ? 2 : 1.5}"/>`,
    );
  }
  const lastP = points[points.length - 1];
  if (lastP !== undefined) {
    const label = formatValue(lastP.v);
    const width = canvas.measure(label, 12, "bold");
    const above = lastP.y - plotTop >= 16;
    const y = above ? lastP.y - 11 : lastP.y + 21;
    let x = lastP.x;
    let anchor: Anchor = "middle";
    if (x + width / 2 > plotRight) {
      x = lastP.x - 9;
      anchor = "end";
    } else if (x - width / 2 < plotLeft) {
      x = lastP.x + 9;
      anchor = "start";
    }
    canvas.text(label, x, y, { size: 12, weight: "bold", fill: levelColour(lastP.level) ?? LINE, anchor, halo: true });
  }
}

function drawXLabels(
  canvas: SvgCanvas,
  weeks: string[],
  count: number,
  left: number,
  right: number,
  bottom: number,
  xs: number[] = xPositions(count, left, right),
): void {
  if (count === 0) return;
  // Show at most ~8 labels, always the latest; skip one that would collide with the next shown.
  const every = Math.max(1, Math.ceil(count / 8));
  let lastShownLeft = Number.POSITIVE_INFINITY;
  for (let i = count - 1; i >= 0; i--) {
    if ((count - 1 - i) % every !== 0) continue;
    const label = weeks[i] ?? "";
    const x = xs[i];
    if (x === undefined || label === "") continue;
    const w = canvas.measure(label, 11, "regular");
    let anchorX = x;
    let anchor: Anchor = "middle";
    if (x + w / 2 > right + 8) {
      anchorX = right + 8;
      anchor = "end";
    } else if (x - w / 2 < left - 8) {
      anchorX = left - 8;
      anchor = "start";
    }
    const leftEdge = anchor === "middle" ? anchorX - w / 2 : anchor === "end" ? anchorX - w : anchorX;
    const rightEdge = leftEdge + w;
    if (rightEdge > lastShownLeft - 6) continue;
    lastShownLeft = leftEdge;
    canvas.text(label, anchorX, bottom + 18, { size: 11, fill: MUTED, anchor });
  }
}

/** Draws the level legend right-aligned at (right, baseline) if any series has levels; returns its width. */
function drawLegend(canvas: SvgCanvas, series: TrendSeries[], right: number, baseline: number): number {
  const used = new Set<string>();
  for (const s of series) for (const l of s.levels ?? []) if (typeof l === "string") used.add(l.toLowerCase());
  const items = LEVEL_ORDER.filter((l) => used.has(l));
  if (items.length === 0) return 0;
  const parts = items.map((l) => ({ l, text: capitalise(l), w: canvas.measure(capitalise(l), 12, "regular") }));
  const itemGap = 16;
  const total = parts.reduce((sum, p) => sum + 14 + p.w, 0) + itemGap * (parts.length - 1);
  let x = right - total;
  for (const p of parts) {
    canvas.raw(`<circle cx="${n(x + 5)}" cy="${n(baseline - 4)}" r="5" fill="${LEVEL_COLOURS[p.l] ?? INK}"/>`);
    canvas.text(p.text, x + 14, baseline, { size: 12, fill: MUTED });
    x += 14 + p.w + itemGap;
  }
  return total;
}

function xPositions(count: number, left: number, right: number): number[] {
  const inset = 12;
  if (count <= 1) return [(left + right) / 2];
  const step = (right - left - 2 * inset) / (count - 1);
  return Array.from({ length: count }, (_, i) => left + inset + i * step);
}

/** Round ticks from `min` (≤ 0 for non-negative data) up to at or above `max`: 3–5 intervals, the tightest fit. */
export function niceTicks(min: number, max: number): { values: number[]; step: number } {
  const lo0 = min;
  const hi0 = max === min ? (min === 0 ? 1 : min + Math.abs(min)) : max;
  const mag = 10 ** Math.floor(Math.log10((hi0 - lo0) / 4));
  let best: { lo: number; hi: number; step: number } | undefined;
  for (const m of [mag / 10, mag, mag * 10]) {
    for (const f of [1, 2, 2.5, 5]) {
      const step = Number((f * m).toPrecision(12));
      const lo = Math.floor(lo0 / step + 1e-9) * step;
      const hi = Math.ceil(hi0 / step - 1e-9) * step;
      const intervals = Math.round((hi - lo) / step);
      if (intervals < 3 || intervals > 5) continue;
      if (best === undefined || hi - lo < best.hi - best.lo - 1e-9) best = { lo, hi, step };
    }
  }
  const { lo, hi, step } = best ?? { lo: lo0, hi: hi0, step: (hi0 - lo0) / 4 };
  const values: number[] = [];
  for (let k = 0; lo + k * step <= hi + step / 2; k++) {
    const v = lo + k * step;
    values.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return { values, step };
}

function formatTick(v: number, step: number): string {
  if (Math.abs(v) >= 1000 && step >= 100) return `${trimZeros((v / 1000).toFixed(step >= 1000 ? 0 : 1))}k`;
  const decimals = Math.max(
    0,
    Math.min(4, Math.ceil(-Math.log10(step) - 1e-9) + (step % 1 !== 0 && (step * 10) % 1 !== 0 ? 1 : 0)),
  );
  return trimZeros(v.toFixed(decimals));
}

/** Compact human number: 1234 → "1.2k", 123.4 → "123", 12.34 → "12.3", 1.25 → "1.3", 0.123 → "0.12". */
export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return `${Math.round(v / 1000)}k`;
  if (a >= 1000) return `${trimZeros((v / 1000).toFixed(1))}k`;
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return trimZeros(v.toFixed(1));
  if (a === 0) return "0";
  return trimZeros(v.toFixed(2));
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

function withUnit(value: string, unit: string): string {
  if (unit === "") return value;
  return unit.startsWith("%") ? `${value}${unit}` : `${value} ${unit}`;
}

function levelColour(level: string | null): string | undefined {
  return level === null ? undefined : LEVEL_COLOURS[level];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  // Half-pixel aligned so 1px lines stay crisp.
  const a = Math.round(y1) + 0.5;
  const b = Math.round(y2) + 0.5;
  return `<line x1="${n(x1)}" y1="${a}" x2="${n(x2)}" y2="${b}" stroke="${stroke}" stroke-width="1"/>`;
}

/** Shortens `text` with "…" until it fits `width` px. */
function fit(text: string, size: number, weight: Weight, width: number): string {
  if (measureText(text, size, weight) <= width) return text;
  let s = text;
  while (s.length > 0 && measureText(`${s}…`, size, weight) > width) s = s.slice(0, -1);
  return s.length === 0 ? "" : `${s.trimEnd()}…`;
}

function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function escapeXml(s: string): string {
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
class SvgCanvas {
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
