import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isGantryError } from "../../src/errors.js";
import { createJira, JiraClient } from "../../src/jira/jira-client.js";
import type { JiraPort } from "../../src/jira/port.js";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import { assertJiraCallsMatchContract } from "../support/jira-contract.js";

const EMAIL = "gantry@acme.test";
const TOKEN = "jira-test-token";

let jira: JiraEmulator;
let host: string;
let port: JiraPort;
let mark = 0;

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(isGantryError(err, "jira_error")).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected the call to fail");
}

async function openChange(): Promise<string> {
  const { key } = await port.createIssue({
    project: "CHG",
    issueType: "Change",
    summary: "Deploy checkout-api abc1234 to production",
    description: "Why",
  });
  return key;
}

beforeAll(async () => {
  jira = new JiraEmulator({ email: EMAIL, apiToken: TOKEN });
  host = await jira.start();
  jira.addProject({ key: "CHG", name: "Change Management", issueTypes: ["Change", "Task"] });
  port = createJira({ host, email: EMAIL, apiToken: TOKEN, timeoutMs: 2000, retryBaseMs: 5, retryMaxWaitMs: 20 });
});

beforeEach(() => {
  jira.faults.clear();
  jira.down = false;
  mark = jira.calls.length;
});

afterAll(async () => {
  await jira.stop();
});

/** Every call the adapter made in the test must meet Jira's contract, and none may miss a route. */
function contract(): void {
  const calls = jira.calls.slice(mark);
  expect(calls.filter((c) => c.unexpected)).toEqual([]);
  assertJiraCallsMatchContract(calls);
}

describe("JiraClient against the emulator", () => {
  it("creates the change ticket with an ADF description, labels and a browse URL", async () => {
    const description =
      "Gantry deploy #7 of checkout-api.\n\nRequested by: alice\nApprovers: bob\n\nSlack: https://acme.slack.com/archives/C1/p1.";
    const created = await port.createIssue({
      project: "CHG",
      issueType: "Change",
      summary: "Deploy checkout-api\nabc1234",
      description,
      labels: ["gantry", "break-glass"],
    });
    expect(created).toEqual({ key: expect.stringMatching(/^CHG-\d+$/), url: `${host}/browse/${created.key}` });
    const issue = jira.issue(created.key);
    expect(issue).toMatchObject({
      summary: "Deploy checkout-api abc1234",
      labels: ["gantry", "break-glass"],
      descriptionText: description,
    });
    const content = (issue?.description as { content: Array<{ content: Array<{ type: string; marks?: unknown }> }> })
      .content;
    expect(content).toHaveLength(3);
    expect(content[1]?.content.map((n) => n.type)).toEqual(["text", "hardBreak", "text"]);
    expect(content[2]?.content[1]).toEqual({
      type: "text",
      text: "https://acme.slack.com/archives/C1/p1",
      marks: [{ type: "link", attrs: { href: "https://acme.slack.com/archives/C1/p1" } }],
    });
    contract();
  });

  it("cuts a huge description to fit Jira's size limit instead of failing the ticket", async () => {
    const commits = Array.from(
      { length: 600 },
      (_, i) => `- ${String(i).padStart(7, "0")} A commit message that is long enough to matter (alice)`,
    ).join("\n");
    const { key } = await port.createIssue({
      project: "CHG",
      issueType: "Change",
      summary: "Big release",
      description: `Commits (600):\n${commits}`,
    });
    const text = jira.issue(key)?.descriptionText ?? "";
    expect(text.length).toBeLessThanOrEqual(32_767);
    expect(text.endsWith("… (cut to fit Jira's size limit)")).toBe(true);
    contract();
  });

  it("transitions by transition name or target status, case-insensitively, and tolerates a repeat", async () => {
    const key = await openChange();
    await port.transition(key, "in progress");
    await port.transition(key, "DONE");
    await port.transition(key, "Done");
    expect(jira.issue(key)?.transitions.map((t) => t.to)).toEqual(["In Progress", "Done"]);
    expect(jira.issue(key)).toMatchObject({ status: "Done", resolution: "Done" });
    contract();
  });

  it("names the available transitions when none matches", async () => {
    const key = await openChange();
    const message = await failure(port.transition(key, "Ship it"));
    expect(message).toBe(
      `Jira issue ${key} has no transition named "Ship it"; available: "In Progress", "Done", "Failed", "Rolled back"`,
    );
    contract();
  });

  it("comments in ADF and links URLs idempotently", async () => {
    const key = await openChange();
    await port.comment(key, "Gantry deploy #7 succeeded.\nSee https://github.com/acme/checkout-api/actions/runs/42");
    const run = "https://github.com/acme/checkout-api/actions/runs/42";
    await port.remoteLink(key, run, "GitHub: workflow run");
    await port.remoteLink(key, run, "GitHub: workflow run");
    const issue = jira.issue(key);
    expect(issue?.comments.map((c) => c.text)).toEqual([`Gantry deploy #7 succeeded.\nSee ${run}`]);
    expect(issue?.remoteLinks).toMatchObject([{ globalId: run, url: run, title: "GitHub: workflow run" }]);
    contract();
  });

  it("searches with JQL page by page through nextPageToken", async () => {
    for (let i = 1; i <= 105; i++)
      jira.addIssue({
        project: "OPS",
        issueType: "Incident",
        summary: `Incident ${i}`,
        created: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      });
    const jql = "project = OPS AND issuetype = Incident ORDER BY created ASC";
    const first = await port.search(jql, ["labels"]);
    expect(first.issues).toHaveLength(100);
    expect(first.issues[0]).toMatchObject({
      key: "OPS-1",
      summary: "Incident 1",
      status: "To Do",
      created: "2026-01-01T00:01:00.000Z",
      resolutiondate: null,
      fields: { labels: [] },
    });
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await port.search(jql, ["labels"], first.nextPageToken);
    expect(second.issues.map((i) => i.key)).toEqual(["OPS-101", "OPS-102", "OPS-103", "OPS-104", "OPS-105"]);
    expect(second.nextPageToken).toBeNull();
    expect(await failure(port.search("project = OPS AND sprint = 1", []))).toBe(
      "Jira answered 400 when searching Jira with `project = OPS AND sprint = 1`: Field 'sprint' does not exist or you do not have permission to view it.",
    );
    contract();
  });
});

describe("JiraClient failures carry Jira's words", () => {
  it("reports 400 field errors, 404 and 401", async () => {
    expect(
      await failure(port.createIssue({ project: "NOPE", issueType: "Change", summary: "x", description: "" })),
    ).toBe("Jira answered 400 when creating the change ticket: project: Specify a valid project ID or key");
    expect(await failure(port.comment("CHG-999", "hello"))).toBe(
      "Jira answered 404 when commenting on CHG-999: Issue does not exist or you do not have permission to see it.",
    );
    const stranger = createJira({ host, email: EMAIL, apiToken: "wrong" });
    expect(await failure(stranger.comment("CHG-1", "hello"))).toBe(
      "Jira answered 401 when commenting on CHG-1: Client must be authenticated to access this resource.",
    );
    contract();
  });

  it("reports an outage, a dropped connection and a timeout", async () => {
    jira.down = true;
    expect(await failure(openChange())).toBe("Jira answered 503 when creating the change ticket: Service Unavailable");
    jira.down = false;
    jira.faults.add({ path: "/rest/api/3/issue", drop: true });
    expect(await failure(openChange())).toMatch(
      /^Jira could not be reached when creating the change ticket: other side closed/,
    );
    const impatient = new JiraClient({ host, email: EMAIL, apiToken: TOKEN, timeoutMs: 50 });
    jira.faults.add({ path: "/rest/api/3/issue/{issueIdOrKey}/comment", delayMs: 5000 });
    expect(await failure(impatient.comment("CHG-1", "late"))).toBe(
      "Jira could not be reached when commenting on CHG-1: timeout of 50ms exceeded",
    );
    await jira.waitForCall((c) => c.operationId === "addComment" && c.status === 0);
    expect(jira.issue("CHG-1")?.comments ?? []).toEqual([]);
    contract();
  });

  it("waits out a 429's Retry-After (capped) and succeeds, but gives up after two retries", async () => {
    jira.faults.add({
      path: "/rest/api/3/issue",
      status: 429,
      headers: { "retry-after": "1" },
      body: { errorMessages: ["Rate limit exceeded."], errors: {} },
      times: 2,
    });
    const started = performance.now();
    const key = await openChange();
    // Two waits of Retry-After (1 s) capped at retryMaxWaitMs (20 ms): waited, but less than the two full seconds
    // that honouring Retry-After uncapped would take (the bound tells the two apart, however busy the machine).
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    expect(performance.now() - started).toBeLessThan(1_900);
    expect(key).toMatch(/^CHG-\d+$/);
    expect(jira.calls.slice(mark).map((c) => c.status)).toEqual([429, 429, 201]);
    jira.faults.add({
      path: "/rest/api/3/issue/{issueIdOrKey}/comment",
      status: 429,
      body: { errorMessages: ["Rate limit exceeded."], errors: {} },
      times: 3,
    });
    expect(await failure(port.comment(key, "hello"))).toBe(
      `Jira answered 429 when commenting on ${key}: Rate limit exceeded.`,
    );
    expect(jira.faults.pending()).toEqual([]);
    contract();
  });
});
