import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import { assertJiraCallsMatchContract } from "../support/jira-contract.js";

const EMAIL = "gantry@acme.test";
const TOKEN = "jira-test-token";
const AUTH = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString("base64")}`;
const DOC = (text: string): unknown => ({
  type: "doc",
  version: 1,
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

let jira: JiraEmulator;
let base: string;

async function api(
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = AUTH,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const isJson = res.headers.get("content-type")?.startsWith("application/json");
  return { status: res.status, body: text && isJson ? JSON.parse(text) : text || undefined };
}

/** Every test ends by holding its own calls to Jira's contract. */
function contractSince(mark: number): void {
  assertJiraCallsMatchContract(jira.calls.slice(mark));
}

async function createChange(summary = "Deploy checkout-api abc1234 to production"): Promise<string> {
  const res = await api("POST", "/rest/api/3/issue", {
    fields: { project: { key: "CHG" }, issuetype: { name: "Change" }, summary, description: DOC("Why") },
  });
  expect(res.status).toBe(201);
  return (res.body as { key: string }).key;
}

beforeAll(async () => {
  jira = new JiraEmulator({ email: EMAIL, apiToken: TOKEN });
  base = await jira.start();
  jira.addProject({ key: "CHG", name: "Change Management", issueTypes: ["Change", "Task"] });
});

afterAll(async () => {
  await jira.stop();
});

describe("Jira emulator: site and auth", () => {
  it("serves serverInfo anonymously, myself with Basic auth, and 401s in Jira's plain text otherwise", async () => {
    const mark = jira.calls.length;
    expect(await api("GET", "/rest/api/3/serverInfo", undefined, null)).toMatchObject({
      status: 200,
      body: { deploymentType: "Cloud", baseUrl: base },
    });
    expect(await api("GET", "/rest/api/3/myself")).toMatchObject({
      status: 200,
      body: { emailAddress: EMAIL, active: true },
    });
    expect(await api("GET", "/rest/api/3/myself", undefined, null)).toEqual({
      status: 401,
      body: "Client must be authenticated to access this resource.",
    });
    const wrong = `Basic ${Buffer.from(`${EMAIL}:nope`).toString("base64")}`;
    expect((await api("GET", "/rest/api/3/issue/CHG-1", undefined, wrong)).status).toBe(401);
    expect(jira.calls.at(-1)?.responseHeaders["x-seraph-loginreason"]).toBe("AUTHENTICATED_FAILED");
    contractSince(mark);
  });
});

describe("Jira emulator: issues", () => {
  it("creates an issue and serves it back with Jira's beans and `fields` selection", async () => {
    const mark = jira.calls.length;
    const key = await createChange();
    const full = await api("GET", `/rest/api/3/issue/${key}`);
    expect(full.body).toMatchObject({
      key,
      fields: {
        summary: "Deploy checkout-api abc1234 to production",
        status: { name: "To Do", statusCategory: { key: "new" } },
        issuetype: { name: "Change" },
        project: { key: "CHG" },
        resolution: null,
      },
    });
    const some = await api("GET", `/rest/api/3/issue/${key.toLowerCase()}?fields=summary,status`);
    expect(Object.keys((some.body as { fields: object }).fields).sort()).toEqual(["status", "summary"]);
    expect(jira.issue(key)).toMatchObject({ descriptionText: "Why", status: "To Do" });
    contractSince(mark);
  });

  it("answers 400 with every field problem in Jira's words, and 404 for unknown issues", async () => {
    const mark = jira.calls.length;
    const bad = await api("POST", "/rest/api/3/issue", {
      fields: { project: { key: "NOPE" }, summary: "", description: "plain text", priority: { name: "High" } },
    });
    expect(bad).toEqual({
      status: 400,
      body: {
        errorMessages: [],
        errors: {
          priority: "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.",
          project: "Specify a valid project ID or key",
          issuetype: "Specify an issue type",
          summary: "You must specify a summary of the issue.",
          description: "Operation value must be an Atlassian Document (see the Atlassian Document Format)",
        },
      },
    });
    const emptyText = {
      type: "doc",
      version: 1,
      content: [{ type: "paragraph", content: [{ type: "text", text: "" }] }],
    };
    const adf = await api("POST", "/rest/api/3/issue", {
      fields: { project: { key: "CHG" }, issuetype: { name: "Change" }, summary: "x", description: emptyText },
    });
    expect(adf.body).toMatchObject({ errors: { description: expect.stringContaining("Atlassian Document") } });
    const huge = await api("POST", "/rest/api/3/issue", {
      fields: {
        project: { key: "CHG" },
        issuetype: { name: "Change" },
        summary: "x",
        description: DOC("x".repeat(40_000)),
      },
    });
    expect(huge.body).toMatchObject({
      errors: { description: "The entered text is too long. It exceeds the allowed limit of 32,767 characters." },
    });
    const missing = await api("GET", "/rest/api/3/issue/CHG-999");
    expect(missing).toEqual({
      status: 404,
      body: { errorMessages: ["Issue does not exist or you do not have permission to see it."], errors: {} },
    });
    contractSince(mark);
  });
});

describe("Jira emulator: workflow, comments and remote links", () => {
  it("lists transitions from the current status, applies one, and rejects an unknown id", async () => {
    const mark = jira.calls.length;
    const key = await createChange();
    const list = await api("GET", `/rest/api/3/issue/${key}/transitions`);
    const transitions = (list.body as { transitions: Array<{ id: string; name: string; to: { name: string } }> })
      .transitions;
    expect(transitions.map((t) => t.name)).toEqual(["In Progress", "Done", "Failed", "Rolled back"]);
    const toProgress = transitions.find((t) => t.name === "In Progress");
    expect(
      (await api("POST", `/rest/api/3/issue/${key}/transitions`, { transition: { id: toProgress?.id } })).status,
    ).toBe(204);
    const fromProgress = await api("GET", `/rest/api/3/issue/${key}/transitions`);
    expect((fromProgress.body as { transitions: Array<{ name: string }> }).transitions.map((t) => t.name)).toEqual([
      "Done",
      "Failed",
      "Rolled back",
    ]);
    expect(await api("POST", `/rest/api/3/issue/${key}/transitions`, { transition: { id: "999" } })).toEqual({
      status: 400,
      body: { errorMessages: ["Transition id '999' is not valid for this issue."], errors: {} },
    });
    expect(jira.issue(key)?.transitions).toMatchObject([{ name: "In Progress", from: "To Do", to: "In Progress" }]);
    contractSince(mark);
  });

  it("stores ADF comments with their text and rejects empty ones", async () => {
    const mark = jira.calls.length;
    const key = await createChange();
    const res = await api("POST", `/rest/api/3/issue/${key}/comment`, { body: DOC("Approved in Gantry") });
    expect(res).toMatchObject({
      status: 201,
      body: { author: { emailAddress: EMAIL }, body: DOC("Approved in Gantry") },
    });
    expect(
      (await api("POST", `/rest/api/3/issue/${key}/comment`, { body: { type: "doc", version: 1, content: [] } })).body,
    ).toEqual({
      errorMessages: [],
      errors: { comment: "Comment body can not be empty!" },
    });
    expect(jira.issue(key)?.comments.map((c) => c.text)).toEqual(["Approved in Gantry"]);
    contractSince(mark);
  });

  it("updates a remote link with the same globalId instead of adding another", async () => {
    const mark = jira.calls.length;
    const key = await createChange();
    const link = (title: string): unknown => ({
      globalId: "https://github.com/acme/run/1",
      object: { url: "https://github.com/acme/run/1", title },
    });
    const first = await api("POST", `/rest/api/3/issue/${key}/remotelink`, link("GitHub run"));
    const again = await api("POST", `/rest/api/3/issue/${key}/remotelink`, link("GitHub run (retried)"));
    expect([first.status, again.status]).toEqual([201, 200]);
    expect((again.body as { id: number }).id).toBe((first.body as { id: number }).id);
    expect((await api("GET", `/rest/api/3/issue/${key}/remotelink`)).body).toMatchObject([
      { globalId: "https://github.com/acme/run/1", object: { title: "GitHub run (retried)" } },
    ]);
    expect(
      (await api("POST", `/rest/api/3/issue/${key}/remotelink`, { object: { url: "not a url" } })).body,
    ).toMatchObject({ errors: { title: "Title is required.", url: "The URL is invalid." } });
    contractSince(mark);
  });
});

describe("Jira emulator: outages, faults and bookkeeping", () => {
  it("answers 503 while down, applies faults in order, and flags routes Jira does not have", async () => {
    const mark = jira.calls.length;
    jira.down = true;
    expect((await api("GET", "/rest/api/3/myself")).status).toBe(503);
    jira.down = false;
    jira.faults.add({ method: "GET", path: "/rest/api/3/issue/{issueIdOrKey}", status: 500, times: 2 });
    expect((await api("GET", "/rest/api/3/issue/CHG-1")).status).toBe(500);
    expect((await api("GET", "/rest/api/3/issue/CHG-1")).status).toBe(500);
    expect((await api("GET", "/rest/api/3/issue/CHG-1")).status).toBe(200);
    jira.faults.add({ path: /\/myself$/, drop: true });
    await expect(api("GET", "/rest/api/3/myself")).rejects.toThrow();
    expect((await api("GET", "/rest/api/3/project")).status).toBe(404);
    expect(jira.unexpectedCalls().map((c) => c.path)).toEqual(["/rest/api/3/project"]);
    expect(jira.calls.slice(mark).map((c) => [c.status, c.fault])).toEqual([
      [503, true],
      [500, true],
      [500, true],
      [200, false],
      [0, true],
      [404, false],
    ]);
    const seen = await jira.waitForCall((c) => c.operationId === "getIssue" && c.status === 200);
    expect(seen.pathTemplate).toBe("/rest/api/3/issue/{issueIdOrKey}");
    // The unknown route is the one call with no contract to meet; it is flagged above instead.
    assertJiraCallsMatchContract(jira.calls.slice(mark).filter((c) => !c.unexpected));
    jira.reset();
    expect(jira.calls).toEqual([]);
  });
});
