/**
 * Turns zod issues into one line per problem: `services.checkout-api.repo: expected owner/name`.
 * Zod's own wording ("Invalid input: expected object, received null") says what is wrong but
 * not how to fix it in YAML, so the common cases get their own words here.
 */
import { z } from "zod";
import { suggest } from "../domain/suggest.js";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

const SAFE_KEY = /^[A-Za-z0-9_$-]+$/;

/** `services.checkout-api.environments.staging`, with `["a.b"]` for keys a dot would break. */
export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && SAFE_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || "(top level)";
}

const code = (text: string): string => `\`${text}\``;
const list = (items: readonly string[]): string => items.map(code).join(", ");

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function kindOf(value: unknown): string {
  if (value === null) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "text";
  if (typeof value === "boolean") return "true/false";
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  object: "a mapping of `key: value` lines",
  array: "a list",
  record: "a mapping of `name: settings` lines",
  number: "a number",
  boolean: "true or false",
};

// How to add a required key that is missing, by its name.
const MISSING_HINTS: Record<string, string> = {
  services: "add a `services:` section with at least one service",
  repo: "add `repo: owner/name`, the GitHub repository to deploy",
  environments: "add `environments:` with at least one, such as `staging: {}`",
  channel: "add `channel:` with a Slack channel id such as C0PAYMENTS",
};

const DURATION_KEYS = new Set(["timeout", "interval", "maxInterval"]);

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return schema;
}

/** The object keys the schema allows at `path`, for "did you mean" on an unknown key. */
export function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const s: z.ZodType = unwrap(current);
    if (s instanceof z.ZodObject) current = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodRecord) current = s.valueType as z.ZodType;
    else if (s instanceof z.ZodArray) current = s.element as z.ZodType;
    else current = undefined;
    if (!current) return [];
  }
  const s = unwrap(current);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

// Zod's default messages start like this; messages written in the schema do not.
const isDefaultMessage = (message: string): boolean => /^Invalid (string|input|option)\b/.test(message);

function invalidType(issue: Extract<Issue, { code: "invalid_type" }>, value: unknown): string {
  const key = String(issue.path.at(-1) ?? "");
  if (value === undefined) return `missing — ${MISSING_HINTS[key] ?? "add it"}`;
  if (issue.expected === "object" && value === null)
    return "empty — write `{}` for no settings, or add settings under it";
  if (issue.expected === "string" && DURATION_KEYS.has(key)) {
    return `expected a duration such as 30s, 15m, 1h or 2d, got ${kindOf(value)}`;
  }
  const got = `got ${kindOf(value)}`;
  if (issue.expected === "string" && value !== null) return `expected text, ${got}: put it in quotes`;
  if (issue.expected === "array") return `expected a list, ${got}: write \`[a, b]\` or one \`- item\` per line`;
  return `expected ${EXPECTED[issue.expected] ?? issue.expected}, ${got}`;
}

function describe(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return invalidType(issue, value);
    case "too_small":
      if (issue.origin === "array") {
        if (issue.path.at(-1) === "deployers")
          return "list at least one deployer, or remove `deployers` to let everyone deploy";
        return issue.minimum === 1 ? "list at least one entry" : `list at least ${String(issue.minimum)} entries`;
      }
      if (issue.origin === "string") return "must not be empty";
      return `must be at least ${String(issue.minimum)}`;
    case "invalid_value": {
      const options = issue.values.map(String);
      const guess = typeof value === "string" ? suggest(value, options) : undefined;
      return `expected one of ${list(options)}${guess ? ` — did you mean ${code(guess)}?` : ""}`;
    }
    case "invalid_format":
      if (!isDefaultMessage(issue.message)) return issue.message;
      return issue.format === "regex" && issue.pattern
        ? `must match the pattern ${issue.pattern}`
        : `expected ${issue.format}`;
    case "invalid_key": {
      const inner = issue.issues[0];
      return `invalid name — ${inner ? describe(inner as Issue, issue.path.at(-1)) : issue.message}`;
    }
    default:
      return issue.message;
  }
}

function unknownKeys(issue: Extract<Issue, { code: "unrecognized_keys" }>, schema: z.ZodType): string[] {
  const known = knownKeysAt(schema, issue.path);
  return issue.keys.map((key) => {
    const guess = suggest(key, known);
    const fix = guess ? `did you mean ${code(guess)}?` : known.length ? `expected one of ${list(known)}` : "remove it";
    return `${formatPath([...issue.path, key])}: unknown key — ${fix}`;
  });
}

/** One line per problem, in the order zod found them. `input` is the raw YAML data. */
export function formatIssues(issues: readonly Issue[], input: unknown, schema: z.ZodType): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") return unknownKeys(issue, schema);
    return [`${formatPath(issue.path)}: ${describe(issue, valueAt(input, issue.path))}`];
  });
}
