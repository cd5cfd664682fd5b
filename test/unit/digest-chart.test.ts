import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  formatValue,
  measureText,
  niceTicks,
  renderTrendChart,
  renderTrendSvg,
  type TrendChartInput,
} from "../../src/digest/chart.js";
import { FONT_FILES } from "../../src/digest/chart-font.js";

const WEEKS = ["W30", "W31", "W32", "W33", "W34", "W35", "W36", "W37", "W38", "W39", "W40", "W41"];

const FULL: TrendChartInput = {
  title: "Payments API · DORA trend",
  weeks: WEEKS,
  series: [
    {
      label: "Deploy days / week",
      unit: "days",
      values: [2, 3, 3, 4, null, 4, 5, 4.5, 5, 5, 4, 5],
      levels: ["high", "high", "high", "elite", null, "elite", "elite", "elite", "elite", "elite", "elite", "elite"],
    },
    {
      label: "Lead time",
      unit: "h",
      values: [30, 26, 28, 20, 18, 22, 16, 12, 14, 9.5, 11, 8.2],
      levels: ["medium", "medium", "medium", "high", "high", "high", "high", "high", "high", "elite", "high", "elite"],
    },
    {
      label: "Change failure rate",
      unit: "%",
      values: [12, 10, null, null, 15, 8, 6, 5, 20, 7, 5, 3.3],
      levels: ["high", "high", null, null, "medium", "high", "high", "elite", "low", "high", "elite", "elite"],
    },
    { label: "Recovery time", unit: "h", values: [null, null, null, 4, null, null, 2.5, null, null, 1, null, null] },
  ],
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  rgba: Buffer;
}

/** A minimal PNG decoder for what resvg writes: 8-bit, RGB or RGBA, not interlaced. */
function decodePng(png: Buffer): DecodedPng {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      colourType = data[9] ?? -1;
      expect(data[12]).toBe(0); // no interlace
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  expect([2, 6]).toContain(colourType);
  const channels = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= channels ? (out[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] ?? 0) : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (cur + pred) & 0xff;
    }
  }
  if (channels === 4) return { width, height, rgba: out };
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    out.copy(rgba, i * 4, i * 3, i * 3 + 3);
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

function pixel(img: DecodedPng, x: number, y: number): [number, number, number, number] {
  const i = (y * img.width + x) * 4;
  return [img.rgba[i] ?? 0, img.rgba[i + 1] ?? 0, img.rgba[i + 2] ?? 0, img.rgba[i + 3] ?? 0];
}

/** Pixels in the rectangle that are clearly not white. */
function inkIn(img: DecodedPng, x0: number, y0: number, x1: number, y1: number): number {
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const [r, g, b] = pixel(img, x, y);
      if (r + g + b < 600) count++;
    }
  }
  return count;
}

function saveArtifact(name: string, png: Buffer): void {
  const dir = join(process.cwd(), "test", "artifacts");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), png);
}

describe("renderTrendChart", () => {
  it("renders a 1000×600 PNG with a white background and ink in every panel and the title", () => {
    const png = renderTrendChart(FULL);
    saveArtifact("digest-chart.png", png);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.toString("latin1", 12, 16)).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBe(CHART_WIDTH);
    expect(png.readUInt32BE(20)).toBe(CHART_HEIGHT);

    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([1000, 600]);
    expect(pixel(img, 2, 2)).toEqual([255, 255, 255, 255]);
    expect(pixel(img, 998, 598)).toEqual([255, 255, 255, 255]);
    // The title is drawn from the font files (nothing else is loaded): the top-left band has dark pixels.
    expect(inkIn(img, 20, 10, 340, 40)).toBeGreaterThan(300);
    // Each of the four panels has lines, points and labels.
    for (const [x, y] of [
      [24, 72],
      [510, 72],
      [24, 336],
      [510, 336],
    ] as const) {
      expect(inkIn(img, x, y, x + 466, y + 244)).toBeGreaterThan(1000);
    }
  });

  it("scales: 2 gives 2000×1200", () => {
    const img = decodePng(renderTrendChart(FULL, { scale: 2 }));
    expect([img.width, img.height]).toEqual([2000, 1200]);
  });

  it("handles all-null series, a single point, empty series and no series without throwing", () => {
    const png = renderTrendChart({
      title: "Nothing yet",
      weeks: ["W1"],
      series: [
        { label: "Deploy days / week", unit: "days", values: [null], levels: [null] },
        { label: "Lead time", unit: "h", values: [3.5], levels: ["elite"] },
        { label: "Change failure rate", unit: "%", values: [] },
        { label: "Recovery time", unit: "h", values: [0, 0, 0] },
      ],
    });
    saveArtifact("digest-chart-edge.png", png);
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([1000, 600]);
    expect(inkIn(img, 0, 0, 1000, 600)).toBeGreaterThan(500);

    expect(() => renderTrendChart({ title: "Empty", weeks: [], series: [] })).not.toThrow();
    const allNull = decodePng(
      renderTrendChart({
        title: "All null",
        weeks: WEEKS,
        series: FULL.series.map((s) => ({ ...s, values: s.values.map(() => null), levels: undefined })),
      }),
    );
    expect(inkIn(allNull, 0, 0, 1000, 600)).toBeGreaterThan(500);
  });

  it("ignores non-finite values rather than drawing them", () => {
    expect(() =>
      renderTrendChart({
        title: "Odd values",
        weeks: ["W1", "W2", "W3"],
        series: [{ label: "X", unit: "h", values: [Number.NaN, Number.POSITIVE_INFINITY, 2] }],
      }),
    ).not.toThrow();
  });
});

describe("renderTrendSvg", () => {
  it("contains the chart title, panel titles, week labels and last values as text", () => {
    const svg = renderTrendSvg(FULL);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(`viewBox="0 0 1000 600"`);
    for (const text of [
      "Payments API · DORA trend",
      "Deploy days / week",
      "Lead time",
      "Change failure rate",
      "Recovery time",
      "W41",
      "8.2 h",
      "3.3%",
      "Elite",
    ]) {
      expect(svg).toContain(`>${text}<`);
    }
  });

  it("escapes markup in titles and labels", () => {
    const svg = renderTrendSvg({
      title: `<script>alert("x")</script> & co`,
      weeks: ["<W1>"],
      series: [{ label: "a & b", unit: "h", values: [1] }],
    });
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&#60;script&#62;");
    expect(svg).toContain("a &#38; b");
  });

  it("draws text as <text> in DejaVu Sans, from font files that ship with the package", () => {
    const svg = renderTrendSvg(FULL);
    expect(svg).toContain(`font-family="'DejaVu Sans',`);
    expect(svg).toContain(`font-weight="bold"`);
    expect(svg).toContain(`<title>Payments API · DORA trend</title>`);
    for (const file of Object.values(FONT_FILES)) expect(existsSync(file), file).toBe(true);
  });
});

describe("chart helpers", () => {
  it("picks round ticks with 3–5 intervals that cover the data", () => {
    expect(niceTicks(0, 21.2).values).toEqual([0, 5, 10, 15, 20, 25]);
    expect(niceTicks(0, 3.18).values).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0, 0.37).values).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(0, 0).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    for (const max of [0.003, 0.9, 7, 42, 99, 101, 5000]) {
      const { values } = niceTicks(0, max);
      expect(values[0]).toBe(0);
      expect(values[values.length - 1]).toBeGreaterThanOrEqual(max);
      expect(values.length).toBeGreaterThanOrEqual(4);
      expect(values.length).toBeLessThanOrEqual(6);
    }
  });

  it("formats values compactly", () => {
    expect(formatValue(0)).toBe("0");
    expect(formatValue(0.123)).toBe("0.12");
    expect(formatValue(4)).toBe("4");
    expect(formatValue(4.25)).toBe("4.3");
    expect(formatValue(12.34)).toBe("12.3");
    expect(formatValue(123.4)).toBe("123");
    expect(formatValue(1234)).toBe("1.2k");
    expect(formatValue(12_345)).toBe("12k");
  });

  it("measures text with the font's own advance widths", () => {
    expect(measureText("", 12)).toBe(0);
    // DejaVu Sans: a digit advances 1303 of its 2048 units per em.
    expect(measureText("0", 2048)).toBe(1303);
    expect(measureText("WWW", 12)).toBeGreaterThan(measureText("iii", 12));
    expect(measureText("Lead", 14, "bold")).toBeGreaterThan(measureText("Lead", 14, "regular"));
  });
});
