/** What the trend chart draws and how: its input and rendering options. */
export interface TrendSeries {
  label: string;
  unit: string;
  /** oldest first; null = no data that week */
  values: (number | null)[];
  /** per point, optional: "elite"|"high"|"medium"|"low"|null for colouring */
  levels?: (string | null)[];
  /** A threshold drawn across the panel as a dashed line, with its label (a verification check's limit). */
  limit?: { value: number; label: string };
}

export interface TrendChartInput {
  title: string;
  /** The line under the title; default: the weeks' range and count. */
  subtitle?: string;
  /** x labels like "W32" or "Aug 4", oldest first */
  weeks: string[];
  /** usually 4: deploy days/week, lead time (h), change failure rate (%), recovery time (h) */
  series: TrendSeries[];
}

export interface TrendPngOptions {
  /** Pixel density: 1 gives 1000×600, 2 gives 2000×1200. Default 1. */
  scale?: number;
}
