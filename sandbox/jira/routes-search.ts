/** Enhanced JQL search (`/rest/api/3/search/jql`): token paging, `id`-only default, bounded queries only. */
import { createHash } from "node:crypto";
import { badRequest, badRequestMessage, objectBody, type ApiRequest, type ApiResponse } from "./http.js";
import { fieldList, issueBean } from "./issue-bean.js";
import { compileJql } from "./jql-eval.js";
import { JqlError } from "./jql-parse.js";
import type { Route } from "./router.js";
import type { JiraStore } from "./store.js";

interface SearchParams {
  jql: string;
  fields: string[];
  maxResults: number;
  nextPageToken: string | undefined;
}

/** Jira pages up to 5000 ids, but far fewer issues once fields are requested. */
const MAX_IDS = 5000;
const MAX_WITH_FIELDS = 100;

export function searchRoutes(store: JiraStore, now: () => Date): Route[] {
  const template = "/rest/api/3/search/jql";
  return [
    {
      method: "GET",
      template,
      operationId: "searchAndReconsileIssuesUsingJql",
      handle: (req) => search(store, now(), req, fromQuery(req)),
    },
    {
      method: "POST",
      template,
      operationId: "searchAndReconsileIssuesUsingJqlPost",
      handle: (req) => search(store, now(), req, fromBody(req)),
    },
  ];
}

function fromQuery(req: ApiRequest): SearchParams {
  const max = req.query.maxResults;
  if (max !== undefined && !/^-?\d+$/.test(max))
    throw badRequestMessage(`The value '${max}' is invalid for the maxResults parameter.`);
  return {
    jql: req.query.jql ?? "",
    fields: fieldList(req.query.fields) ?? ["id"],
    maxResults: max === undefined ? 50 : Number(max),
    nextPageToken: req.query.nextPageToken,
  };
}

function fromBody(req: ApiRequest): SearchParams {
  const body = objectBody(req);
  const errors: Record<string, string> = {};
  if (body.jql !== undefined && typeof body.jql !== "string") errors.jql = "The JQL query must be a string.";
  if (body.fields !== undefined && !(Array.isArray(body.fields) && body.fields.every((f) => typeof f === "string")))
    errors.fields = "The fields must be a list of strings.";
  if (body.maxResults !== undefined && !Number.isInteger(body.maxResults))
    errors.maxResults = "The maxResults must be an integer.";
  if (body.nextPageToken !== undefined && body.nextPageToken !== null && typeof body.nextPageToken !== "string")
    errors.nextPageToken = "The nextPageToken must be a string.";
  if (Object.keys(errors).length > 0) throw badRequest(errors);
  return {
    jql: (body.jql as string | undefined) ?? "",
    fields: fieldList(body.fields) ?? ["id"],
    maxResults: (body.maxResults as number | undefined) ?? 50,
    nextPageToken: (body.nextPageToken as string | null | undefined) ?? undefined,
  };
}

function search(store: JiraStore, now: Date, req: ApiRequest, p: SearchParams): ApiResponse {
  let compiled;
  try {
    compiled = compileJql(p.jql, store, now);
  } catch (err) {
    if (err instanceof JqlError) throw badRequestMessage(err.message);
    throw err;
  }
  if (!compiled.bounded)
    throw badRequestMessage(
      "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
    );
  const cheap = p.fields.every((f) => f === "id" || f === "key");
  const size = Math.max(1, Math.min(p.maxResults, cheap ? MAX_IDS : MAX_WITH_FIELDS));
  const fingerprint = createHash("sha256")
    .update(`${p.jql}\n${p.fields.join(",")}`)
    .digest("hex")
    .slice(0, 16);
  const offset = p.nextPageToken === undefined ? 0 : readToken(p.nextPageToken, fingerprint);
  const all = store.issues.filter(compiled.matches).sort(compiled.compare);
  const page = all.slice(offset, offset + size);
  const end = offset + page.length;
  const isLast = end >= all.length;
  return {
    status: 200,
    body: {
      issues: page.map((issue) => issueBean(req.base, store, issue, p.fields)),
      ...(isLast
        ? {}
        : { nextPageToken: Buffer.from(JSON.stringify({ o: end, f: fingerprint })).toString("base64url") }),
      isLast,
    },
  };
}

/** Tokens are opaque to clients; this one carries the offset and which query it belongs to. */
function readToken(token: string, fingerprint: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown; f?: unknown };
    if (typeof parsed.o === "number" && parsed.o >= 0 && parsed.f === fingerprint) return parsed.o;
  } catch {
    // fall through to Jira's answer for a token it does not recognise
  }
  throw badRequestMessage("The provided next page token is invalid or expired.");
}
