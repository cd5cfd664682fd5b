/** Site info, the current user, and creating and reading issues. */
import { adfProblem, adfToText, MAX_TEXT, NOT_A_DOCUMENT, TOO_LONG } from "./adf.js";
import { jiraTime, myselfBean } from "./beans.js";
import { badRequest, isRecord, objectBody, type ApiRequest, type ApiResponse } from "./http.js";
import { fieldList, issueBean } from "./issue-bean.js";
import type { Route } from "./router.js";
import type { JiraStore, NewIssue } from "./store.js";

const SETTABLE = new Set(["project", "issuetype", "summary", "description", "labels"]);

export function issueRoutes(store: JiraStore): Route[] {
  return [
    {
      method: "GET",
      template: "/rest/api/3/serverInfo",
      operationId: "getServerInfo",
      handle: (req) => ({ status: 200, body: serverInfo(store, req.base) }),
    },
    {
      method: "GET",
      template: "/rest/api/3/myself",
      operationId: "getCurrentUser",
      handle: (req) => ({ status: 200, body: myselfBean(req.base, store.user) }),
    },
    {
      method: "POST",
      template: "/rest/api/3/issue",
      operationId: "createIssue",
      handle: (req) => createIssue(store, req),
    },
    {
      method: "GET",
      template: "/rest/api/3/issue/{issueIdOrKey}",
      operationId: "getIssue",
      handle: (req) => ({
        status: 200,
        body: issueBean(
          req.base,
          store,
          store.get(req.params.issueIdOrKey ?? ""),
          fieldList(req.query.fields) ?? ["*all"],
        ),
      }),
    },
  ];
}

function serverInfo(store: JiraStore, base: string): Record<string, unknown> {
  return {
    baseUrl: base,
    displayUrl: base,
    version: "1001.0.0-SNAPSHOT",
    versionNumbers: [1001, 0, 0],
    deploymentType: "Cloud",
    buildNumber: 100289,
    buildDate: "2026-01-05T09:12:27.000+0000",
    serverTime: jiraTime(store.nowIso()),
    scmInfo: "0e7b1f0c6a5d4e3b2a1908f7e6d5c4b3a2918070",
    serverTitle: "Jira",
    defaultLocale: { locale: "en_US" },
    serverTimeZone: "Etc/UTC",
  };
}

/** Validates like Jira: every problem at once, keyed by field, in Jira's words. */
function createIssue(store: JiraStore, req: ApiRequest): ApiResponse {
  const body = objectBody(req);
  const fields = isRecord(body.fields) ? body.fields : {};
  const errors: Record<string, string> = {};
  for (const key of [...Object.keys(fields), ...Object.keys(isRecord(body.update) ? body.update : {})]) {
    if (!SETTABLE.has(key))
      errors[key] = `Field '${key}' cannot be set. It is not on the appropriate screen, or unknown.`;
  }
  const projectRef = isRecord(fields.project) ? (fields.project.key ?? fields.project.id) : undefined;
  const project =
    typeof projectRef === "string" || typeof projectRef === "number" ? store.project(String(projectRef)) : undefined;
  if (!project) errors.project = "Specify a valid project ID or key";
  const type = isRecord(fields.issuetype) ? fields.issuetype : undefined;
  const issueType = project?.issueTypes.find(
    (t) => t.toLowerCase() === String(type?.name ?? "").toLowerCase() || store.issueTypeId(t) === String(type?.id),
  );
  if (!type) errors.issuetype = "Specify an issue type";
  else if (project && !issueType) errors.issuetype = "The issue type selected is invalid.";
  const summary = fields.summary;
  if (summary === undefined || summary === null || (typeof summary === "string" && summary.trim() === ""))
    errors.summary = "You must specify a summary of the issue.";
  else if (typeof summary !== "string") errors.summary = "Operation value must be a string";
  else if (summary.length > 255) errors.summary = "Summary must be less than 255 characters.";
  else if (/[\r\n]/.test(summary)) errors.summary = "The summary is invalid because it contains newline characters.";
  const description = fields.description ?? null;
  if (description !== null && adfProblem(description)) errors.description = NOT_A_DOCUMENT;
  else if (adfToText(description).length > MAX_TEXT) errors.description = TOO_LONG;
  const labels = fields.labels ?? [];
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === "string"))
    errors.labels = "Operation value must be an array of strings";
  else {
    const spaced = labels.find((l) => /\s/.test(l) || l.length === 0);
    const long = labels.find((l) => l.length > 255);
    if (spaced !== undefined) errors.labels = `The label '${spaced}' contains spaces which is invalid.`;
    else if (long !== undefined) errors.labels = "The label must not exceed 255 characters.";
  }
  if (Object.keys(errors).length > 0 || !project || !issueType) throw badRequest(errors);
  const input: NewIssue = {
    project,
    issueType,
    summary: String(summary),
    description: description as Record<string, unknown> | null,
    labels: [...new Set(labels as string[])],
  };
  const issue = store.create(input);
  return { status: 201, body: { id: issue.id, key: issue.key, self: `${req.base}/rest/api/3/issue/${issue.id}` } };
}
