import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JiraEmulator } from "../../sandbox/jira/emulator.js";
import type { RecordedCall } from "../../sandbox/jira/types.js";
import { assertJiraCallsMatchContract, validateJiraCall, type CheckableJiraCall } from "../support/jira-contract.js";

let jira: JiraEmulator;
let base: string;

async function call(method: string, path: string, body?: unknown): Promise<RecordedCall> {
  await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const recorded = jira.calls.at(-1);
  if (!recorded) throw new Error("no call recorded");
  return recorded;
}

/** A recorded call with its body swapped, as a broken emulator would have answered. */
function tampered(c: RecordedCall, response: unknown, extra: Partial<CheckableJiraCall> = {}): CheckableJiraCall {
  return { ...c, response: structuredClone(response), ...extra };
}

let created: RecordedCall;
let issue: RecordedCall;
let transitions: RecordedCall;

beforeAll(async () => {
  jira = new JiraEmulator();
  base = await jira.start();
  jira.addProject({ key: "CHG" });
  created = await call("POST", "/rest/api/3/issue", {
    fields: { project: { key: "CHG" }, issuetype: { name: "Change" }, summary: "Deploy" },
  });
  issue = await call("GET", "/rest/api/3/issue/CHG-1");
  transitions = await call("GET", "/rest/api/3/issue/CHG-1/transitions");
});

afterAll(async () => {
  await jira.stop();
});

describe("Jira contract check", () => {
  it("passes what the emulator really answered, including Jira's known isLooped drift", () => {
    expect(JSON.stringify(transitions.response)).toContain('"isLooped":false');
    expect(() => assertJiraCallsMatchContract(jira.calls)).not.toThrow();
  });

  it("catches malformed success bodies: missing, mistyped and undocumented keys", () => {
    const body = created.response as Record<string, unknown>;
    expect(validateJiraCall(tampered(created, { ...body, key: undefined }))).toEqual([
      "POST /rest/api/3/issue -> 201 (createIssue): response 201 key Invalid input: expected string, received undefined",
    ]);
    expect(validateJiraCall(tampered(created, { ...body, id: 10001 }))).toEqual([
      "POST /rest/api/3/issue -> 201 (createIssue): response 201 id Invalid input: expected string, received number",
    ]);
    expect(validateJiraCall(tampered(created, { ...body, issueKey: "CHG-1" }))).toEqual([
      "POST /rest/api/3/issue -> 201 (createIssue): response 201 (root) has undocumented key(s) issueKey",
    ]);
    const t = structuredClone(transitions.response) as {
      transitions: Array<{ to: { statusCategory: Record<string, unknown> } }>;
    };
    const first = t.transitions[0];
    if (first) first.to.statusCategory.id = "4";
    expect(validateJiraCall(tampered(transitions, t))).toEqual([
      "GET /rest/api/3/issue/CHG-1/transitions -> 200 (getTransitions): response 200 transitions.0.to.statusCategory.id Invalid input: expected number, received string",
    ]);
  });

  it("holds an issue's system fields to their beans and Jira's timestamp format", () => {
    const bean = structuredClone(issue.response) as { fields: Record<string, unknown> };
    bean.fields.created = "2026-01-05T10:00:00Z";
    bean.fields.status = { name: 7 };
    bean.fields.sprint = null;
    expect(validateJiraCall(tampered(issue, bean))).toEqual([
      "GET /rest/api/3/issue/CHG-1 -> 200 (getIssue): response fields.status name Invalid input: expected string, received number",
      "GET /rest/api/3/issue/CHG-1 -> 200 (getIssue): response fields.created (root) is not a Jira timestamp like 2026-01-05T10:00:00.000+0000",
      "GET /rest/api/3/issue/CHG-1 -> 200 (getIssue): response fields.sprint is not a Jira system field the contract knows",
    ]);
  });

  it("catches undocumented statuses, error bodies not in Jira's shape, bodies on 204 and unknown operations", () => {
    expect(
      validateJiraCall({
        method: "GET",
        path: "/rest/api/3/issue/CHG-1",
        status: 500,
        response: { errorMessages: ["boom"], errors: {} },
      }),
    ).toEqual([
      "GET /rest/api/3/issue/CHG-1 -> 500 (getIssue): status 500 is not documented for this operation (documented: 200, 401, 404)",
    ]);
    expect(validateJiraCall({ ...issue, status: 404, response: { message: "Not Found" } })).toEqual([
      "GET /rest/api/3/issue/CHG-1 -> 404 (getIssue): error body (root) has undocumented key(s) message",
      "GET /rest/api/3/issue/CHG-1 -> 404 (getIssue): error body must carry both errorMessages and errors, as Jira's always does",
    ]);
    expect(
      validateJiraCall({
        method: "POST",
        path: "/rest/api/3/issue/CHG-1/transitions",
        status: 204,
        response: {},
        body: { transition: { id: "11" } },
      }),
    ).toEqual(["POST /rest/api/3/issue/CHG-1/transitions -> 204 (doTransition): status 204 must not have a body"]);
    expect(validateJiraCall({ method: "GET", path: "/rest/api/2/issue/CHG-1", status: 200, response: {} })[0]).toMatch(
      /not one of the Jira operations/,
    );
    // A fault's answer is the test's, not Jira's: exempt.
    expect(validateJiraCall({ ...issue, status: 500, response: "oops", fault: true })).toEqual([]);
  });

  it("catches requests the emulator should not have accepted", () => {
    const sent = created.body as { fields: Record<string, unknown> };
    expect(validateJiraCall({ ...created, body: { ...sent, fieldz: {} } })).toEqual([
      "POST /rest/api/3/issue -> 201 (createIssue): request body (root) has undocumented key(s) fieldz",
    ]);
    expect(validateJiraCall({ ...created, body: { fields: { ...sent.fields, description: "plain" } } })).toEqual([
      "POST /rest/api/3/issue -> 201 (createIssue): request body fields.description (root) Invalid input: expected object, received string",
    ]);
    expect(validateJiraCall({ ...issue, query: { maxResult: "5" } })).toEqual([
      "GET /rest/api/3/issue/CHG-1 -> 200 (getIssue): query parameter maxResult is not documented for this operation",
    ]);
    expect(() => assertJiraCallsMatchContract([{ ...created, response: {} }])).toThrow(/3 Jira contract problem\(s\)/);
  });
});
