import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import { expireLocks } from "../../src/jobs/expire-locks.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

function config(freeze: unknown[] = []): GantryConfig {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    breakGlass: { approvers: [USERS.dave] },
    locks: { defaultDuration: "2h", warnBefore: "15m" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: { staging: {}, production: { freeze } },
      },
    },
  });
}

async function say(user: string, text: string): Promise<{ status: number; text: string; blocks?: unknown[] }> {
  const res = await h.client.command(user, "/deploy", text, { channel: CHANNEL });
  return { status: res.status, ...(res.answer ?? { text: "" }) };
}

const deploys = () => h.gantry.store.history("checkout-api");

describe("locks", () => {
  it("blocks others' deploys, offers to notify them, and tells every waiter when released", async () => {
    h = await startHarness({ config: config() });
    const locked = await say(USERS.alice, 'lock checkout-api staging for 1h "load test running"');
    expect(locked.text).toContain("Locked *checkout-api* in *staging* for 1h: load test running");

    const refused = await say(USERS.bob, "checkout-api main to staging");
    expect(refused.text).toContain(`locked by <@${USERS.alice}>`);
    expect(refused.text).toContain("load test running");
    expect(JSON.stringify(refused.blocks)).toContain("notify_unlock");
    expect(await deploys()).toHaveLength(0);

    await h.client.blockAction(USERS.bob, { actionId: "notify_unlock", value: "checkout-api:staging" });
    await h.slack.waitForEphemeral((m) => m.visibleTo === USERS.bob && m.text.includes("I'll send you a message"));

    const status = await say(USERS.carol, "status checkout-api");
    expect(status.text).toContain(`locked by <@${USERS.alice}>`);

    const own = await say(USERS.alice, "checkout-api main to staging");
    expect(own.text).toBe("");
    const [mine] = await deploys();
    expect((await h.finished(mine!.id)).state).toBe("succeeded");

    expect((await say(USERS.alice, "unlock checkout-api staging")).text).toContain("Unlocked");
    const dm = await h.slack.waitForCall((c) => c.method === "chat.postMessage" && c.args.channel === USERS.bob);
    expect(String(dm.args.text)).toContain("is unlocked");
    expect((await say(USERS.bob, "checkout-api main to staging")).text).toBe("");
  });

  it("warns the holder before the lock ends, then releases it", async () => {
    h = await startHarness({ config: config() });
    await say(USERS.alice, "lock checkout-api staging");
    expect(await expireLocks(h.gantry.ports)).toEqual({ warned: 0, released: 0 });
    h.advance(2 * 3_600_000 - 10 * 60_000);
    expect(await expireLocks(h.gantry.ports)).toEqual({ warned: 1, released: 0 });
    expect(await expireLocks(h.gantry.ports)).toEqual({ warned: 0, released: 0 });
    const warning = await h.slack.waitForCall((c) => c.method === "chat.postMessage" && c.args.channel === USERS.alice);
    expect(String(warning.args.text)).toContain("ends in 10m");
    h.advance(11 * 60_000);
    expect(await expireLocks(h.gantry.ports)).toEqual({ warned: 0, released: 1 });
    expect(await h.gantry.store.getLock("checkout-api", "staging")).toBeUndefined();
  });
});

describe("freeze windows", () => {
  // Every minute starts a 1h window: always frozen, whenever the test runs.
  const always = [{ cron: "* * * * *", duration: "1h", timezone: "Europe/Berlin", reason: "release freeze" }];

  it("refuses deploys during a freeze, with the window and its reason", async () => {
    h = await startHarness({ config: config(always) });
    const refused = await say(USERS.alice, "checkout-api main to production");
    expect(refused.text).toContain("Deploys to *production* are frozen");
    expect(refused.text).toContain("release freeze");
    expect(refused.text).toContain("--force");
    expect(await deploys()).toHaveLength(0);
    expect((await h.gantry.store.listAudit())[0]).toMatchObject({ action: "deploy.refused", detail: { why: "gated" } });
  });

  it("lets a break-glass deploy through with one break-glass approval, marked as such", async () => {
    h = await startHarness({ config: config(always) });
    const asked = await say(USERS.alice, 'checkout-api main to production --force "checkout is down"');
    expect(asked.text).toBe("");
    const [d0] = await deploys();
    const d = await h.until(
      d0!.id,
      (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null,
    );
    expect(d.forceReason).toBe("checkout is down");
    const pending = JSON.stringify(h.slack.findMessage(d.slackChannel!, d.slackTs!)!.blocks);
    expect(pending).toContain("break glass");
    expect(pending).toContain("checkout is down");
    expect(pending).toContain("Break-glass approval");

    await h.client.blockAction(USERS.bob, {
      actionId: "approve_deploy",
      value: String(d.id),
      message: { channel: d.slackChannel!, ts: d.slackTs! },
    });
    await h.slack.waitForEphemeral((m) => m.visibleTo === USERS.bob && m.text.includes("can approve"));
    await h.client.blockAction(USERS.dave, {
      actionId: "approve_deploy",
      value: String(d.id),
      message: { channel: d.slackChannel!, ts: d.slackTs! },
    });
    expect((await h.finished(d.id)).state).toBe("succeeded");
    const audit = await h.gantry.store.listAudit({ deploymentId: d.id });
    expect(audit[0]).toMatchObject({ action: "deploy.pending_approval", detail: { breakGlass: "checkout is down" } });
  });

  it("does not hold back staging, which has no freeze", async () => {
    h = await startHarness({ config: config(always) });
    expect((await say(USERS.alice, "checkout-api main to staging")).text).toBe("");
    const [d] = await deploys();
    expect((await h.finished(d!.id)).state).toBe("succeeded");
  });
});
