/** The terminal table: one block per measurement, value, target and whether it is met. */
import type { Section } from "./report.js";

function pad(s: string, n: number): string {
  return s + " ".repeat(Math.max(0, n - [...s].length));
}

/** Rows as aligned text columns, for the terminal and for BENCHMARKS.md (inside a code block). */
export function formatTable(sections: readonly Section[]): string {
  const cells = sections.flatMap((s) =>
    s.rows.map((r) => [
      `  ${r.name}`,
      `${r.value}${r.unit ? ` ${r.unit}` : ""}`,
      r.target ?? "",
      r.ok === undefined ? "" : r.ok ? "yes" : "NO",
    ]),
  );
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...cells.map((c) => [...c[i]!].length), ["Measurement", "Value", "Target", "Met"][i]!.length),
  );
  const line = (c: string[]) =>
    c
      .map((x, i) => pad(x, widths[i]!))
      .join("  ")
      .trimEnd();
  const out: string[] = [line(["Measurement", "Value", "Target", "Met"]), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const s of sections) {
    out.push(s.title);
    for (const r of s.rows)
      out.push(
        line([
          `  ${r.name}`,
          `${r.value}${r.unit ? ` ${r.unit}` : ""}`,
          r.target ?? "",
          r.ok === undefined ? "" : r.ok ? "yes" : "NO",
        ]),
      );
  }
  return out.join("\n");
}

/** Notes (how each figure was taken, query plans) under the table. */
export function formatNotes(sections: readonly Section[]): string {
  return sections
    .filter((s) => s.notes?.length)
    .map((s) => [`${s.title}:`, ...s.notes!.map((n) => `  ${n.replace(/\n/g, "\n  ")}`)].join("\n"))
    .join("\n");
}
