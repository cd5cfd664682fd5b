/** The trend chart's look: colours, the text face and the text style every label is drawn with. */
export const FONT_FAMILY = "'DejaVu Sans', Verdana, 'Segoe UI', Arial, sans-serif";
export const INK = "#111827";
export const MUTED = "#6b7280";
export const FAINT = "#9ca3af";
export const GRID = "#e5e7eb";
export const AXIS = "#d1d5db";
export const PANEL_FILL = "#fafafa";
export const PANEL_STROKE = "#e5e7eb";
export const LINE = "#475569";
export const LIMIT = "#dc2626";
export const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  elite: "#059669",
  high: "#2563eb",
  medium: "#d97706",
  low: "#dc2626",
};
export const LEVEL_ORDER = ["elite", "high", "medium", "low"] as const;

export type Weight = "regular" | "bold";
export type Anchor = "start" | "middle" | "end";

export interface TextStyle {
  size: number;
  weight?: Weight;
  fill?: string;
  anchor?: Anchor;
  /** Draw a white outline under the text so it stays readable over lines. */
  halo?: boolean;
}

export function levelColour(level: string | null): string | undefined {
  return level === null ? undefined : LEVEL_COLOURS[level];
}
