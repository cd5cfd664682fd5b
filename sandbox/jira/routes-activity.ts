/** What happens to an issue after it exists: transitions, comments, remote links. */
import { adfProblem, adfToText, MAX_TEXT, NOT_A_DOCUMENT, TOO_LONG } from "./adf.js";
import { commentBean, remoteLinkBean, statusBean } from "./beans.js";
import {
  badRequest,
  badRequestMessage,
  errorBody,
  isRecord,
  JiraApiError,
  objectBody,
  type ApiRequest,
  type ApiResponse,
} from "./http.js";
import type { Route } from "./router.js";
import type { JiraStore } from "./store.js";
import type { IssueRecord } from "./types.js";
import { transitionsFrom } from "./workflow.js";

const ISSUE = "/rest/api/3/issue/{issueIdOrKey}";

export function activityRoutes(store: JiraStore): Route[] {
  const issue = (req: ApiRequest): IssueRecord => store.get(req.params.issueIdOrKey ?? "");
  return [
    {
      method: "GET",
      template: `${ISSUE}/transitions`,
      operationId: "getTransitions",
      handle: (req) => listTransitions(store, req, issue(req)),
    },
    {
      method: "POST",
      template: `${ISSUE}/transitions`,
      operationId: "doTransition",
      handle: (req) => doTransition(store, req, issue(req)),
    },
    {
      method: "POST",
      template: `${ISSUE}/comment`,
      operationId: "addComment",
      handle: (req) => addComment(store, req, issue(req)),
    },
    {
      method: "GET",
      template: `${ISSUE}/remotelink`,
      operationId: "getRemoteIssueLinks",
      handle: (req) => listRemoteLinks(req, issue(req)),
    },
    {
      method: "POST",
      template: `${ISSUE}/remotelink`,
      operationId: "createOrUpdateRemoteIssueLink",
      handle: (req) => putRemoteLink(store, req, issue(req)),
    },
  ];
}

function listTransitions(store: JiraStore, req: ApiRequest, issue: IssueRecord): ApiResponse {
  const wanted = req.query.transitionId;
  const transitions = transitionsFrom(store.projectOf(issue).workflow, issue.status)
    .filter((t) => wanted === undefined || t.id === wanted)
    .map((t) => ({
      id: t.id,
      name: t.name,
      to: statusBean(req.base, store, t.to.name),
      hasScreen: false,
      isGlobal: t.isGlobal,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    }));
  return { status: 200, body: { expand: "transitions", transitions } };
}

function doTransition(store: JiraStore, req: ApiRequest, issue: IssueRecord): ApiResponse {
  const body = objectBody(req);
  const id = isRecord(body.transition) ? body.transition.id : undefined;
  if (typeof id !== "string" && typeof id !== "number") throw badRequestMessage("Missing 'transition' identifier");
  const edits = { ...(isRecord(body.fields) ? body.fields : {}), ...(isRecord(body.update) ? body.update : {}) };
  if (Object.keys(edits).length > 0) {
    // The emulated workflows have no transition screens, so no field can be set on the way.
    throw badRequest(
      Object.fromEntries(
        Object.keys(edits).map((k) => [
          k,
          `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`,
        ]),
      ),
    );
  }
  const t = transitionsFrom(store.projectOf(issue).workflow, issue.status).find((x) => x.id === String(id));
  if (!t) throw badRequestMessage(`Transition id '${String(id)}' is not valid for this issue.`);
  const now = store.nowIso();
  const before = store.status(issue.status);
  issue.transitions.push({ id: t.id, name: t.name, from: issue.status, to: t.to.name, at: now });
  issue.status = t.to.name;
  issue.updated = now;
  if (before?.category !== t.to.category) issue.statusCategoryChanged = now;
  const done = t.to.category === "done";
  issue.resolution = done ? "Done" : null;
  issue.resolutiondate = done ? now : null;
  return { status: 204 };
}

function addComment(store: JiraStore, req: ApiRequest, issue: IssueRecord): ApiResponse {
  const body = objectBody(req).body;
  if (body === undefined || body === null) throw badRequest({ comment: "Comment body can not be empty!" });
  if (adfProblem(body)) throw badRequest({ comment: NOT_A_DOCUMENT });
  const text = adfToText(body);
  if (text.trim() === "") throw badRequest({ comment: "Comment body can not be empty!" });
  if (text.length > MAX_TEXT) throw badRequest({ comment: TOO_LONG });
  const now = store.nowIso();
  const comment = {
    id: store.nextCommentId(),
    body: body as Record<string, unknown>,
    text,
    authorAccountId: store.user.accountId,
    created: now,
  };
  issue.comments.push(comment);
  issue.updated = now;
  return { status: 201, body: commentBean(req.base, store, issue, comment) };
}

function listRemoteLinks(req: ApiRequest, issue: IssueRecord): ApiResponse {
  const globalId = req.query.globalId;
  if (globalId === undefined)
    return { status: 200, body: issue.remoteLinks.map((l) => remoteLinkBean(req.base, issue, l)) };
  const link = issue.remoteLinks.find((l) => l.globalId === globalId);
  if (!link)
    throw new JiraApiError(404, errorBody([`No remote link with global id '${globalId}' exists on this issue.`]));
  return { status: 200, body: remoteLinkBean(req.base, issue, link) };
}

/** Same globalId updates the existing link (200) instead of adding a second one (201), like Jira. */
function putRemoteLink(store: JiraStore, req: ApiRequest, issue: IssueRecord): ApiResponse {
  const body = objectBody(req);
  const object = isRecord(body.object) ? body.object : {};
  const errors: Record<string, string> = {};
  if (typeof object.title !== "string" || object.title.trim() === "") errors.title = "Title is required.";
  if (typeof object.url !== "string" || object.url.trim() === "") errors.url = "URL is required.";
  else if (!URL.canParse(object.url)) errors.url = "The URL is invalid.";
  if (body.globalId !== undefined && (typeof body.globalId !== "string" || body.globalId.length > 255))
    errors.globalId = "The global ID must be a string of at most 255 characters.";
  if (Object.keys(errors).length > 0) throw badRequest(errors);
  const now = store.nowIso();
  const fields = {
    url: String(object.url),
    title: String(object.title),
    summary: typeof object.summary === "string" ? object.summary : undefined,
    relationship: typeof body.relationship === "string" ? body.relationship : undefined,
    application: isRecord(body.application)
      ? { type: optionalString(body.application.type), name: optionalString(body.application.name) }
      : undefined,
    updated: now,
  };
  const globalId = body.globalId as string | undefined;
  const existing = globalId === undefined ? undefined : issue.remoteLinks.find((l) => l.globalId === globalId);
  issue.updated = now;
  if (existing) {
    Object.assign(existing, fields);
    return {
      status: 200,
      body: { id: existing.id, self: `${req.base}/rest/api/3/issue/${issue.key}/remotelink/${existing.id}` },
    };
  }
  const link = { id: store.nextRemoteLinkId(), globalId, ...fields, created: now };
  issue.remoteLinks.push(link);
  return {
    status: 201,
    body: { id: link.id, self: `${req.base}/rest/api/3/issue/${issue.key}/remotelink/${link.id}` },
  };
}

function optionalString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
