/**
 * Writes the figures: bench/results.json and the generated block of BENCHMARKS.md (between its bench markers; the
 * prose around it is written by people). Only a full run writes these two; --quick and --only write
 * bench/results.quick.json, so the committed figures are always a full run's.
 */
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Section } from "./report.js";
import { formatNotes, formatTable } from "./table.js";

const ROOT = join(import.meta.dirname, "..");
const START = "<!-- bench:start (written by npm run bench; edit the text around it) -->";
const END = "<!-- bench:end -->";

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export function writeResults(
  sections: readonly Section[],
  run: { quick: boolean; args: string[]; seconds: number },
): string[] {
  const full = !run.quick && !run.args.some((a) => a.startsWith("--only"));
  const command = `npm run bench${run.args.length ? ` -- ${run.args.join(" ")}` : ""}`;
  const m = machine();
  const json = {
    date: new Date().toISOString(),
    command,
    seconds: Math.round(run.seconds),
    machine: m,
    sections: sections.map((s) => ({ title: s.title, rows: s.rows, ...(s.details ? { details: s.details } : {}) })),
  };
  const jsonPath = join(ROOT, "bench", full ? "results.json" : "results.quick.json");
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  if (!full) return [jsonPath];
  const load = (m.loadAverage as number[]).join(", ");
  const block = [
    START,
    `Run ${json.date.slice(0, 16).replace("T", " ")} UTC with \`${command}\` in ${json.seconds} s on ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; load average at the end ${load}.`,
    "",
    "```text",
    formatTable(sections),
    "```",
    "",
    "<details><summary>How each figure was taken, and the query plans</summary>",
    "",
    "```text",
    formatNotes(sections),
    "```",
    "",
    "</details>",
    END,
  ].join("\n");
  const mdPath = join(ROOT, "BENCHMARKS.md");
  const md = existsSync(mdPath) ? readFileSync(mdPath, "utf8") : `# Benchmarks\n\n${START}\n${END}\n`;
  const at = md.indexOf(START);
  const end = md.indexOf(END);
  const next =
    at >= 0 && end > at ? md.slice(0, at) + block + md.slice(end + END.length) : `${md.trimEnd()}\n\n${block}\n`;
  writeFileSync(mdPath, next);
  return [jsonPath, mdPath];
}
