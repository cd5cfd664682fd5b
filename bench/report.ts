/** What each measurement hands back: rows for the table, and details kept in results.json. */
export interface Row {
  name: string;
  value: number | string;
  unit?: string;
  /** The target, in words (e.g. "≤ 1.25"); absent for context figures. */
  target?: string;
  /** Whether the target is met; absent when there is no target. */
  ok?: boolean;
}

export interface Section {
  title: string;
  rows: Row[];
  /** Lines printed under the table (query plans, what was measured how). */
  notes?: string[];
  details?: Record<string, unknown>;
}

export function row(name: string, value: number | string, unit?: string, target?: { text: string; ok: boolean }): Row {
  return { name, value, ...(unit ? { unit } : {}), ...(target ? { target: target.text, ok: target.ok } : {}) };
}
