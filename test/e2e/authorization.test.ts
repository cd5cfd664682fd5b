import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

/** Roles: alice deploys, carol approves, dave approves breaking glass, mallory is an outsider. */
const ROLE = { deployer: USERS.alice, approver: USERS.carol, breakGlass: USERS.dave, outsider: USERS.mallory } as const;
type Role = keyof typeof ROLE | "requester";

function config(freeze = false): GantryConfig {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    breakGlass: { approvers: [ROLE.breakGlass] },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          staging: { deployers: [ROLE.deployer] },
          production: {
            deployers: [ROLE.deployer],
            approvals: { required: 1, approvers: [ROLE.approver] },
            ...(freeze ? { freeze: [{ cron: "* * * * *", duration: "1h", reason: "freeze" }] } : {}),
          },
        },
      },
    },
  });
}

async function say(user: string, command: string, text: string): Promise<string> {
  const res = await h.client.command(user, command, text, { channel: CHANNEL });
  return res.answer?.text ?? "";
}

async function pending(text = "checkout-api main to production"): Promise<Deployment> {
  await say(ROLE.deployer, "/deploy", text);
  const [d] = await h.gantry.store.history("checkout-api", "production", 1);
  return h.until(d!.id, (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null);
}

async function click(user: string, actionId: string, d: Deployment): Promise<void> {
  await h.client.blockAction(user, {
    actionId,
    value: String(d.id),
    message: { channel: d.slackChannel!, ts: d.slackTs! },
  });
}

const refusals = async () => (await h.gantry.store.listAudit()).filter((a) => a.action.endsWith(".refused"));

/** Each row: who does what, and whether Gantry lets them. Every refusal must also be in the audit log. */
const MATRIX: { action: string; role: Role; allowed: boolean }[] = [
  { action: "deploy", role: "deployer", allowed: true },
  { action: "deploy", role: "approver", allowed: false },
  { action: "deploy", role: "outsider", allowed: false },
  { action: "promote", role: "deployer", allowed: true },
  { action: "promote", role: "outsider", allowed: false },
  { action: "rollback", role: "deployer", allowed: true },
  { action: "rollback", role: "outsider", allowed: false },
  { action: "lock", role: "deployer", allowed: true },
  { action: "lock", role: "outsider", allowed: false },
  { action: "unlock", role: "outsider", allowed: false },
  { action: "unlock", role: "deployer", allowed: true },
  { action: "approve", role: "approver", allowed: true },
  { action: "approve", role: "requester", allowed: false },
  { action: "approve", role: "outsider", allowed: false },
  { action: "reject", role: "approver", allowed: true },
  { action: "reject", role: "outsider", allowed: false },
  { action: "break glass", role: "approver", allowed: false },
  { action: "break glass", role: "breakGlass", allowed: true },
  { action: "cancel", role: "approver", allowed: false },
  { action: "cancel", role: "requester", allowed: true },
];

async function attempt(action: string, role: Role): Promise<boolean> {
  const user = role === "requester" ? ROLE.deployer : ROLE[role];
  switch (action) {
    case "deploy":
      return (await say(user, "/deploy", "checkout-api main to staging")) === "";
    case "promote": {
      await say(ROLE.deployer, "/deploy", "checkout-api main to staging");
      const [s] = await h.gantry.store.history("checkout-api", "staging", 1);
      await h.finished(s!.id);
      return (await say(user, "/promote", "checkout-api from staging to production")) === "";
    }
    case "rollback": {
      for (let i = 0; i < 2; i++) {
        h.gh.addCommit("acme/checkout-api", { message: `change ${i}`, branch: "main" });
        await say(ROLE.deployer, "/deploy", "checkout-api main to staging");
        const [s] = await h.gantry.store.history("checkout-api", "staging", 1);
        await h.finished(s!.id);
      }
      return (await say(user, "/rollback", "checkout-api staging")) === "";
    }
    case "lock":
      return (await say(user, "/deploy", "lock checkout-api staging")).includes("Locked");
    case "unlock":
      await say(ROLE.deployer, "/deploy", "lock checkout-api staging");
      return (await say(user, "/deploy", "unlock checkout-api staging")).includes("Unlocked");
    case "approve":
      return approved(user, await pending());
    case "cancel": {
      const d = await pending();
      await click(user, "cancel_deploy", d);
      return !(await h.slack.waitForEphemeral((m) => m.visibleTo === user)).text.includes(":no_entry:");
    }
    case "reject": {
      const d = await pending();
      const { reject } = await import("../../src/deploy/votes.js");
      await reject({ ...h.gantry.ports, tracker: h.gantry.tracker }, d.id, user, "no");
      return (await h.gantry.store.getDeployment(d.id))!.state === "rejected";
    }
    case "break glass":
      return approved(user, await pending('checkout-api main to production --force "outage"'));
  }
  throw new Error(`no such action ${action}`);
}

/**
 * Clicks Approve: a counted vote is answered by redrawing the deploy's message (no ephemeral since issue 18), a
 * refusal by an ephemeral answer. Whichever comes first says which it was.
 */
async function approved(user: string, d: Deployment): Promise<boolean> {
  const from = h.slack.calls.length;
  await click(user, "approve_deploy", d);
  const redrawn = h.slack.waitForCall(
    (c) => h.slack.calls.indexOf(c) >= from && c.method === "chat.update" && c.args.ts === d.slackTs,
  );
  const answered = h.slack.waitForEphemeral((m) => m.visibleTo === user);
  return Promise.race([redrawn.then(() => true), answered.then((m) => !m.text.includes(":no_entry:"))]);
}

describe("authorization matrix", () => {
  it.each(MATRIX)(
    "$action by the $role: allowed=$allowed, and every refusal is audited",
    async ({ action, role, allowed }) => {
      h = await startHarness({ config: config(action === "break glass") });
      expect(await attempt(action, role)).toBe(allowed);
      const audited = await refusals();
      if (allowed) expect(audited).toEqual([]);
      else expect(audited.length).toBeGreaterThan(0);
    },
  );
});
