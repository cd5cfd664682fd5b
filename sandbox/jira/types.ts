/** Shapes shared by the Jira emulator's modules and by tests that inspect it. */

/** One shape for both emulators' recorded calls, so tests and the contract checks read them alike. */
export type { RecordedCall } from "../http/recorder.js";

/** Jira's three fixed status categories; every status belongs to one. */
export type StatusCategoryKey = "new" | "indeterminate" | "done";

export interface WorkflowStatus {
  name: string;
  category: StatusCategoryKey;
}

export interface WorkflowTransition {
  name: string;
  /** Target status name. */
  to: string;
  /** Statuses it is offered from; omitted means every status outside the done category (a global transition). */
  from?: string[];
}

export interface Workflow {
  statuses: WorkflowStatus[];
  /** Status of newly created issues. */
  initial: string;
  transitions: WorkflowTransition[];
}

export interface AddProjectOptions {
  key: string;
  name?: string;
  issueTypes?: string[];
  workflow?: Workflow;
}

/** A link to another issue, named by link type as Jira's UI shows them (Blocks, Relates, Problem/Incident...). */
export interface IssueLinkSeed {
  type: string;
  /** This issue is the outward side: "CHG-1 causes OPS-1" is `{ type: "Problem/Incident", outwardIssue: "OPS-1" }` on CHG-1. */
  outwardIssue?: string;
  inwardIssue?: string;
}

export interface AddIssueOptions {
  key?: string;
  project: string;
  issueType: string;
  summary: string;
  /** Defaults to the workflow's initial status. */
  status?: string;
  /** Plain text (stored as ADF) or an ADF document. */
  description?: string | Record<string, unknown>;
  /** ISO 8601; defaults to the emulator clock. */
  created?: string;
  updated?: string;
  /** Defaults to `created` when the status is in the done category, else null. */
  resolutiondate?: string | null;
  components?: string[];
  labels?: string[];
  /** Keyed by field id, e.g. customfield_10042; returned as-is in `fields`. */
  customFields?: Record<string, unknown>;
  issuelinks?: IssueLinkSeed[];
}

export interface CommentRecord {
  id: string;
  /** Atlassian Document Format, as sent. */
  body: Record<string, unknown>;
  /** The body flattened to plain text, for assertions. */
  text: string;
  authorAccountId: string;
  created: string;
}

export interface RemoteLinkRecord {
  id: number;
  globalId?: string;
  url: string;
  title: string;
  summary?: string;
  relationship?: string;
  application?: { type?: string; name?: string };
  created: string;
  updated: string;
}

export interface TransitionRecord {
  id: string;
  name: string;
  from: string;
  to: string;
  at: string;
}

export interface IssueRecord {
  id: string;
  key: string;
  project: string;
  issueType: string;
  summary: string;
  status: string;
  description: Record<string, unknown> | null;
  /** The description flattened to plain text. */
  descriptionText: string;
  labels: string[];
  components: string[];
  /** ISO 8601 (UTC). */
  created: string;
  updated: string;
  statusCategoryChanged: string;
  resolutiondate: string | null;
  resolution: string | null;
  customFields: Record<string, unknown>;
  issuelinks: IssueLinkSeed[];
  comments: CommentRecord[];
  remoteLinks: RemoteLinkRecord[];
  /** Transitions applied through the API, oldest first. */
  transitions: TransitionRecord[];
}
