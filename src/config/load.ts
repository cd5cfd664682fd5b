/**
 * Reads `gantry.yml`. Every problem is reported at once, each with its path and a fix,
 * because a config that fails one problem at a time costs a deploy cycle per typo.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { GantryError } from "../errors.js";
import { formatIssues, formatPath } from "./format-issues.js";
import { GantryConfig } from "./schema.js";

export class ConfigError extends GantryError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    const noun = problems.length === 1 ? "problem" : "problems";
    super("config_invalid", `${source} has ${problems.length} ${noun}:\n${problems.map((p) => `  ${p}`).join("\n")}`, {
      source,
      problems,
    });
    this.name = "ConfigError";
  }
}

export const DEFAULT_CONFIG_PATH = "./gantry.yml";

export function loadConfig(path: string): GantryConfig {
  return parseConfig(readConfigFile(path), path);
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code;
    if (reason === "ENOENT") {
      throw new ConfigError(path, [
        `${path}: file not found — create it (gantry.example.yml is a start) or set GANTRY_CONFIG to its path`,
      ]);
    }
    throw new ConfigError(path, [`${path}: cannot read the file (${reason ?? String(err)}) — check GANTRY_CONFIG`]);
  }
}

export function parseConfig(text: string, source: string): GantryConfig {
  const raw = parseYaml(text, source);
  if (raw === null || raw === undefined) {
    throw new ConfigError(source, ["(top level): the file is empty — add a `services:` section"]);
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(source, [
      "(top level): expected `key: value` settings such as `services:`, not a list or text",
    ]);
  }
  const result = GantryConfig.safeParse(raw);
  if (result.success) return result.data;
  const problems = formatIssues(result.error.issues, raw, GantryConfig);
  const seen = new Set(result.error.issues.map((issue) => formatPath(issue.path)));
  for (const extra of crossChecks(raw as Record<string, unknown>)) {
    if (!seen.has(extra.path)) problems.push(`${extra.path}: ${extra.message}`);
  }
  throw new ConfigError(source, problems);
}

function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return `line ${line}, column ${col}: ${e.message}`;
      }),
    );
  }
  try {
    return doc.toJS();
  } catch (err) {
    // toJS throws for aliases it cannot resolve, which the parser does not flag.
    throw new ConfigError(source, [`YAML: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

type Extra = { path: string; message: string };

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * Zod skips the schema's cross-field refinements while other parts of the file are invalid,
 * so these two are repeated here to keep "every problem at once" true. Same words as schema.ts.
 */
function crossChecks(raw: Record<string, unknown>): Extra[] {
  const extras: Extra[] = [];
  const services = asRecord(raw.services) ?? {};
  for (const [name, value] of Object.entries(services)) {
    const svc = asRecord(value);
    if (!svc || (svc.mode !== undefined && svc.mode !== "workflow") || svc.workflow !== undefined) continue;
    extras.push({
      path: formatPath(["services", name, "workflow"]),
      message: "required in workflow mode: name the workflow file, such as deploy.yml (or set mode: deployment)",
    });
  }
  for (const [teamName, value] of Object.entries(asRecord(raw.teams) ?? {})) {
    const listed = asRecord(value)?.services;
    if (!Array.isArray(listed)) continue;
    listed.forEach((svc, i) => {
      if (typeof svc !== "string" || Object.hasOwn(services, svc)) return;
      extras.push({
        path: formatPath(["teams", teamName, "services", i]),
        message: `unknown service \`${svc}\`: add it under services, or remove it here`,
      });
    });
  }
  return extras;
}
