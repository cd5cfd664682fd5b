import { describe, expect, it } from "vitest";
import { askToDeploy } from "../../src/deploy/ask.js";
import type { DeployAsk } from "../../src/deploy/request.js";
import { buildView } from "../../src/deploy/view.js";
import { deployPorts, NOW } from "../support/deploy-ports.js";

const SHA = "a".repeat(40);
const ask = (over: Partial<DeployAsk> = {}): DeployAsk => ({
  service: "checkout-api",
  environment: "staging",
  ref: "main",
  sha: SHA,
  requester: "U0ALICE",
  channel: "C0DEPLOYS",
  kind: "deploy",
  ...over,
});

describe("askToDeploy", () => {
  it("records an ungated deploy as requested, to be launched by the caller", async () => {
    const ports = deployPorts();
    const asked = await askToDeploy(ports, ask());
    expect(asked.ok).toBe(true);
    if (!asked.ok) return;
    expect(asked.deployment).toMatchObject({ state: "requested", slackChannel: "C0DEPLOYS", expiresAt: null });
    expect(ports.notifier.said).toEqual([]);
  });

  it("refuses a locked environment with the lock itself, and audits the refusal", async () => {
    const ports = deployPorts();
    await ports.store.acquireLock({
      service: "checkout-api",
      environment: "staging",
      holder: "U0CAROL",
      reason: "load test",
      createdAt: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    });
    const asked = await askToDeploy(ports, ask());
    expect(asked).toMatchObject({
      ok: false,
      refusal: { refused: "locked", service: "checkout-api", environment: "staging", lock: { holder: "U0CAROL" } },
    });
    const refused = (await ports.store.listAudit()).filter((a) => a.action === "deploy.refused");
    expect(refused.map((a) => a.detail)).toEqual([{ why: "gated" }]);
    // Restoring service comes first: a rollback passes the lock.
    expect((await askToDeploy(ports, ask({ kind: "rollback" }))).ok).toBe(true);
  });

  it("lets the lock's holder through, and anyone through a lock that has expired", async () => {
    const ports = deployPorts();
    const lockFor = (environment: string, holder: string, expiresAt: Date) =>
      ports.store.acquireLock({
        service: "checkout-api",
        environment,
        holder,
        reason: "load test",
        createdAt: new Date(NOW.getTime() - 7_200_000).toISOString(),
        expiresAt: expiresAt.toISOString(),
      });
    await lockFor("staging", "U0ALICE", new Date(NOW.getTime() + 3_600_000));
    await lockFor("dev", "U0CAROL", new Date(NOW.getTime() - 1));
    expect((await askToDeploy(ports, ask())).ok).toBe(true);
    const past = await askToDeploy(ports, ask({ environment: "dev" }));
    expect(past.ok).toBe(true);
    if (!past.ok) return;
    expect(await ports.store.listAudit()).toMatchObject([
      { action: "deploy.requested", environment: "staging" },
      { action: "deploy.requested", environment: "dev", deploymentId: past.deployment.id },
    ]);
  });

  it("refuses a locked environment as locked before it is busy or frozen", async () => {
    const ports = deployPorts();
    const lock = (service: string, environment: string) =>
      ports.store.acquireLock({
        service,
        environment,
        holder: "U0CAROL",
        reason: "load test",
        createdAt: NOW.toISOString(),
        expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
      });
    expect((await askToDeploy(ports, ask())).ok).toBe(true);
    await lock("checkout-api", "staging");
    await lock("billing", "frozen");
    const busy = await askToDeploy(ports, ask({ requester: "U0BOB" }));
    expect(busy).toMatchObject({ ok: false, refusal: { refused: "locked", lock: { holder: "U0CAROL" } } });
    const frozen = await askToDeploy(ports, ask({ service: "billing", environment: "frozen" }));
    expect(frozen).toMatchObject({ ok: false, refusal: { refused: "locked", lock: { holder: "U0CAROL" } } });
    // The holder meets what the lock does not decide: the live deploy.
    const holder = await askToDeploy(ports, ask({ requester: "U0CAROL" }));
    expect(holder).toMatchObject({ ok: false, refusal: { refused: "busy" } });
  });

  it("refuses a plain deploy to a promotion-only environment, naming where it takes promotions from", async () => {
    const asked = await askToDeploy(deployPorts(), ask({ environment: "production" }));
    expect(asked).toMatchObject({ ok: false, refusal: { refused: "promotion_only", promoteFrom: "staging" } });
  });

  it("asks for votes where approvals are needed: pending, expiring, with the policy in its view", async () => {
    const ports = deployPorts();
    const asked = await askToDeploy(ports, ask({ service: "billing", environment: "production" }));
    if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
    expect(asked.deployment.state).toBe("pending_approval");
    expect(asked.deployment.expiresAt).toBe(new Date(NOW.getTime() + 3_600_000).toISOString());
    const view = await buildView(ports, asked.deployment);
    expect(view.approval?.policy).toMatchObject({ required: 1, approvers: ["U0BOB", "U0ALICE"], breakGlass: false });
    expect(view.approval?.tally).toMatchObject({ remaining: 1, complete: false });
  });

  it("refuses a second deploy while one runs, with the one that runs", async () => {
    const ports = deployPorts();
    const first = await askToDeploy(ports, ask());
    const second = await askToDeploy(ports, ask({ requester: "U0BOB" }));
    expect(second).toMatchObject({ ok: false, refusal: { refused: "busy" } });
    if (!first.ok || second.ok || second.refusal.refused !== "busy") return;
    expect(second.refusal.active.id).toBe(first.deployment.id);
  });

  it("refuses a frozen environment with the freeze, and breaking glass where nobody may approve it", async () => {
    const ports = deployPorts();
    const frozen = await askToDeploy(ports, ask({ service: "billing", environment: "frozen" }));
    expect(frozen).toMatchObject({
      ok: false,
      refusal: { refused: "frozen", freeze: { window: { reason: "year-end freeze" } } },
    });
    const forced = await askToDeploy(ports, ask({ service: "billing", environment: "frozen", forceReason: "outage" }));
    expect(forced).toMatchObject({ ok: false, refusal: { refused: "no_break_glass", environment: "frozen" } });
  });

  it("refuses someone who is not among the deployers, naming them", async () => {
    const yaml = `
services:
  api:
    repo: acme/api
    workflow: deploy.yml
    environments:
      production: { deployers: [U0BOB] }
`;
    const asked = await askToDeploy(deployPorts(yaml), ask({ service: "api", environment: "production" }));
    expect(asked).toMatchObject({ ok: false, refusal: { refused: "not_deployer", deployers: ["U0BOB"] } });
  });
});
