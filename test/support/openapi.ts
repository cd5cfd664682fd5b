/**
 * Contract check: recorded GitHub calls against GitHub's published OpenAPI description.
 * The description is 13 MB, so it is loaded on first use and validators are compiled per operation and cached.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type Format, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import type { RecordedCall } from "../../sandbox/github/types.js";

/** The minimum a call needs to be checked; hand-made calls in tests need not fill every field. */
export type CheckableCall = Pick<RecordedCall, "method" | "path" | "status" | "response"> & Partial<RecordedCall>;

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}
interface Operation {
  method: string;
  template: string;
  operationId: string;
  op: Json;
  parameters: Parameter[];
  pattern: RegExp;
  names: string[];
}

const BASE = "https://gantry.test/openapi/";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const MAX_ERRORS = 8;

let spec: Json | undefined;
let operations: Operation[] | undefined;
let bodies: SchemaSet | undefined;
let params: SchemaSet | undefined;

function loadSpec(): Json {
  if (!spec) {
    const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
    spec = JSON.parse(readFileSync(file, "utf8")) as Json;
  }
  return spec;
}

/** Follows a local `#/components/...` reference. */
function deref<T>(node: unknown): T {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 10; hops++) {
    const ref: string = current.$ref;
    current = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((acc, key) => (isObject(acc) ? acc[key] : undefined), loadSpec());
  }
  return current as T;
}

function allOperations(): Operation[] {
  if (operations) return operations;
  const paths = loadSpec().paths as Record<string, Json>;
  const list: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const merged = new Map<string, Parameter>();
      for (const p of [...shared, ...((op.parameters as unknown[] | undefined) ?? [])].map((x) =>
        deref<Parameter>(x),
      )) {
        merged.set(`${p.in}:${p.name}`, p);
      }
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      list.push({
        method: method.toUpperCase(),
        template,
        operationId: String(op.operationId),
        op,
        parameters: [...merged.values()],
        pattern: new RegExp(`^${source}/?$`),
        names,
      });
    }
  }
  // Prefer literal segments over parameters when two templates could match the same path.
  const literals = (o: Operation): number => o.template.split("/").filter((s) => s && !s.includes("{")).length;
  operations = list.sort((a, b) => literals(b) - literals(a));
  return operations;
}

/** The OpenAPI operation a request hits, if GitHub documents one. */
export function findOperation(
  method: string,
  path: string,
): { operationId: string; template: string; params: Record<string, string> } | undefined {
  for (const o of allOperations()) {
    if (o.method !== method.toUpperCase()) continue;
    const m = o.pattern.exec(path);
    if (!m) continue;
    const values: Record<string, string> = {};
    o.names.forEach((name, i) => (values[name] = safeDecode(m[i + 1] ?? "")));
    return { operationId: o.operationId, template: o.template, params: values };
  }
  return undefined;
}

/** Human-readable contract problems with one call; empty when it matches GitHub's description. */
export function validateCall(call: CheckableCall): string[] {
  const method = call.method.toUpperCase();
  const label = `${method} ${call.path} -> ${call.status}`;
  const found = findOperation(method, call.path);
  if (!found) return [`${label}: GitHub's OpenAPI description has no operation for ${method} ${call.path}`];
  const op = allOperations().find((o) => o.method === method && o.template === found.template);
  if (!op) return [`${label}: operation lookup failed`];
  const problems: string[] = [];
  const where = `${label} (${op.operationId})`;
  if (call.pathTemplate && call.pathTemplate !== op.template)
    problems.push(`${where}: emulator routed it as ${call.pathTemplate}, GitHub documents ${op.template}`);
  if (call.operationId && call.operationId !== op.operationId)
    problems.push(`${where}: emulator called it ${call.operationId}`);
  problems.push(...checkParameters(op, found.params, call.query ?? {}).map((p) => `${where}: ${p}`));
  problems.push(...checkRequestBody(op, call).map((p) => `${where}: ${p}`));
  problems.push(...checkResponse(op, call).map((p) => `${where}: ${p}`));
  return problems;
}

/** Throws listing every contract problem across the calls. */
export function assertCallsMatchOpenApi(calls: readonly CheckableCall[]): void {
  const problems = calls.flatMap((c) => validateCall(c));
  if (problems.length) throw new Error(`${problems.length} GitHub contract problem(s):\n- ${problems.join("\n- ")}`);
}

function checkParameters(op: Operation, pathValues: Record<string, string>, query: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const where of ["path", "query"] as const) {
    const declared = op.parameters.filter((p) => p.in === where);
    const schema = {
      type: "object",
      properties: Object.fromEntries(declared.map((p) => [p.name, asParameterSchema(p.schema)])),
      required: declared.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    };
    const validate = paramSchemas().compile(`${op.method} ${op.template} ${where}`, schema);
    // Coercion rewrites the object it validates, so give it a copy.
    if (!validate({ ...(where === "path" ? pathValues : query) }))
      problems.push(...describe(`${where} parameters`, validate.errors));
  }
  return problems;
}

/** In a URL every value is a string, so `oneOf: [integer, string]` (e.g. workflow_id) matches both; either will do. */
function asParameterSchema(schema: unknown): unknown {
  if (!isObject(schema)) return {};
  const { oneOf, ...rest } = schema;
  return oneOf === undefined ? schema : { ...rest, anyOf: oneOf };
}

function checkRequestBody(op: Operation, call: CheckableCall): string[] {
  const requestBody = op.op.requestBody ? deref<Json>(op.op.requestBody) : undefined;
  if (!requestBody) return call.body === undefined ? [] : ["sent a request body, but the operation takes none"];
  if (call.body === undefined) return requestBody.required ? ["request body is required but none was sent"] : [];
  const content = (requestBody.content ?? {}) as Record<string, Json>;
  const media = content["application/json"];
  if (!media?.schema) return [];
  const validate = bodySchemas().compile(`${op.method} ${op.template} request`, media.schema);
  return validate(call.body) ? [] : describe("request body", validate.errors);
}

function checkResponse(op: Operation, call: CheckableCall): string[] {
  // Injected faults and dropped connections are the test's words, not GitHub's.
  if (call.fault || call.status === 0) return [];
  if (call.status === 304) {
    const conditional =
      call.headers?.["if-none-match"] !== undefined || call.headers?.["if-modified-since"] !== undefined;
    if (!conditional) return ["304 without a conditional request header"];
    return call.response === undefined ? [] : ["304 must not have a body"];
  }
  const responses = (op.op.responses ?? {}) as Record<string, unknown>;
  const entry = responses[String(call.status)] ?? responses[`${String(call.status)[0]}XX`] ?? responses.default;
  if (entry === undefined) {
    // GitHub leaves many real error statuses undocumented (e.g. 404 on dispatch); hold them to its error shape.
    if (call.status >= 400)
      return validateBody("error response", { $ref: "#/components/schemas/basic-error" }, call.response, "basic-error");
    return [`status ${call.status} is not documented for this operation`];
  }
  const response = deref<Json>(entry);
  const content = response.content as Record<string, Json> | undefined;
  if (!content) return call.status === 204 && call.response !== undefined ? ["204 must not have a body"] : [];
  const type = (call.responseHeaders?.["content-type"] ?? "application/json").split(";")[0]?.trim() ?? "";
  const media = content[type] ?? content["application/json"] ?? Object.values(content)[0];
  if (!media?.schema) return [];
  if (call.response === undefined) return [`status ${call.status} documents a ${type} body, but none was sent`];
  return validateBody(
    `response ${call.status}`,
    media.schema,
    call.response,
    `${op.method} ${op.template} ${call.status} ${type}`,
  );
}

function validateBody(what: string, schema: unknown, data: unknown, key: string): string[] {
  const validate = bodySchemas().compile(key, schema);
  return validate(data) ? [] : describe(what, validate.errors);
}

function describe(what: string, errors: ErrorObject[] | null | undefined): string[] {
  const list = [...new Set(collapseAlternatives(errors ?? []).map((e) => `${what} ${formatError(e)}`))];
  return list.length > MAX_ERRORS
    ? [...list.slice(0, MAX_ERRORS), `${what}: ... and ${list.length - MAX_ERRORS} more`]
    : list;
}

/**
 * A failed oneOf/anyOf makes Ajv report every branch's errors. Ajv lists them before the oneOf/anyOf error itself,
 * so fold the ones under the same instance path into it, keeping a few as hints (nullable's "must be null" branch aside).
 */
function collapseAlternatives(errors: ErrorObject[]): ErrorObject[] {
  let open: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== "oneOf" && e.keyword !== "anyOf") {
      open.push(e);
      continue;
    }
    const under = (x: ErrorObject): boolean =>
      x.instancePath === e.instancePath || x.instancePath.startsWith(`${e.instancePath}/`);
    const hints = open.filter(under).filter((x) => !(x.keyword === "type" && x.params.type === "null"));
    open = open.filter((x) => !under(x));
    const hint = hints.slice(0, 3).map(formatError).join("; ");
    open.push({ ...e, message: `${e.message ?? e.keyword}${hint ? ` (closest: ${hint})` : ""}` });
  }
  return open;
}

function formatError(e: ErrorObject): string {
  const extra =
    e.keyword === "additionalProperties"
      ? ` (${String(e.params.additionalProperty)})`
      : e.keyword === "enum"
        ? ` ${JSON.stringify(e.params.allowedValues)}`
        : "";
  return `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${extra}`;
}

function bodySchemas(): SchemaSet {
  bodies ??= new SchemaSet(false);
  return bodies;
}

function paramSchemas(): SchemaSet {
  params ??= new SchemaSet(true);
  return params;
}

/** One Ajv instance plus the converted component schemas it has been given so far. */
class SchemaSet {
  private readonly ajv: Ajv;
  private readonly added = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(coerce: boolean) {
    this.ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce, logger: false, inlineRefs: false });
    addFormats.default(this.ajv);
    for (const name of ["repo.nwo", "timestamp"]) this.ajv.addFormat(name, true);
    // The spec gives these uri fields a default of "", and GitHub does send "" when they are unset.
    this.ajv.addFormat("uri", (s: string) => s === "" || testFormat(fullFormats.uri, s));
    // Query values like `created` take GitHub's search qualifiers (>=, <, a..b) although documented as date-time.
    if (coerce) this.ajv.addFormat("date-time", (s: string) => dateQualifier(s));
  }

  compile(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      const converted = convert(schema);
      this.addReferenced(converted);
      validate = this.ajv.compile(converted as Json);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private addReferenced(schema: unknown): void {
    for (const ref of refsIn(schema)) {
      if (this.added.has(ref)) continue;
      this.added.add(ref);
      const name = ref.slice(BASE.length);
      const component = convert(deref({ $ref: `#/components/${name}` }));
      this.ajv.addSchema({ ...(component as Json), $id: ref });
      this.addReferenced(component);
    }
  }
}

const converted = new WeakMap<object, unknown>();

/** OpenAPI 3.0 schema -> JSON Schema for Ajv: `nullable`, component refs, and annotations Ajv need not see. */
function convert(node: unknown): unknown {
  if (!isObject(node)) return node;
  const cached = converted.get(node);
  if (cached) return cached;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (
      ["example", "examples", "description", "title", "discriminator", "xml", "externalDocs", "nullable"].includes(
        key,
      ) ||
      key.startsWith("x-")
    )
      continue;
    if (key === "$ref" && typeof value === "string") out.$ref = value.replace(/^#\/components\//, BASE);
    else if ((key === "properties" || key === "patternProperties") && isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    else if (["allOf", "anyOf", "oneOf"].includes(key) && Array.isArray(value)) out[key] = value.map(convert);
    else if (["items", "not", "additionalProperties"].includes(key) && isObject(value)) out[key] = convert(value);
    else out[key] = value;
  }
  let result: Json = out;
  if (node.nullable === true) {
    const composed = ["$ref", "allOf", "anyOf", "oneOf", "not"].some((k) => k in out);
    if (typeof out.type === "string" && !composed) {
      result = {
        ...out,
        type: [out.type, "null"],
        ...(Array.isArray(out.enum) ? { enum: [...(out.enum as unknown[]), null] } : {}),
      };
    } else {
      result = { anyOf: [out, { type: "null" }] };
    }
  }
  converted.set(node, result);
  return result;
}

function refsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith(BASE)) found.add(v);
      else refsIn(v, found);
    }
  }
  return found;
}

function dateQualifier(s: string): boolean {
  const valid = (t: string): boolean => t === "*" || !Number.isNaN(Date.parse(t));
  const range = /^(.+)\.\.(.+)$/.exec(s);
  if (range) return valid(range[1] ?? "") && valid(range[2] ?? "");
  return valid(s.replace(/^(>=|<=|>|<)/, ""));
}

function testFormat(format: Format, s: string): boolean {
  if (format instanceof RegExp) return format.test(s);
  if (typeof format === "function") return Boolean(format(s));
  if (typeof format === "object" && "validate" in format) return testFormat(format.validate as Format, s);
  return true;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
