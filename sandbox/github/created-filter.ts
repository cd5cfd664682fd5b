/** GitHub's search-style date qualifiers for `created`: >=, <=, >, <, a..b (either side may be *), or a bare date. */
import { unprocessable } from "./http.js";

export function createdFilter(expr: string): (ms: number) => boolean {
  const range = /^(.+)\.\.(.+)$/.exec(expr);
  if (range) {
    const lo = range[1] === "*" ? -Infinity : bound(range[1] ?? "", "start");
    const hi = range[2] === "*" ? Infinity : bound(range[2] ?? "", "end");
    return (ms) => ms >= lo && ms <= hi;
  }
  const [, op, value = ""] = /^(>=|<=|>|<)?(.+)$/.exec(expr) ?? [];
  if (op === ">=" || op === "<") {
    const t = bound(value, "start");
    return op === ">=" ? (ms) => ms >= t : (ms) => ms < t;
  }
  if (op === ">" || op === "<=") {
    const t = bound(value, "end");
    return op === ">" ? (ms) => ms > t : (ms) => ms <= t;
  }
  const lo = bound(value, "start");
  const hi = bound(value, "end");
  return (ms) => ms >= lo && ms <= hi;
}

/** A bare date covers its whole (UTC) day; a timestamp is exact. */
function bound(text: string, side: "start" | "end"): number {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw unprocessable(`Invalid created filter: ${text}`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && side === "end") return t + 86_400_000 - 1;
  return t;
}
