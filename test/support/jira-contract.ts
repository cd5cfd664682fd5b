/**
 * Contract check: recorded Jira calls against jira.js 6's zod schemas, which are generated from Jira Cloud's
 * published OpenAPI and are what jira.js 6 enforces with `onSchemaMismatch: 'throw'` (the same package Gantry's Jira
 * client is built on).
 *
 * The schemas are built in jira.js 6's audit mode (AUDIT_SCHEMAS=true): objects are strict and documented value
 * lists closed, so an emulator that invents a key or a value fails here instead of passing loosely.
 */
import { z } from "zod";
import type { RecordedCall } from "../../sandbox/jira/types.js";

/** The minimum a call needs to be checked; hand-made calls in tests need not fill every field. */
export type CheckableJiraCall = Pick<RecordedCall, "method" | "path" | "status" | "response"> & Partial<RecordedCall>;

type Schemas = typeof import("jira.js/cloud");
type ParamType = "string" | "boolean" | "int32";

interface JiraOperation {
  method: string;
  /** As in Jira's OpenAPI description. */
  template: string;
  operationId: string;
  /** Statuses documented for the operation, transcribed from Jira's REST v3 reference (jira.js 6 ships schemas, not statuses). */
  statuses: number[];
  query: Record<string, ParamType>;
  request?: (s: Schemas) => z.ZodType;
  bodyRequired?: boolean;
  /** The success body's schema, the one jira.js 6 validates; undefined for 204s. */
  response: (s: Schemas) => z.ZodType | undefined;
}

const ISSUE = "/rest/api/3/issue/{issueIdOrKey}";
const SEARCH_QUERY: Record<string, ParamType> = {
  jql: "string",
  nextPageToken: "string",
  maxResults: "int32",
  fields: "string",
  expand: "string",
  properties: "string",
  fieldsByKeys: "boolean",
  failFast: "boolean",
  reconcileIssues: "string",
};

/** The operations Gantry and its emulator use; schema names are jira.js 6's, which follow Jira's OpenAPI components. */
const OPERATIONS: JiraOperation[] = [
  {
    method: "GET",
    template: "/rest/api/3/serverInfo",
    operationId: "getServerInfo",
    statuses: [200, 401],
    query: {},
    response: (s) => s.ServerInformationSchema,
  },
  {
    method: "GET",
    template: "/rest/api/3/myself",
    operationId: "getCurrentUser",
    statuses: [200, 401],
    query: { expand: "string" },
    response: (s) => s.DashboardUserSchema,
  },
  {
    method: "POST",
    template: "/rest/api/3/issue",
    operationId: "createIssue",
    statuses: [201, 400, 401, 403, 422],
    query: { updateHistory: "boolean" },
    request: (s) => s.IssueUpdateDetailsSchema,
    bodyRequired: true,
    response: (s) => s.CreatedIssueSchema,
  },
  {
    method: "GET",
    template: ISSUE,
    operationId: "getIssue",
    statuses: [200, 401, 404],
    query: {
      fields: "string",
      fieldsByKeys: "boolean",
      expand: "string",
      properties: "string",
      updateHistory: "boolean",
      failFast: "boolean",
    },
    response: (s) => s.IssueSchema,
  },
  {
    method: "GET",
    template: `${ISSUE}/transitions`,
    operationId: "getTransitions",
    statuses: [200, 401, 404],
    query: {
      expand: "string",
      transitionId: "string",
      skipRemoteOnlyCondition: "boolean",
      includeUnavailableTransitions: "boolean",
      sortByOpsBarAndStatus: "boolean",
    },
    response: (s) => s.TransitionsSchema,
  },
  {
    method: "POST",
    template: `${ISSUE}/transitions`,
    operationId: "doTransition",
    statuses: [204, 400, 401, 404, 409, 413, 422],
    query: {},
    request: (s) => s.IssueUpdateDetailsSchema,
    bodyRequired: true,
    response: () => undefined,
  },
  {
    method: "POST",
    template: `${ISSUE}/comment`,
    operationId: "addComment",
    statuses: [201, 400, 401, 404, 413],
    query: { expand: "string" },
    request: (s) => s.CommentSchema,
    bodyRequired: true,
    response: (s) => s.CommentSchema,
  },
  {
    method: "GET",
    template: `${ISSUE}/remotelink`,
    operationId: "getRemoteIssueLinks",
    statuses: [200, 400, 401, 403, 404, 413],
    query: { globalId: "string" },
    response: (s) => s.GetRemoteIssueLinksSchema,
  },
  {
    method: "POST",
    template: `${ISSUE}/remotelink`,
    operationId: "createOrUpdateRemoteIssueLink",
    statuses: [200, 201, 400, 401, 403, 404, 413],
    query: {},
    request: (s) => s.RemoteIssueLinkRequestSchema,
    bodyRequired: true,
    response: (s) => s.RemoteIssueLinkIdentifiesSchema,
  },
  {
    method: "GET",
    template: "/rest/api/3/search/jql",
    operationId: "searchAndReconsileIssuesUsingJql",
    statuses: [200, 400, 401],
    query: SEARCH_QUERY,
    response: (s) => s.SearchAndReconcileResultsSchema,
  },
  {
    method: "POST",
    template: "/rest/api/3/search/jql",
    operationId: "searchAndReconsileIssuesUsingJqlPost",
    statuses: [200, 400, 401],
    query: {},
    request: (s) => s.SearchAndReconcileRequestSchema,
    bodyRequired: true,
    response: (s) => s.SearchAndReconcileResultsSchema,
  },
];

function findJiraOperation(method: string, path: string): JiraOperation | undefined {
  return OPERATIONS.find((o) => {
    if (o.method !== method) return false;
    const source = o.template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+");
    return new RegExp(`^${source}/?$`).test(path);
  });
}

const schemas = await loadAuditSchemas();

/**
 * Audit mode is read when jira.js's schema modules are first evaluated, and Gantry's own Jira client loads the same
 * modules, so vitest.config.ts turns it on for every test process; this only checks that it took.
 */
async function loadAuditSchemas(): Promise<Schemas> {
  const cloud = await import("jira.js/cloud");
  if (
    cloud.CreatedIssueSchema.safeParse({ id: "1", key: "A-1", self: "https://x.test/i/1", undocumented: 1 }).success
  ) {
    throw new Error(
      "jira.js 6 schemas were loaded without AUDIT_SCHEMAS=true (see vitest.config.ts); the contract check needs them strict",
    );
  }
  return cloud;
}

/** Keys real Jira Cloud sends that its OpenAPI does not document; each is accepted here on purpose. */
const KNOWN_DRIFT: Array<{ at: RegExp; key: string }> = [
  // Every transition Jira Cloud returns carries isLooped; the spec calls the property `looped`.
  { at: /^transitions\.\d+$/, key: "isLooped" },
];

/** Human-readable contract problems with one call; empty when it matches Jira's published contract. */
export function validateJiraCall(call: CheckableJiraCall): string[] {
  const method = call.method.toUpperCase();
  const label = `${method} ${call.path} -> ${call.status}`;
  const op = findJiraOperation(method, call.path);
  if (!op)
    return [
      `${label}: not one of the Jira operations the contract covers (${OPERATIONS.map((o) => o.operationId).join(", ")})`,
    ];
  const where = `${label} (${op.operationId})`;
  const problems: string[] = [];
  if (call.pathTemplate && call.pathTemplate !== op.template)
    problems.push(`emulator routed it as ${call.pathTemplate}, Jira documents ${op.template}`);
  if (call.operationId && call.operationId !== op.operationId) problems.push(`emulator called it ${call.operationId}`);
  // A request the emulator rejected may break the contract (that is why it was rejected); one it accepted must not.
  if (call.status < 400) problems.push(...queryProblems(op, call.query ?? {}), ...requestProblems(op, call));
  problems.push(...responseProblems(op, call));
  return problems.map((p) => `${where}: ${p}`);
}

/** Throws listing every contract problem across the calls. */
export function assertJiraCallsMatchContract(calls: readonly CheckableJiraCall[]): void {
  const problems = calls.flatMap((c) => validateJiraCall(c));
  if (problems.length) throw new Error(`${problems.length} Jira contract problem(s):\n- ${problems.join("\n- ")}`);
}

function queryProblems(op: JiraOperation, query: Record<string, string>): string[] {
  return Object.entries(query).flatMap(([name, value]) => {
    const type = op.query[name];
    if (!type) return [`query parameter ${name} is not documented for this operation`];
    if (type === "boolean" && value !== "true" && value !== "false")
      return [`query parameter ${name}=${value} must be true or false`];
    if (type === "int32" && !/^-?\d+$/.test(value)) return [`query parameter ${name}=${value} must be an integer`];
    return [];
  });
}

function requestProblems(op: JiraOperation, call: CheckableJiraCall): string[] {
  const schema = op.request?.(schemas);
  if (!schema) return call.body === undefined ? [] : ["sent a request body, but the operation takes none"];
  if (call.body === undefined) return op.bodyRequired ? ["request body is required but none was sent"] : [];
  return [
    ...zodProblems("request body", schema, call.body),
    ...(op.operationId === "createIssue" ? requestFieldProblems(schemas, call.body) : []),
  ];
}

function responseProblems(op: JiraOperation, call: CheckableJiraCall): string[] {
  // Injected faults, outages and dropped connections are the test's words, not Jira's.
  if (call.fault || call.status === 0) return [];
  if (!op.statuses.includes(call.status))
    return [`status ${call.status} is not documented for this operation (documented: ${op.statuses.join(", ")})`];
  const type = call.responseHeaders?.["content-type"]?.split(";")[0]?.trim();
  // Jira documents no body for 401; Cloud answers in plain text.
  if (call.status === 401) return [];
  if (call.status >= 400) {
    const problems = zodProblems("error body", schemas.ErrorCollectionSchema, call.response);
    const body = call.response as { errorMessages?: unknown; errors?: unknown } | undefined;
    if (!Array.isArray(body?.errorMessages) || typeof body?.errors !== "object")
      problems.push("error body must carry both errorMessages and errors, as Jira's always does");
    return problems;
  }
  const schema = op.response(schemas);
  if (!schema) return call.response === undefined ? [] : [`status ${call.status} must not have a body`];
  if (call.response === undefined) return [`status ${call.status} documents a JSON body, but none was sent`];
  const problems = type && type !== "application/json" ? [`content-type is ${type}, expected application/json`] : [];
  problems.push(...zodProblems(`response ${call.status}`, schema, call.response));
  const issues =
    op.operationId === "getIssue"
      ? [call.response]
      : op.operationId.startsWith("searchAndReconsile")
        ? ((call.response as { issues?: unknown[] }).issues ?? [])
        : [];
  issues.forEach((issue, i) =>
    problems.push(...fieldProblems(schemas, issue, op.operationId === "getIssue" ? "" : `issues.${i}.`)),
  );
  return problems;
}

/** Zod's complaints as lines, with union failures narrowed to their closest branch and known drift dropped. */
export function zodProblems(what: string, schema: z.ZodType, data: unknown): string[] {
  const result = schema.safeParse(data);
  return result.success ? [] : describeIssues(result.error.issues, []).map((line) => `${what} ${line}`);
}

function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    const at = path.map(String).join(".");
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return describeIssues(closest, path);
    }
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.filter((key) => !KNOWN_DRIFT.some((d) => d.key === key && d.at.test(at)));
      return keys.length ? [`${at || "(root)"} has undocumented key(s) ${keys.join(", ")}`] : [];
    }
    return [`${at || "(root)"} ${issue.message}`];
  });
}

/** Jira's own timestamp format for issue fields, e.g. 2026-01-05T10:00:00.000+0000. */
const JIRA_TIME = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/,
    "is not a Jira timestamp like 2026-01-05T10:00:00.000+0000",
  );

/**
 * The spec types an issue's `fields` as a free map; Jira's field metadata fixes the system fields' shapes, so hold
 * each present one to the bean schema Jira uses for it elsewhere in the spec.
 */
function systemFields(s: Schemas): Record<string, z.ZodType> {
  const user = s.UserDetailsSchema.nullable();
  return {
    summary: z.string(),
    status: s.StatusDetailsSchema,
    issuetype: s.IssueTypeDetailsSchema,
    project: s.ProjectDetailsSchema,
    description: s.DocumentSchema.nullable(),
    labels: z.array(z.string()),
    components: z.array(s.ComponentSchema),
    created: JIRA_TIME,
    updated: JIRA_TIME,
    statuscategorychangedate: JIRA_TIME,
    resolutiondate: JIRA_TIME.nullable(),
    resolution: s.ResolutionSchema.nullable(),
    priority: s.PrioritySchema,
    reporter: user,
    creator: user,
    assignee: user,
    issuelinks: z.array(s.IssueLinkSchema),
    // Jira adds `self` to the comment field's page, which the PageOfComments component leaves out.
    comment: s.PageOfCommentsSchema.extend({ self: z.url().optional() }),
  };
}

function fieldProblems(s: Schemas, issue: unknown, prefix: string): string[] {
  const fields = (issue as { fields?: unknown } | undefined)?.fields;
  if (typeof fields !== "object" || fields === null) return [];
  const known = systemFields(s);
  return Object.entries(fields).flatMap(([name, value]) => {
    const schema = known[name];
    if (schema) return zodProblems(`response ${prefix}fields.${name}`, schema, value);
    return /^customfield_\d+$/.test(name)
      ? []
      : [`response ${prefix}fields.${name} is not a Jira system field the contract knows`];
  });
}

/** What createIssue may write: references by key/id/name and the plain values, in the same component shapes. */
function requestFieldProblems(s: Schemas, body: unknown): string[] {
  const fields = (body as { fields?: unknown }).fields;
  if (typeof fields !== "object" || fields === null) return [];
  const writable: Record<string, z.ZodType> = {
    project: s.ProjectDetailsSchema,
    issuetype: s.IssueTypeDetailsSchema,
    summary: z.string(),
    description: s.DocumentSchema,
    labels: z.array(z.string()),
  };
  return Object.entries(fields).flatMap(([name, value]) => {
    const schema = writable[name];
    return schema ? zodProblems(`request body fields.${name}`, schema, value) : [];
  });
}
