/** JQL operand values: dates (absolute, relative, functions) and the fields' own value vocabularies. */
import { JqlError, type Operand } from "./jql-parse.js";

const DATE_HELP =
  "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";
const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { w: 7 * DAY_MS, d: DAY_MS, h: 3_600_000, m: 60_000 };

/** Milliseconds since the epoch for a date operand; the emulated site's time zone is UTC. */
export function dateOperand(operand: Operand, field: string, now: Date): number {
  if (operand.kind === "fn") return dateFunction(operand, now);
  if (operand.kind !== "literal")
    throw new JqlError(`Date value 'EMPTY' for field '${field}' is invalid. ${DATE_HELP}`);
  const v = operand.value.trim();
  const relative = /^([-+]?)((?:\d+[wdhm]\s*)+)$/i.exec(v);
  if (relative) {
    const sign = relative[1] === "-" ? -1 : 1;
    const total = [...(relative[2] ?? "").matchAll(/(\d+)([wdhm])/gi)].reduce(
      (ms, m) => ms + Number(m[1]) * (UNIT_MS[(m[2] ?? "").toLowerCase()] ?? 0),
      0,
    );
    return now.getTime() + sign * total;
  }
  const absolute = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(v);
  if (absolute) {
    const [, y, mo, d, h = "00", mi = "00"] = absolute;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:00.000Z`);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new JqlError(`Date value '${v}' for field '${field}' is invalid. ${DATE_HELP}`);
}

function dateFunction(fn: Extract<Operand, { kind: "fn" }>, now: Date): number {
  const name = fn.name.toLowerCase();
  const offset = fn.args[0]
    ? dateOperand({ kind: "literal", value: fn.args[0], pos: fn.pos }, fn.name, new Date(0))
    : 0;
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (name === "now") return now.getTime();
  if (name === "startofday") return day + offset;
  if (name === "endofday") return day + DAY_MS - 1 + offset;
  throw new JqlError(`Unable to find JQL function '${fn.name}()'.`);
}

/** A literal's text; functions other than date ones do not exist in this subset. */
export function textOperand(operand: Operand): string {
  if (operand.kind === "literal") return operand.value;
  if (operand.kind === "fn") throw new JqlError(`Unable to find JQL function '${operand.name}()'.`);
  return "";
}

/** What a custom field value compares as: option objects by value/name, everything else by its text. */
export function customText(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(customText);
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    return [String(v.value ?? v.name ?? v.key ?? v.id ?? JSON.stringify(v))];
  }
  return [String(value)];
}
