/** One small multiple: its frame, headline (last value, level, change) and title, then the plot beneath. */
import type { TrendSeries } from "./chart-types.js";
import { capitalise, formatValue, withUnit } from "./chart-format.js";
import { drawPlot, type Box } from "./chart-plot.js";
import { INK, MUTED, PANEL_FILL, PANEL_STROKE, levelColour } from "./chart-style.js";
import { fit, n, type SvgCanvas } from "./svg-canvas.js";

export function drawPanel(canvas: SvgCanvas, s: TrendSeries, weeks: string[], box: Box): void {
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

  drawPlot(canvas, { weeks, count, unit: s.unit, present, levelAt, ...(s.limit ? { limit: s.limit } : {}) }, box, pad);
}
