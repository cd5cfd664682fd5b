/**
 * Acknowledgements first (issue 18): the deploy work an accepted command starts waits while Slack requests are being
 * answered. Through Bolt's real HTTP endpoint with signed requests: deploys accepted while Slack keeps Gantry busy
 * still run to their end, in the store, the Slack message and the audit log; and a shutdown while work is held
 * starts it (and hands it to the tracker) before the store closes.
 */
import { request } from "node:http";
import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";
import { allDeploys, assertInvariants } from "../support/invariants.js";

let h: Harness | undefined;
afterEach(() => {
  h = undefined;
});
stopAfterEach(() => h);

const SERVICES = ["svc-a", "svc-b", "svc-c", "svc-d"];

/** Four services with a staging each, all in the one channel. */
function fourServices() {
  return testConfig({
    services: Object.fromEntries(
      SERVICES.map((name) => [name, { repo: `acme/${name}`, workflow: "deploy.yml", environments: { staging: {} } }]),
    ),
    teams: { payments: { channel: CHANNEL, services: SERVICES } },
  });
}

/** A Slack request that is still arriving: its headers are sent, its body never is, until `abort`. */
async function requestInProgress(url: string): Promise<{ abort(): void }> {
  const req = request(`${url}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": "1000" },
  });
  req.on("error", () => {});
  req.flushHeaders();
  req.write("token=");
  await once(req, "socket");
  return { abort: () => req.destroy() };
}

describe("deploy work after the acknowledgement", () => {
  beforeEach(async () => {
    h = await startHarness({ config: fourServices() });
    for (const name of SERVICES) {
      h.gh.addRepo({ fullName: `acme/${name}`, workflows: ["deploy.yml"] });
      h.gh.addCommit(`acme/${name}`, { message: `${name} change`, branch: "main" });
    }
  });

  it("runs every deploy accepted while Slack keeps Gantry busy to its end, in Slack and the audit log", async () => {
    const s = h!;
    s.gh.setRunScript(() => ({ queuedMs: 5, runMs: 20 }));
    // Status reads keep a Slack request in progress while the deploys are asked for, all at once.
    let busy = true;
    const reader = (async () => {
      while (busy) await s.client.command(USERS.bob, "/deploy", "status", { channel: CHANNEL });
    })();
    const answers = await Promise.all(
      SERVICES.map((name) => s.client.command(USERS.alice, "/deploy", `${name} main to staging`, { channel: CHANNEL })),
    );
    busy = false;
    await reader;
    expect(answers.map((a) => [a.status, a.body])).toEqual(SERVICES.map(() => [200, ""]));

    const deploys = await allDeploys(s.gantry.store, SERVICES);
    expect(deploys).toHaveLength(SERVICES.length);
    for (const d of deploys) await s.finished(d.id);
    const ended = await assertInvariants(s);
    expect(ended.map((d) => d.state)).toEqual(SERVICES.map(() => "succeeded"));
    for (const d of ended) {
      const audit = await s.gantry.store.listAudit({ deploymentId: d.id });
      expect(audit.map((a) => a.action).at(-1)).toBe("deploy.succeeded");
      const message = s.slack.messages(CHANNEL).find((m) => m.ts === d.slackTs);
      expect(JSON.stringify(message?.blocks)).toContain("Succeeded");
    }
  });

  it("starts held deploy work when Gantry stops, before the store closes", async () => {
    const s = h!;
    // Queued for a long time: the deploy is still running when Gantry stops, and the next start follows it.
    s.gh.setRunScript(() => ({ queuedMs: 60_000, runMs: 20 }));
    const answer = await s.client.command(USERS.alice, "/deploy", "svc-a main to staging", { channel: CHANNEL });
    expect(answer.body).toBe("");
    const pending = await requestInProgress(s.gantry.url);
    const [requested] = await allDeploys(s.gantry.store, ["svc-a"]);
    await s.gantry.stop();
    pending.abort();

    const dispatches = s.gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"));
    expect(dispatches.map((c) => (c.body as { inputs: { gantry_deploy_id: string } }).inputs.gantry_deploy_id)).toEqual(
      [requested!.key],
    );
    await s.restart(false);
    const d = await s.gantry.store.getDeployment(requested!.id);
    expect(d?.dispatchedAt).not.toBeNull();
    expect(d?.state).not.toBe("requested");
  });
});
