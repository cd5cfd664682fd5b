/**
 * The weekly trend chart: 2×2 small multiples (one panel per series), built as an SVG string and rasterised to PNG
 * with resvg. Text is `<text>` in DejaVu Sans, which resvg loads from the font files of an npm package (chart-font.ts)
 * and no other font, so the PNG looks the same on every machine and needs no installed font.
 * This file lays out the page (header, legend, panel grid); the panels are in chart-panel.ts and chart-plot.ts.
 */
import { createRequire } from "node:module";
import type { Resvg as ResvgClass } from "@resvg/resvg-js";
import { capitalise } from "./chart-format.js";
import { FONT_FAMILY_NAME, FONT_FILES } from "./chart-font.js";
import { drawPanel } from "./chart-panel.js";
import { FAINT, INK, LEVEL_COLOURS, LEVEL_ORDER, MUTED } from "./chart-style.js";
import type { TrendChartInput, TrendPngOptions, TrendSeries } from "./chart-types.js";
import { SvgCanvas, escapeXml, fit, n } from "./svg-canvas.js";

export type { TrendChartInput, TrendPngOptions, TrendSeries } from "./chart-types.js";
export { formatValue, niceTicks } from "./chart-format.js";
export { measureText } from "./chart-font.js";

/** The rasteriser, loaded with the first chart: an idle Gantry never pays for it. */
let Resvg: typeof ResvgClass | undefined;
const loadResvg = (): typeof ResvgClass =>
  (Resvg ??= (createRequire(import.meta.url)("@resvg/resvg-js") as { Resvg: typeof ResvgClass }).Resvg);

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 600;

/** Renders the chart to a PNG (1000×600 at scale 1, white background). */
export function renderTrendChart(input: TrendChartInput, options: TrendPngOptions = {}): Buffer {
  const scale = options.scale !== undefined && Number.isFinite(options.scale) && options.scale > 0 ? options.scale : 1;
  const svg = renderTrendSvg(input);
  const resvg = new (loadResvg())(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "#ffffff",
    font: {
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY_NAME,
    },
    logLevel: "off",
  });
  return resvg.render().asPng();
}

/** The chart as SVG text (1000×600 user units). */
export function renderTrendSvg(input: TrendChartInput): string {
  const canvas = new SvgCanvas();
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
    input.subtitle !== undefined
      ? input.subtitle
      : first === undefined || last === undefined
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
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">`,
    `<title>${escapeXml(title)}</title>`,
    canvas.body(),
    `</svg>`,
  ].join("\n");
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
