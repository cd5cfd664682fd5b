/** The emulated site's state: projects with their workflows, issues, and the ids Jira would hand out. */
import { adfToText, plainTextDoc } from "./adf.js";
import { issueNotFound } from "./http.js";
import type { AddIssueOptions, AddProjectOptions, IssueRecord, StatusCategoryKey, Workflow } from "./types.js";
import { checkWorkflow, defaultWorkflow, findStatus } from "./workflow.js";

export interface ProjectState {
  id: string;
  key: string;
  name: string;
  issueTypes: string[];
  workflow: Workflow;
  nextNumber: number;
}

export interface JiraUser {
  accountId: string;
  emailAddress: string;
  displayName: string;
  timeZone: string;
}

export interface NewIssue {
  project: ProjectState;
  issueType: string;
  summary: string;
  description: Record<string, unknown> | null;
  labels: string[];
}

const DEFAULT_ISSUE_TYPES = ["Task", "Change", "Incident"];

export class JiraStore {
  readonly projects = new Map<string, ProjectState>();
  /** Creation order. */
  readonly issues: IssueRecord[] = [];
  private readonly statuses = new Map<string, { id: string; name: string; category: StatusCategoryKey }>();
  private readonly issueTypeIds = new Map<string, string>();
  private readonly componentIds = new Map<string, string>();
  private seq = {
    project: 10000,
    issue: 10000,
    issueType: 10001,
    status: 10000,
    component: 10000,
    comment: 10000,
    remoteLink: 10000,
  };

  constructor(
    private readonly clock: () => Date,
    readonly user: JiraUser,
  ) {}

  nowIso(): string {
    return this.clock().toISOString();
  }

  addProject(opts: AddProjectOptions): ProjectState {
    const key = opts.key.toUpperCase();
    if (!/^[A-Z][A-Z0-9_]{1,9}$/.test(key)) throw new Error(`"${opts.key}" is not a valid Jira project key`);
    if (this.projects.has(key)) throw new Error(`project ${key} already exists`);
    const workflow = structuredClone(opts.workflow ?? defaultWorkflow());
    checkWorkflow(workflow, key);
    for (const s of workflow.statuses) {
      const known = this.statuses.get(s.name.toLowerCase());
      // Statuses are global in Jira, so one name cannot sit in two categories.
      if (known && known.category !== s.category)
        throw new Error(`status "${s.name}" is already in category ${known.category}`);
      if (!known)
        this.statuses.set(s.name.toLowerCase(), { id: String(this.seq.status++), name: s.name, category: s.category });
    }
    const issueTypes = opts.issueTypes ?? DEFAULT_ISSUE_TYPES;
    issueTypes.forEach((t) => this.issueTypeId(t));
    const project: ProjectState = {
      id: String(this.seq.project++),
      key,
      name: opts.name ?? key,
      issueTypes: [...issueTypes],
      workflow,
      nextNumber: 1,
    };
    this.projects.set(key, project);
    return project;
  }

  project(keyOrId: string): ProjectState | undefined {
    return this.projects.get(keyOrId.toUpperCase()) ?? [...this.projects.values()].find((p) => p.id === keyOrId);
  }

  /** Seeds an issue as if it had lived in Jira for a while; creates the project if it does not exist yet. */
  addIssue(opts: AddIssueOptions): IssueRecord {
    const project =
      this.project(opts.project) ??
      this.addProject({ key: opts.project, issueTypes: [...new Set([...DEFAULT_ISSUE_TYPES, opts.issueType])] });
    const issueType = project.issueTypes.find((t) => t.toLowerCase() === opts.issueType.toLowerCase());
    if (!issueType)
      throw new Error(
        `project ${project.key} has no issue type "${opts.issueType}" (has ${project.issueTypes.join(", ")})`,
      );
    const status = findStatus(project.workflow, opts.status ?? project.workflow.initial);
    if (!status) throw new Error(`project ${project.key} has no status "${opts.status}"`);
    for (const id of Object.keys(opts.customFields ?? {})) {
      if (!/^customfield_\d+$/.test(id)) throw new Error(`custom field ids look like customfield_10042, got "${id}"`);
    }
    const created = iso(opts.created) ?? this.nowIso();
    const resolutiondate =
      opts.resolutiondate === undefined
        ? status.category === "done"
          ? created
          : null
        : (iso(opts.resolutiondate) ?? null);
    const description =
      typeof opts.description === "string" ? plainTextDoc(opts.description) : (opts.description ?? null);
    const issue = this.insert(project, opts.key, {
      issueType,
      summary: opts.summary,
      status: status.name,
      description,
      descriptionText: adfToText(description),
      labels: [...(opts.labels ?? [])],
      components: [...(opts.components ?? [])],
      created,
      updated: iso(opts.updated) ?? resolutiondate ?? created,
      statusCategoryChanged: resolutiondate ?? created,
      resolutiondate,
      // A done status without a resolution date is a real Jira misconfiguration that DORA queries must survive.
      resolution: resolutiondate === null ? null : "Done",
      customFields: structuredClone(opts.customFields ?? {}),
      issuelinks: structuredClone(opts.issuelinks ?? []),
    });
    (opts.components ?? []).forEach((c) => this.componentId(project.key, c));
    return issue;
  }

  /** An issue created through the API: initial status, now as every timestamp. */
  create(input: NewIssue): IssueRecord {
    const now = this.nowIso();
    return this.insert(input.project, undefined, {
      issueType: input.issueType,
      summary: input.summary,
      status: input.project.workflow.initial,
      description: input.description,
      descriptionText: adfToText(input.description),
      labels: input.labels,
      components: [],
      created: now,
      updated: now,
      statusCategoryChanged: now,
      resolutiondate: null,
      resolution: null,
      customFields: {},
      issuelinks: [],
    });
  }

  find(idOrKey: string): IssueRecord | undefined {
    const upper = idOrKey.toUpperCase();
    return this.issues.find((i) => i.key === upper || i.id === idOrKey);
  }

  /** The issue, or Jira's 404 for the request being handled. */
  get(idOrKey: string): IssueRecord {
    const issue = this.find(idOrKey);
    if (!issue) throw issueNotFound();
    return issue;
  }

  projectOf(issue: IssueRecord): ProjectState {
    const project = this.projects.get(issue.project);
    if (!project) throw new Error(`issue ${issue.key} belongs to unknown project ${issue.project}`);
    return project;
  }

  status(name: string): { id: string; name: string; category: StatusCategoryKey } | undefined {
    return this.statuses.get(name.toLowerCase());
  }

  allStatuses(): Array<{ id: string; name: string; category: StatusCategoryKey }> {
    return [...this.statuses.values()];
  }

  issueTypeId(name: string): string {
    const key = name.toLowerCase();
    let id = this.issueTypeIds.get(key);
    if (!id) this.issueTypeIds.set(key, (id = String(this.seq.issueType++)));
    return id;
  }

  componentId(project: string, name: string): string {
    const key = `${project}/${name.toLowerCase()}`;
    let id = this.componentIds.get(key);
    if (!id) this.componentIds.set(key, (id = String(this.seq.component++)));
    return id;
  }

  componentExists(name: string): boolean {
    const suffix = `/${name.toLowerCase()}`;
    return [...this.componentIds.keys()].some((k) => k.endsWith(suffix));
  }

  issueTypeNames(): string[] {
    return [...new Set([...this.projects.values()].flatMap((p) => p.issueTypes))];
  }

  nextCommentId(): string {
    return String(this.seq.comment++);
  }

  nextRemoteLinkId(): number {
    return this.seq.remoteLink++;
  }

  private insert(
    project: ProjectState,
    key: string | undefined,
    rest: Omit<IssueRecord, "id" | "key" | "project" | "comments" | "remoteLinks" | "transitions">,
  ): IssueRecord {
    const finalKey = key?.toUpperCase() ?? `${project.key}-${project.nextNumber}`;
    const match = /^([A-Z][A-Z0-9_]*)-(\d+)$/.exec(finalKey);
    if (!match || match[1] !== project.key)
      throw new Error(`issue key "${finalKey}" does not belong to project ${project.key}`);
    if (this.find(finalKey)) throw new Error(`issue ${finalKey} already exists`);
    project.nextNumber = Math.max(project.nextNumber, Number(match[2]) + 1);
    const issue: IssueRecord = {
      id: String(this.seq.issue++),
      key: finalKey,
      project: project.key,
      ...rest,
      comments: [],
      remoteLinks: [],
      transitions: [],
    };
    this.issues.push(issue);
    return issue;
  }
}

function iso(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`"${value}" is not an ISO 8601 date`);
  return new Date(ms).toISOString();
}
