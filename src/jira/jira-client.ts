/** JiraPort over jira.js 6 (Jira Cloud REST v3, Basic auth with an API token), sent through Gantry's own transport. */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createCloudClient } from "jira.js";
import { z } from "zod";
import { GantryError } from "../errors.js";
import { textToAdf } from "./adf.js";
import { JIRA_SUCCESS_STATUS, jiraError, jiraStatus, rateLimited } from "./jira-errors.js";
import { createJiraTransport } from "./jira-transport.js";
import type { GantryMetrics } from "../metrics/registry.js";
import type { ChangeIssueInput, CreatedIssue, JiraIssueSummary, JiraPort, SearchPage } from "./port.js";

export interface JiraClientOptions {
  /** Site URL, e.g. https://acme.atlassian.net */
  host: string;
  email: string;
  apiToken: string;
  /** Per request; a hung Jira must not hold a deploy forever. Default 10 s. */
  timeoutMs?: number;
  /** Wait before retrying a 429 that carries no Retry-After, doubled per retry. Default 1 s. */
  retryBaseMs?: number;
  /** Upper bound on any wait before a retry, whatever Retry-After says. Default 10 s. */
  retryMaxWaitMs?: number;
  /** Counts every request (each retry too) in `gantry_external_requests_total{vendor="jira"}`. */
  metrics?: GantryMetrics;
}

/** A 429 is retried at most this many times; anything else fails at once. */
const MAX_RETRIES = 2;
const PAGE_SIZE = 100;
/** Jira caps a remote link's globalId at 255 characters. */
const MAX_GLOBAL_ID = 255;
/** The fields a JiraIssueSummary is made of; always requested on top of the caller's. */
const SUMMARY_FIELDS = ["summary", "status", "created", "resolutiondate"];

/** The parts of Jira's answers that Gantry relies on, checked where they enter. */
const Created = z.object({ id: z.string(), key: z.string().min(1) });
const Named = z.object({ name: z.string() });
const Transitions = z.object({
  transitions: z.array(z.object({ id: z.string(), name: z.string(), to: Named.optional() })).default([]),
});
const IssueStatus = z.object({ fields: z.object({ status: Named }) });
const SearchResult = z.object({
  issues: z.array(z.object({ key: z.string(), fields: z.record(z.string(), z.unknown()).default({}) })).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});
const SummaryFields = z.object({
  summary: z.string(),
  status: Named,
  created: z.string(),
  resolutiondate: z.string().nullish(),
});

export function createJira(opts: JiraClientOptions): JiraPort {
  return new JiraClient(opts);
}

export class JiraClient implements JiraPort {
  private readonly client: ReturnType<typeof createCloudClient>;
  private readonly host: string;
  private readonly retryBaseMs: number;
  private readonly retryMaxWaitMs: number;
  private readonly metrics: GantryMetrics | undefined;

  constructor(opts: JiraClientOptions) {
    this.metrics = opts.metrics;
    this.host = opts.host.replace(/\/+$/, "");
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.retryMaxWaitMs = opts.retryMaxWaitMs ?? 10_000;
    this.client = createCloudClient(
      createJiraTransport({
        host: this.host,
        email: opts.email,
        apiToken: opts.apiToken,
        timeoutMs: opts.timeoutMs ?? 10_000,
      }),
    );
  }

  async createIssue(input: ChangeIssueInput): Promise<CreatedIssue> {
    const action = "creating the change ticket";
    const description = textToAdf(input.description);
    const data = await this.call(action, () =>
      this.client.issues.createIssue({
        fields: {
          project: { key: input.project },
          issuetype: { name: input.issueType },
          // Jira refuses summaries with newlines or over 255 characters; a cosmetic flaw must not block a deploy.
          summary: input.summary.replace(/\s+/g, " ").trim().slice(0, 255),
          ...(description.content.length > 0 ? { description } : {}),
          ...(input.labels?.length ? { labels: input.labels } : {}),
        },
      }),
    );
    const { key } = parse(Created, data, action);
    return { key, url: `${this.host}/browse/${key}` };
  }

  async transition(key: string, name: string): Promise<void> {
    const reading = `reading the transitions of ${key}`;
    const { transitions } = parse(
      Transitions,
      await this.call(reading, () => this.client.issues.getTransitions({ issueIdOrKey: key })),
      reading,
    );
    const wanted = name.trim().toLowerCase();
    const match =
      transitions.find((t) => t.name.toLowerCase() === wanted) ??
      transitions.find((t) => t.to?.name.toLowerCase() === wanted);
    if (!match) {
      // A retried step finds the issue already moved; that is success, not a missing transition.
      if ((await this.statusOf(key)).toLowerCase() === wanted) return;
      const available = transitions.map((t) =>
        t.to && t.to.name !== t.name ? `"${t.name}" (to ${t.to.name})` : `"${t.name}"`,
      );
      throw new GantryError(
        "jira_error",
        `Jira issue ${key} has no transition named "${name}"; available: ${available.join(", ") || "none from its current status"}`,
        { key, available: transitions.map((t) => t.name) },
      );
    }
    await this.call(`moving ${key} to "${name}"`, () =>
      this.client.issues.doTransition({ issueIdOrKey: key, transition: { id: match.id } }),
    );
  }

  async comment(key: string, text: string): Promise<void> {
    await this.call(`commenting on ${key}`, () =>
      this.client.issueComments.addComment({ issueIdOrKey: key, body: textToAdf(text) }),
    );
  }

  async remoteLink(key: string, url: string, title: string): Promise<void> {
    // The URL is the globalId, so linking the same run or message twice updates the link instead of duplicating it.
    const globalId =
      url.length <= MAX_GLOBAL_ID ? url : `gantry:sha256:${createHash("sha256").update(url).digest("hex")}`;
    await this.call(`linking ${url} from ${key}`, () =>
      this.client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
        issueIdOrKey: key,
        globalId,
        application: { name: "Gantry" },
        object: { url, title },
      }),
    );
  }

  async search(jql: string, fields: string[], nextPageToken?: string | null): Promise<SearchPage> {
    const action = `searching Jira with \`${jql}\``;
    const data = await this.call(action, () =>
      this.client.issueSearch.searchAndReconsileIssuesUsingJqlPost({
        jql,
        fields: [...new Set([...SUMMARY_FIELDS, ...fields])],
        maxResults: PAGE_SIZE,
        ...(nextPageToken ? { nextPageToken } : {}),
      }),
    );
    const page = parse(SearchResult, data, action);
    const issues = page.issues.map((issue): JiraIssueSummary => {
      const f = parse(SummaryFields, issue.fields, `${action} (issue ${issue.key})`);
      return {
        key: issue.key,
        summary: f.summary,
        status: f.status.name,
        created: toIso(f.created),
        resolutiondate: f.resolutiondate ? toIso(f.resolutiondate) : null,
        fields: issue.fields,
      };
    });
    return { issues, nextPageToken: page.isLast !== true && page.nextPageToken ? page.nextPageToken : null };
  }

  private async statusOf(key: string): Promise<string> {
    const action = `reading the status of ${key}`;
    const data = await this.call(action, () => this.client.issues.getIssue({ issueIdOrKey: key, fields: ["status"] }));
    return parse(IssueStatus, data, action).fields.status.name;
  }

  /** Runs one request; a 429 is retried after Retry-After (capped), and every failure becomes a GantryError. */
  private async call<T>(action: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await request();
        this.metrics?.externalCall("jira", JIRA_SUCCESS_STATUS, false);
        return result;
      } catch (err) {
        this.metrics?.externalCall("jira", jiraStatus(err), true);
        const limited = rateLimited(err);
        if (!limited || attempt >= MAX_RETRIES) throw jiraError(err, action);
        const wait = limited.retryAfterMs ?? this.retryBaseMs * 2 ** attempt;
        await sleep(Math.min(wait, this.retryMaxWaitMs));
      }
    }
  }
}

function parse<T>(schema: z.ZodType<T>, data: unknown, action: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "the body";
  throw new GantryError(
    "jira_error",
    `Jira's answer when ${action} was not what Gantry expected: ${where}: ${issue?.message ?? "invalid"}`,
  );
}

/** Jira writes 2026-01-05T10:00:00.000+0000; hand on ISO 8601 in UTC, which every consumer parses alike. */
function toIso(jiraTime: string): string {
  const ms = Date.parse(jiraTime);
  return Number.isNaN(ms) ? jiraTime : new Date(ms).toISOString();
}
