/** Jira's JSON for users, statuses, projects, comments, remote links: the beans its REST API answers with. */
import type { JiraStore, JiraUser, ProjectState } from "./store.js";
import type { CommentRecord, IssueRecord, RemoteLinkRecord, StatusCategoryKey } from "./types.js";
import { STATUS_CATEGORIES } from "./workflow.js";

type Bean = Record<string, unknown>;

/** Jira writes timestamps as 2026-01-05T10:00:00.000+0000, not ISO's trailing Z. */
export function jiraTime(iso: string): string {
  return iso.replace(/Z$/, "+0000");
}

function avatarUrls(base: string, kind: string, id: string): Bean {
  return Object.fromEntries(
    ["48x48", "24x24", "16x16", "32x32"].map((size) => [
      size,
      `${base}/secure/${kind}avatar?size=${size.split("x")[0]}&avatarId=${id}`,
    ]),
  );
}

export function userBean(base: string, user: JiraUser): Bean {
  return {
    self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrls(base, "user", "10122"),
    displayName: user.displayName,
    active: true,
    timeZone: user.timeZone,
    accountType: "atlassian",
  };
}

export function myselfBean(base: string, user: JiraUser): Bean {
  return {
    ...userBean(base, user),
    locale: "en_US",
    groups: { size: 1, items: [] },
    applicationRoles: { size: 1, items: [] },
    expand: "groups,applicationRoles",
  };
}

export function statusCategoryBean(base: string, key: StatusCategoryKey): Bean {
  const c = STATUS_CATEGORIES[key];
  return {
    self: `${base}/rest/api/3/statuscategory/${c.id}`,
    id: c.id,
    key: c.key,
    colorName: c.colorName,
    name: c.name,
  };
}

export function statusBean(base: string, store: JiraStore, name: string): Bean {
  const status = store.status(name);
  if (!status) throw new Error(`unknown status ${name}`);
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    description: "",
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: statusCategoryBean(base, status.category),
  };
}

export function issueTypeBean(base: string, store: JiraStore, name: string): Bean {
  const id = store.issueTypeId(name);
  return {
    self: `${base}/rest/api/3/issuetype/${id}`,
    id,
    description: "",
    iconUrl: `${base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318?size=medium`,
    name,
    subtask: false,
    avatarId: 10318,
    hierarchyLevel: 0,
  };
}

export function projectBean(base: string, project: ProjectState): Bean {
  return {
    self: `${base}/rest/api/3/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: "software",
    simplified: false,
    avatarUrls: avatarUrls(base, "project", "10424"),
  };
}

export function commentBean(base: string, store: JiraStore, issue: IssueRecord, c: CommentRecord): Bean {
  const author = userBean(base, store.user);
  return {
    self: `${base}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author,
    body: c.body,
    updateAuthor: author,
    created: jiraTime(c.created),
    updated: jiraTime(c.created),
    jsdPublic: true,
  };
}

export function remoteLinkBean(base: string, issue: IssueRecord, link: RemoteLinkRecord): Bean {
  return {
    id: link.id,
    self: `${base}/rest/api/3/issue/${issue.key}/remotelink/${link.id}`,
    ...(link.globalId === undefined ? {} : { globalId: link.globalId }),
    application: link.application ?? {},
    ...(link.relationship === undefined ? {} : { relationship: link.relationship }),
    object: {
      url: link.url,
      title: link.title,
      ...(link.summary === undefined ? {} : { summary: link.summary }),
      icon: {},
    },
  };
}

export const PRIORITY = (base: string): Bean => ({
  self: `${base}/rest/api/3/priority/3`,
  iconUrl: `${base}/images/icons/priorities/medium.svg`,
  name: "Medium",
  id: "3",
});

export const RESOLUTION_DONE = (base: string): Bean => ({
  self: `${base}/rest/api/3/resolution/10000`,
  id: "10000",
  description: "Work has been completed on this issue.",
  name: "Done",
});

/** Jira Cloud's default link types; other names get a type whose both directions read as the name. */
const LINK_TYPES: Record<string, { id: string; inward: string; outward: string }> = {
  blocks: { id: "10000", inward: "is blocked by", outward: "blocks" },
  cloners: { id: "10001", inward: "is cloned by", outward: "clones" },
  duplicate: { id: "10002", inward: "is duplicated by", outward: "duplicates" },
  relates: { id: "10003", inward: "relates to", outward: "relates to" },
  "problem/incident": { id: "10004", inward: "is caused by", outward: "causes" },
};

export function issueLinkBeans(base: string, store: JiraStore, issue: IssueRecord): Bean[] {
  return issue.issuelinks.flatMap((link, i) => {
    const type = LINK_TYPES[link.type.toLowerCase()] ?? { id: "10099", inward: link.type, outward: link.type };
    const side = link.outwardIssue ? "outwardIssue" : "inwardIssue";
    const other = store.find(link.outwardIssue ?? link.inwardIssue ?? "");
    // A link to an issue that was never seeded is dropped, as Jira drops links to issues you cannot see.
    if (!other) return [];
    const id = String(Number(issue.id) * 10 + i);
    return [
      {
        id,
        self: `${base}/rest/api/3/issueLink/${id}`,
        type: {
          id: type.id,
          name: link.type,
          inward: type.inward,
          outward: type.outward,
          self: `${base}/rest/api/3/issueLinkType/${type.id}`,
        },
        [side]: {
          id: other.id,
          key: other.key,
          self: `${base}/rest/api/3/issue/${other.id}`,
          fields: {
            summary: other.summary,
            status: statusBean(base, store, other.status),
            priority: PRIORITY(base),
            issuetype: issueTypeBean(base, store, other.issueType),
          },
        },
      },
    ];
  });
}
