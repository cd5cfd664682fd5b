/** The issue bean, and Jira's `fields` selection rules (*all, *navigable, -exclusions, field ids). */
import {
  commentBean,
  issueLinkBeans,
  issueTypeBean,
  jiraTime,
  PRIORITY,
  projectBean,
  RESOLUTION_DONE,
  statusBean,
  userBean,
} from "./beans.js";
import type { JiraStore } from "./store.js";
import type { IssueRecord } from "./types.js";

type Bean = Record<string, unknown>;

export const ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations";

/** Fields Jira leaves out of `*navigable` (search's column set); GET issue's `*all` includes them. */
const NON_NAVIGABLE = new Set(["comment"]);

export function allFields(base: string, store: JiraStore, issue: IssueRecord): Bean {
  const user = userBean(base, store.user);
  return {
    summary: issue.summary,
    status: statusBean(base, store, issue.status),
    issuetype: issueTypeBean(base, store, issue.issueType),
    project: projectBean(base, store.projectOf(issue)),
    description: issue.description,
    labels: issue.labels,
    components: issue.components.map((name) => {
      const id = store.componentId(issue.project, name);
      return { self: `${base}/rest/api/3/component/${id}`, id, name };
    }),
    created: jiraTime(issue.created),
    updated: jiraTime(issue.updated),
    statuscategorychangedate: jiraTime(issue.statusCategoryChanged),
    resolutiondate: issue.resolutiondate === null ? null : jiraTime(issue.resolutiondate),
    resolution: issue.resolution === null ? null : RESOLUTION_DONE(base),
    priority: PRIORITY(base),
    reporter: user,
    creator: user,
    assignee: null,
    issuelinks: issueLinkBeans(base, store, issue),
    comment: {
      comments: issue.comments.map((c) => commentBean(base, store, issue, c)),
      self: `${base}/rest/api/3/issue/${issue.id}/comment`,
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
    ...issue.customFields,
  };
}

/** Which of `all` a `fields` list asks for. Unknown ids are ignored, as Jira does. */
export function selectFields(all: Bean, spec: string[]): Bean {
  const list = spec.every((s) => s.startsWith("-")) ? ["*navigable", ...spec] : spec;
  const chosen = new Set<string>();
  for (const key of Object.keys(all)) {
    if (list.includes("*all") || (list.includes("*navigable") && !NON_NAVIGABLE.has(key))) chosen.add(key);
  }
  for (const s of list) if (!s.startsWith("-") && !s.startsWith("*") && s in all) chosen.add(s);
  for (const s of list) if (s.startsWith("-")) chosen.delete(s.slice(1));
  return Object.fromEntries(Object.entries(all).filter(([key]) => chosen.has(key)));
}

/** Splits Jira's comma-separated (and repeatable) `fields` parameter. */
export function fieldList(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = Array.isArray(raw) ? raw.map(String) : String(raw).split(",");
  return parts.map((s) => s.trim()).filter(Boolean);
}

/**
 * The bean GET issue and search return. Search asked for `id` (its default) or `key` alone returns just those,
 * as Jira's enhanced search does for its cheapest pages.
 */
export function issueBean(base: string, store: JiraStore, issue: IssueRecord, spec: string[]): Bean {
  const fields = selectFields(allFields(base, store, issue), spec);
  if (Object.keys(fields).length === 0 && spec.length > 0 && spec.every((s) => s === "id" || s === "key")) {
    return { id: issue.id, ...(spec.includes("key") ? { key: issue.key } : {}) };
  }
  return { expand: ISSUE_EXPAND, id: issue.id, self: `${base}/rest/api/3/issue/${issue.id}`, key: issue.key, fields };
}
