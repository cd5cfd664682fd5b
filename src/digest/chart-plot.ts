/** A panel's plot area: the y scale and grid, the week labels, the line with its area and gaps, and the points. */
import { formatTick, formatValue, niceTicks } from "./chart-format.js";
import { AXIS, FAINT, GRID, LIMIT, LINE, MUTED, levelColour, type Anchor } from "./chart-style.js";
import { line, n, type SvgCanvas } from "./svg-canvas.js";

export interface Box {
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

/** What the panel hands its plot: the weeks, the points that have a value, and each point's level. */
export interface PlotData {
  weeks: string[];
  /** number of x positions: the longer of weeks and values */
  count: number;
  unit: string;
  present: { i: number; v: number }[];
  levelAt: (i: number) => string | null;
  limit?: { value: number; label: string };
}

export function drawPlot(canvas: SvgCanvas, data: PlotData, box: Box, pad: number): void {
  const { weeks, count, present, levelAt } = data;

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
  const limit = data.limit && Number.isFinite(data.limit.value) ? data.limit : undefined;
  const scaled = [...present.map((p) => p.v), ...(limit ? [limit.value] : [])];
  const minV = Math.min(0, ...scaled);
  const maxV = Math.max(...scaled);
  // A little headroom so the highest point does not sit on the frame.
  // A percentage that stays within 0–100 keeps its axis within 100 too.
  const headroom = maxV + (maxV - minV) * 0.06;
  const ticks = niceTicks(minV, data.unit === "%" && maxV <= 100 ? Math.min(100, headroom) : headroom);
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
  if (limit) drawLimit(canvas, limit, yOf(limit.value), plotLeft, plotRight);

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

function drawLimit(canvas: SvgCanvas, limit: { label: string }, y: number, left: number, right: number): void {
  canvas.raw(
    `<line x1="${n(left)}" y1="${n(y)}" x2="${n(right)}" y2="${n(y)}" stroke="${LIMIT}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  canvas.text(limit.label, right, y - 5, { size: 11, fill: LIMIT, anchor: "end", halo: true });
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

function xPositions(count: number, left: number, right: number): number[] {
  const inset = 12;
  if (count <= 1) return [(left + right) / 2];
  const step = (right - left - 2 * inset) / (count - 1);
  return Array.from({ length: count }, (_, i) => left + inset + i * step);
}
