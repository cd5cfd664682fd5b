import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJira } from "../../src/jira/jira-client.js";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import { assertJiraCallsMatchContract } from "../support/jira-contract.js";

/** A fixed clock, so relative JQL dates (-90d) select the same seeded incidents every run. */
const NOW = new Date("2026-03-01T12:00:00Z");

let jira: JiraEmulator;
let base: string;

interface SearchBody {
  issues: Array<{ id: string; key?: string; fields?: Record<string, unknown> }>;
  nextPageToken?: string;
  isLast: boolean;
}

async function search(
  jql: string,
  extra: Record<string, unknown> = {},
): Promise<{ status: number; body: SearchBody & { errorMessages?: string[] } }> {
  const res = await fetch(`${base}/rest/api/3/search/jql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jql, fields: ["key"], maxResults: 50, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as SearchBody };
}

async function keys(jql: string): Promise<string[]> {
  const res = await search(jql);
  if (res.status !== 200) throw new Error(`${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.issues.map((i) => i.key ?? "?");
}

async function jqlError(jql: string): Promise<string | undefined> {
  const res = await search(jql);
  expect(res.status).toBe(400);
  return res.body.errorMessages?.[0];
}

beforeAll(async () => {
  jira = new JiraEmulator({ now: () => NOW });
  base = await jira.start();
  jira.addProject({ key: "CHG" });
  jira.addIssue({
    project: "CHG",
    issueType: "Change",
    summary: "Deploy checkout-api 1a2b3c4",
    created: "2026-01-14T09:00:00Z",
    status: "Done",
  });
  jira.addIssue({
    project: "OPS",
    issueType: "Incident",
    summary: "Checkout returns 500",
    created: "2025-11-01T08:00:00Z",
    status: "Done",
    labels: ["sev1"],
    components: ["checkout"],
  });
  jira.addIssue({
    project: "OPS",
    issueType: "Incident",
    summary: "Checkout latency after deploy",
    created: "2026-01-15T10:00:00Z",
    status: "Done",
    resolutiondate: "2026-01-15T14:30:00Z",
    components: ["checkout"],
    customFields: { customfield_10042: { value: "High" } },
    issuelinks: [{ type: "Problem/Incident", inwardIssue: "CHG-1" }],
  });
  jira.addIssue({
    project: "OPS",
    issueType: "Incident",
    summary: "Search slow",
    created: "2026-02-20T10:00:00Z",
    status: "In Progress",
    labels: ["sev2"],
  });
  jira.addIssue({
    project: "OPS",
    issueType: "Task",
    summary: "Write the postmortem",
    created: "2026-02-21T10:00:00Z",
  });
});

afterAll(async () => {
  assertJiraCallsMatchContract(jira.calls);
  await jira.stop();
});

describe("Jira emulator: JQL subset", () => {
  it("filters by project, type, dates (absolute and relative) and keys, and orders", async () => {
    expect(await keys("project = OPS AND issuetype = Incident ORDER BY created ASC")).toEqual([
      "OPS-1",
      "OPS-2",
      "OPS-3",
    ]);
    expect(await keys("project = OPS AND created >= -90d ORDER BY created ASC")).toEqual(["OPS-2", "OPS-3", "OPS-4"]);
    expect(await keys('project = OPS AND updated >= "2026-01-01" AND updated < "2026-02-01"')).toEqual(["OPS-2"]);
    expect(await keys("key in (OPS-1, chg-1) ORDER BY key DESC")).toEqual(["OPS-1", "CHG-1"]);
    expect(await keys("project = OPS AND resolved >= startOfDay(-60d) ORDER BY resolved DESC")).toEqual(["OPS-2"]);
  });

  it("follows Jira's value rules: != skips empty values, Unresolved, categories, custom fields, text", async () => {
    expect(await keys("project = OPS AND labels != sev1")).toEqual(["OPS-3"]);
    expect(await keys("project = OPS AND resolution = Unresolved ORDER BY key ASC")).toEqual(["OPS-3", "OPS-4"]);
    expect(await keys("statusCategory = Done AND type = Incident ORDER BY key")).toEqual(["OPS-1", "OPS-2"]);
    expect(await keys("cf[10042] = High")).toEqual(["OPS-2"]);
    expect(await keys('summary ~ "checkout" AND NOT project = CHG ORDER BY key')).toEqual(["OPS-1", "OPS-2"]);
    expect(await keys("project = OPS AND (labels = sev1 OR component = checkout) ORDER BY key")).toEqual([
      "OPS-1",
      "OPS-2",
    ]);
    expect(await keys("project = OPS AND labels is EMPTY ORDER BY key")).toEqual(["OPS-2", "OPS-4"]);
  });

  it("answers unsupported or wrong JQL with Jira's 400s", async () => {
    expect(await jqlError("project = NOPE")).toBe("The value 'NOPE' does not exist for the field 'project'.");
    expect(await jqlError("assignee = currentUser()")).toBe(
      "Field 'assignee' does not exist or you do not have permission to view it.",
    );
    expect(await jqlError("project = OPS AND created >= startOfWeek()")).toBe(
      "Unable to find JQL function 'startOfWeek()'.",
    );
    expect(await jqlError('created >= "last tuesday"')).toMatch(
      /^Date value 'last tuesday' for field 'created' is invalid\./,
    );
    expect(await jqlError("project ~ OPS")).toBe("The operator '~' is not supported by the 'project' field.");
    expect(await jqlError("key = OPS-99")).toBe("An issue with key 'OPS-99' does not exist for field 'key'.");
    expect(await jqlError("project = OPS AND")).toBe(
      "Error in the JQL Query: Expecting a field name but got 'EOF'. (line 1, character 18)",
    );
    expect(await jqlError("project = OPS ORDER BY rank")).toBe(
      "Field 'rank' does not exist or you do not have permission to view it.",
    );
    expect(await jqlError("ORDER BY created DESC")).toBe(
      "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
    );
  });

  it("pages with nextPageToken, returns ids only by default, and rejects a foreign token", async () => {
    const first = await fetch(
      `${base}/rest/api/3/search/jql?jql=${encodeURIComponent("project = OPS ORDER BY key")}&maxResults=3`,
    );
    const page1 = (await first.json()) as SearchBody;
    expect(page1.issues).toEqual([{ id: expect.any(String) }, { id: expect.any(String) }, { id: expect.any(String) }]);
    expect(page1).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
    const second = await fetch(
      `${base}/rest/api/3/search/jql?jql=${encodeURIComponent("project = OPS ORDER BY key")}&maxResults=3&nextPageToken=${page1.nextPageToken}`,
    );
    expect(await second.json()).toEqual({ issues: [{ id: expect.any(String) }], isLast: true });
    const foreign = await search("project = CHG", { nextPageToken: page1.nextPageToken });
    expect(foreign).toMatchObject({
      status: 400,
      body: { errorMessages: ["The provided next page token is invalid or expired."] },
    });
  });

  it("renders seeded links, custom fields and resolution for reports", async () => {
    const res = await search("key = OPS-2", { fields: ["*all"] });
    const fields = res.body.issues[0]?.fields;
    expect(fields).toMatchObject({
      customfield_10042: { value: "High" },
      resolutiondate: "2026-01-15T14:30:00.000+0000",
      resolution: { name: "Done" },
      components: [{ name: "checkout" }],
      issuelinks: [
        {
          type: { name: "Problem/Incident", inward: "is caused by" },
          inwardIssue: { key: "CHG-1", fields: { summary: "Deploy checkout-api 1a2b3c4" } },
        },
      ],
    });
    const port = createJira({ host: base, email: "x@acme.test", apiToken: "t" });
    const page = await port.search(
      "project = OPS AND issuetype = Incident AND resolution = Done ORDER BY created ASC",
      ["components"],
    );
    expect(page.issues.map((i) => [i.key, i.status, i.created, i.resolutiondate])).toEqual([
      ["OPS-1", "Done", "2025-11-01T08:00:00.000Z", "2025-11-01T08:00:00.000Z"],
      ["OPS-2", "Done", "2026-01-15T10:00:00.000Z", "2026-01-15T14:30:00.000Z"],
    ]);
  });
});

describe("Jira emulator: custom workflows", () => {
  it("offers only the transitions the workflow allows from the current status", async () => {
    jira.addProject({
      key: "REL",
      issueTypes: ["Release"],
      workflow: {
        initial: "Open",
        statuses: [
          { name: "Open", category: "new" },
          { name: "Approved", category: "indeterminate" },
          { name: "Released", category: "done" },
        ],
        transitions: [
          { name: "Approve", to: "Approved" },
          { name: "Ship", to: "Released", from: ["Approved"] },
          { name: "Reopen", to: "Open", from: ["Released"] },
        ],
      },
    });
    const port = createJira({ host: base, email: "x@acme.test", apiToken: "t" });
    const { key } = await port.createIssue({
      project: "REL",
      issueType: "Release",
      summary: "Release 1.2",
      description: "",
    });
    await expect(port.transition(key, "Released")).rejects.toThrow(
      `Jira issue ${key} has no transition named "Released"; available: "Approve" (to Approved)`,
    );
    await port.transition(key, "approved");
    await port.transition(key, "Released");
    await port.transition(key, "Reopen");
    expect(jira.issue(key)?.transitions.map((t) => `${t.from}->${t.to}`)).toEqual([
      "Open->Approved",
      "Approved->Released",
      "Released->Open",
    ]);
    expect(jira.issue(key)).toMatchObject({ status: "Open", resolution: null, resolutiondate: null });
  });
});
