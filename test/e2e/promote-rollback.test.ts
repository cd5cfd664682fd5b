import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

function config(): GantryConfig {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: { staging: {}, production: { promoteFrom: "staging" } },
      },
    },
  });
}

async function run(user: string, command: string, text: string): Promise<{ text: string; deploy?: Deployment }> {
  const before = (await h.gantry.store.history("checkout-api", undefined, 1))[0]?.id ?? 0;
  const res = await h.client.command(user, command, text, { channel: CHANNEL });
  const reply = res.answer?.text ?? "";
  const [latest] = await h.gantry.store.history("checkout-api", undefined, 1);
  if (!latest || latest.id === before) return { text: reply };
  return { text: reply, deploy: await h.finished(latest.id) };
}

function tag(name: string): string {
  const sha = h.gh.addCommit("acme/checkout-api", { message: `release ${name}`, branch: "main" });
  h.gh.setTag("acme/checkout-api", name, sha);
  return sha;
}

const dispatchedShas = () =>
  h.gh.calls
    .filter((c) => c.path.endsWith("/dispatches"))
    .map((c) => (c.body as { inputs: { sha: string } }).inputs.sha);
const blocksOf = (d: Deployment) => JSON.stringify(h.slack.findMessage(d.slackChannel!, d.slackTs!)!.blocks);

describe("/promote", () => {
  it("ships to production exactly the commit that passed staging, and only by promotion", async () => {
    h = await startHarness({ config: config() });
    const v1 = tag("v1");
    const staging = (await run(USERS.alice, "/deploy", "checkout-api v1 to staging")).deploy!;
    expect(staging.state).toBe("succeeded");
    expect(blocksOf(staging)).toContain("Promote to production");

    const direct = await run(USERS.alice, "/deploy", "checkout-api v1 to production");
    expect(direct.deploy).toBeUndefined();
    expect(direct.text).toContain("only takes promotions from *staging*");
    expect(direct.text).toContain("/promote checkout-api to production");

    tag("v2"); // a newer tag exists, but it never passed staging
    const promoted = (await run(USERS.bob, "/promote", "checkout-api to production")).deploy!;
    expect(promoted).toMatchObject({
      state: "succeeded",
      kind: "promote",
      sha: v1,
      ref: "v1",
      sourceId: staging.id,
      environment: "production",
    });
    expect(dispatchedShas()).toEqual([v1, v1]);
  });

  it("promotes the artifact the staging workflow reported, passing it to the production workflow", async () => {
    const cfg = config();
    cfg.services["checkout-api"]!.inputs.artifact = "image";
    h = await startHarness({ config: cfg });
    const digest = "sha256:" + "ab".repeat(32);
    h.gh.setRunScript(({ inputs }) => (inputs.environment === "staging" ? { artifact: digest } : {}));
    const staging = (await run(USERS.alice, "/deploy", "checkout-api main to staging")).deploy!;
    expect(staging.artifact).toBe(digest);
    expect(blocksOf(staging)).toContain(digest);
    const promoted = (await run(USERS.alice, "/promote", "checkout-api to production")).deploy!;
    expect(promoted).toMatchObject({ state: "succeeded", artifact: digest, sha: staging.sha });
    const prodDispatch = h.gh.calls.filter((c) => c.path.endsWith("/dispatches"))[1]!;
    expect(prodDispatch.body).toMatchObject({ inputs: { environment: "production", sha: staging.sha, image: digest } });
  });

  it("refuses to promote when nothing verified exists in the source", async () => {
    h = await startHarness({ config: config() });
    h.gh.setRunScript(() => ({ conclusion: "failure" }));
    expect((await run(USERS.alice, "/deploy", "checkout-api main to staging")).deploy!.state).toBe("failed");
    const refused = await run(USERS.alice, "/promote", "checkout-api to production");
    expect(refused.deploy).toBeUndefined();
    expect(refused.text).toContain("Nothing has succeeded in *staging* yet");
    expect(dispatchedShas()).toHaveLength(1);
  });

  it("promotes from the Promote button, and refuses a commit that was rolled back in the source since", async () => {
    h = await startHarness({ config: config() });
    tag("v1");
    await run(USERS.alice, "/deploy", "checkout-api v1 to staging");
    const v2 = tag("v2");
    const second = (await run(USERS.alice, "/deploy", "checkout-api v2 to staging")).deploy!;
    await run(USERS.alice, "/rollback", "checkout-api staging");
    await h.client.blockAction(USERS.bob, {
      actionId: "promote_deploy:production",
      value: `${second.id}:production`,
      message: { channel: second.slackChannel!, ts: second.slackTs! },
    });
    const refusal = await h.slack.waitForEphemeral(
      (m) => m.visibleTo === USERS.bob && m.text.includes("cannot be promoted"),
    );
    expect(refusal.text).toContain(v2.slice(0, 7));
    expect((await h.gantry.store.history("checkout-api", "production")).length).toBe(0);
  });
});

describe("/rollback", () => {
  it("restores the previous good commit in one command, marks the bad deploy and locks the environment", async () => {
    h = await startHarness({ config: config() });
    const v1 = tag("v1");
    const good = (await run(USERS.alice, "/deploy", "checkout-api v1 to staging")).deploy!;
    tag("v2");
    const bad = (await run(USERS.alice, "/deploy", "checkout-api v2 to staging")).deploy!;
    expect(blocksOf(bad)).toContain("rollback_deploy");

    const back = (await run(USERS.bob, "/rollback", "checkout-api staging")).deploy!;
    expect(back).toMatchObject({
      state: "succeeded",
      kind: "rollback",
      sha: v1,
      sourceId: good.id,
      replacesId: bad.id,
    });
    expect((await h.gantry.store.getDeployment(bad.id))!.state).toBe("rolled_back");
    expect(blocksOf(back)).toContain(`*Takes out:* 1 commit of \`${bad.sha!.slice(0, 7)}\` (live now)`);
    // Issue 18: in the same channel the bad deploy's message is not redrawn as well (one Slack call fewer); the
    // rollback's message, just after it, names it, and the store and audit log have it rolled back.
    expect(blocksOf(back)).toContain(`undoes #${bad.id}`);
    const lock = await h.gantry.store.getLock("checkout-api", "staging");
    expect(lock).toMatchObject({ holder: USERS.bob });
    expect(lock!.reason).toContain(`rolled back #${bad.id}`);

    const blocked = await run(USERS.alice, "/deploy", "checkout-api v2 to staging");
    expect(blocked.deploy).toBeUndefined();
    expect(JSON.stringify(blocked.text)).toContain(`locked by <@${USERS.bob}>`);
    const audit = (await h.gantry.store.listAudit({ service: "checkout-api" })).map((a) => a.action);
    expect(audit).toEqual(
      expect.arrayContaining([
        "rollback.requested",
        "rollback.succeeded",
        "deploy.rolled_back",
        "lock.acquired",
        "deploy.refused",
      ]),
    );
  });

  it("passes someone else's lock, and tells the holder", async () => {
    h = await startHarness({ config: config() });
    tag("v1");
    await run(USERS.alice, "/deploy", "checkout-api v1 to staging");
    tag("v2");
    await run(USERS.alice, "/deploy", "checkout-api v2 to staging");
    await run(USERS.carol, "/deploy", 'lock checkout-api staging "investigating"');
    const back = (await run(USERS.bob, "/rollback", "checkout-api staging")).deploy!;
    expect(back.state).toBe("succeeded");
    const told = await h.slack.waitForCall((c) => c.method === "chat.postMessage" && c.args.channel === USERS.carol);
    expect(String(told.args.text)).toContain(
      `<@${USERS.bob}> is rolling back *checkout-api* in *staging* past your lock`,
    );
  });

  it("rolls back from the button on the success message", async () => {
    h = await startHarness({ config: config() });
    const v1 = tag("v1");
    await run(USERS.alice, "/deploy", "checkout-api v1 to staging");
    tag("v2");
    const bad = (await run(USERS.alice, "/deploy", "checkout-api v2 to staging")).deploy!;
    await h.client.blockAction(USERS.alice, {
      actionId: "rollback_deploy",
      value: String(bad.id),
      message: { channel: bad.slackChannel!, ts: bad.slackTs! },
    });
    await h.until(bad.id, (d) => d.state === "rolled_back");
    const [latest] = await h.gantry.store.history("checkout-api", "staging", 1);
    expect(latest).toMatchObject({
      kind: "rollback",
      state: "succeeded",
      sha: v1,
      requester: USERS.alice,
      replacesId: bad.id,
    });
  });

  it("says plainly when there is nothing to roll back to", async () => {
    h = await startHarness({ config: config() });
    const none = await run(USERS.alice, "/rollback", "checkout-api in staging");
    expect(none.text).toContain("nothing to roll back");
    await run(USERS.alice, "/deploy", "checkout-api main to staging");
    const one = await run(USERS.alice, "/rollback", "checkout-api staging");
    expect(one.text).toContain("no good deploy before");
    const bad = await run(USERS.alice, "/rollback", "checkout-api staging to #99");
    expect(bad.text).toContain("#99 is not a deploy of *checkout-api* to *staging*");
  });
});
