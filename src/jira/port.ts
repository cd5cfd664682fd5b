/** What Gantry needs from Jira, and nothing more. Implemented over jira.js in `jira-client.ts`. */
export interface CreatedIssue {
  key: string;
  /** Browser URL of the issue, e.g. https://acme.atlassian.net/browse/CHG-12 */
  url: string;
}

export interface ChangeIssueInput {
  project: string;
  issueType: string;
  summary: string;
  /** Plain text with line breaks; the adapter turns it into Atlassian Document Format. */
  description: string;
  labels?: string[];
}

export interface JiraIssueSummary {
  key: string;
  summary: string;
  status: string;
  created: string;
  resolutiondate: string | null;
  fields: Record<string, unknown>;
}

export interface SearchPage {
  issues: JiraIssueSummary[];
  nextPageToken: string | null;
}

export interface JiraPort {
  createIssue(input: ChangeIssueInput): Promise<CreatedIssue>;
  /** Moves the issue through the transition whose name or target status matches `name` (case-insensitive). */
  transition(key: string, name: string): Promise<void>;
  comment(key: string, text: string): Promise<void>;
  /** Adds a web link (Slack message, GitHub run) to the issue; idempotent per URL. */
  remoteLink(key: string, url: string, title: string): Promise<void>;
  /** One page of an enhanced JQL search (`/rest/api/3/search/jql`). */
  search(jql: string, fields: string[], nextPageToken?: string | null): Promise<SearchPage>;
}
