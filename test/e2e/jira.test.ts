import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

function config(required: boolean): GantryConfig {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          production: {
            approvals: { required: 1, approvers: [USERS.bob] },
            jira: {
              project: "CHG",
              transitions: { approved: "In Progress", succeeded: "Done", failed: "Failed", rolledBack: "Rolled back" },
              required,
            },
          },
        },
      },
    },
  });
}

async function request(): Promise<Deployment> {
  await h.client.command(USERS.alice, "/deploy", "checkout-api main to production", { channel: CHANNEL });
  const [d] = await h.gantry.store.history("checkout-api", "production", 1);
  return d!;
}

const dispatches = () => h.gh.calls.filter((c) => c.path.endsWith("/dispatches"));

describe("Jira change tickets", () => {
  it("creates the ticket on request, moves it as the deploy moves, and tells the referenced issues", async () => {
    h = await startHarness({ config: config(true), jira: true });
    h.jira!.addIssue({ key: "PAY-7", project: "PAY", issueType: "Story", summary: "Refunds" });
    const sha = h.gh.addCommit("acme/checkout-api", { message: "PAY-7 refund flow", branch: "main" });
    const asked = await request();
    const d = await h.until(asked.id, (x) => x.jiraKey !== null && x.state === "pending_approval");
    const ticket = h.jira!.issue(d.jiraKey!)!;
    expect(ticket.summary).toBe(`Deploy checkout-api ${sha.slice(0, 7)} to production`);
    expect(ticket.status).toBe("To Do");
    expect(ticket.descriptionText).toContain(`Requested by: ${USERS.alice}`);
    expect(ticket.descriptionText).toContain("PAY-7 refund flow");
    expect(ticket.descriptionText).toContain("Linked issues: PAY-7");
    expect(ticket.remoteLinks.map((l) => l.title)).toContain(`Slack: Gantry deploy #${d.id}`);
    expect(JSON.stringify(h.slack.findMessage(d.slackChannel!, d.slackTs!)!.blocks)).toContain(d.jiraKey!);

    await h.client.blockAction(USERS.bob, {
      actionId: "approve_deploy",
      value: String(d.id),
      message: { channel: d.slackChannel!, ts: d.slackTs! },
    });
    expect((await h.finished(d.id)).state).toBe("succeeded");
    const done = h.jira!.issue(d.jiraKey!)!;
    expect(done.status).toBe("Done");
    expect(done.transitions.map((t) => t.to)).toEqual(["In Progress", "Done"]);
    expect(done.comments.map((c) => c.text)).toEqual([
      `Approved in Gantry; deploying ${sha}.`,
      `Gantry deploy #${d.id} succeeded.`,
    ]);
    expect(done.remoteLinks.some((l) => l.title.startsWith("GitHub"))).toBe(true);
    expect(h.jira!.issue("PAY-7")!.comments.map((c) => c.text)).toEqual([
      `Deployed to production in Gantry deploy #${d.id} (checkout-api ${sha.slice(0, 7)}).`,
    ]);
  });

  it("moves the ticket of a rolled-back deploy to Rolled back, and tells the undone issues", async () => {
    const cfg = config(true);
    cfg.services["checkout-api"]!.environments.production!.approvals = undefined;
    h = await startHarness({ config: cfg, jira: true });
    h.jira!.addIssue({ key: "PAY-8", project: "PAY", issueType: "Story", summary: "Risky" });
    await request();
    const [first] = await h.gantry.store.history("checkout-api", "production", 1);
    await h.finished(first!.id);
    h.gh.addCommit("acme/checkout-api", { message: "PAY-8 risky change", branch: "main" });
    await request();
    const [second] = await h.gantry.store.history("checkout-api", "production", 1);
    const bad = await h.finished(second!.id);
    await h.client.command(USERS.bob, "/rollback", "checkout-api production", { channel: CHANNEL });
    await h.until(bad.id, (d) => d.state === "rolled_back");
    expect(h.jira!.issue(bad.jiraKey!)!.status).toBe("Rolled back");
    expect(h.jira!.issue("PAY-8")!.comments.at(-1)!.text).toContain("Taken out of production again by Gantry rollback");
  });

  it("starts nothing when Jira is down and a ticket is required, and offers Retry", async () => {
    h = await startHarness({ config: config(true), jira: true });
    h.jira!.down = true;
    const d = await h.finished((await request()).id);
    expect(d.state).toBe("failed");
    expect(d.reason).toContain("no change ticket, so nothing was started");
    expect(d.reason).toContain("503");
    expect(dispatches()).toHaveLength(0);
    const blocks = JSON.stringify(h.slack.findMessage(d.slackChannel!, d.slackTs!)!.blocks);
    expect(blocks).toContain("retry_deploy");

    h.jira!.down = false;
    await h.client.blockAction(USERS.alice, {
      actionId: "retry_deploy",
      value: String(d.id),
      message: { channel: d.slackChannel!, ts: d.slackTs! },
    });
    // Retry first asks GitHub whether anything of #1 started there; the new request follows.
    await h.slack.waitForMessage((m) => m.text.includes(`(#${d.id + 1})`));
    const [again] = await h.gantry.store.history("checkout-api", "production", 1);
    expect(again!.id).not.toBe(d.id);
    const retried = await h.until(again!.id, (x) => x.jiraKey !== null && x.state === "pending_approval");
    expect(h.jira!.issue(retried.jiraKey!)).toBeDefined();
  });

  it("goes ahead without a ticket when one is not required, and says so", async () => {
    h = await startHarness({ config: config(false), jira: true });
    h.jira!.down = true;
    const asked = await request();
    const d = await h.until(asked.id, (x) => x.state === "pending_approval" && x.changeSummary !== null);
    const note = await h.slack.waitForMessage((m) => m.thread_ts === d.slackTs && m.text.includes("No change ticket"));
    expect(note.text).toContain("503");
    await h.client.blockAction(USERS.bob, {
      actionId: "approve_deploy",
      value: String(d.id),
      message: { channel: d.slackChannel!, ts: d.slackTs! },
    });
    expect((await h.finished(d.id)).state).toBe("succeeded");
    expect(dispatches()).toHaveLength(1);
  });
});
