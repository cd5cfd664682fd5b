import { describe, expect, it } from "vitest";
import { askToDeploy } from "../../src/deploy/ask.js";
import type { LaunchPorts } from "../../src/deploy/launch.js";
import { promote } from "../../src/deploy/promote.js";
import { rollBack } from "../../src/deploy/rollback.js";
import { deployPorts, succeed } from "../support/deploy-ports.js";

const sha = (c: string) => c.repeat(40);
const by = { requester: "U0ALICE", channel: "C0DEPLOYS" };

async function deployed(ports: LaunchPorts, environment: string, commit: string, ref = "main") {
  const asked = await askToDeploy(ports, {
    service: "checkout-api",
    environment,
    ref,
    sha: commit,
    kind: "deploy",
    ...by,
  });
  if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
  return succeed(ports, asked.deployment);
}

describe("promote", () => {
  it("refuses a source outside the chain, naming the one the target takes", async () => {
    const ports = deployPorts();
    await deployed(ports, "dev", sha("d"));
    const asked = await promote(ports, { service: "checkout-api", from: "dev", to: "production", ...by });
    expect(asked).toMatchObject({
      ok: false,
      refusal: { refused: "promotion", promotion: { why: "wrong_source", from: "dev", promoteFrom: "staging" } },
    });
    const [audit] = (await ports.store.listAudit()).filter((a) => a.action === "promote.refused");
    expect(audit?.detail).toMatchObject({ why: "wrong_source" });
  });

  it("refuses when nothing has passed the source yet", async () => {
    const asked = await promote(deployPorts(), { service: "checkout-api", to: "production", ...by });
    expect(asked).toMatchObject({ ok: false, refusal: { promotion: { why: "nothing_in_source", from: "staging" } } });
  });

  it("ships exactly the commit and source that passed, waiting for the target's approvals", async () => {
    const ports = deployPorts();
    const source = await deployed(ports, "staging", sha("5"));
    const asked = await promote(ports, { service: "checkout-api", to: "production", ...by });
    if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
    expect(asked.deployment).toMatchObject({
      kind: "promote",
      sha: sha("5"),
      sourceId: source.id,
      state: "pending_approval",
    });
  });
});

describe("rollBack", () => {
  it("picks the last good deploy of another commit than the live one", async () => {
    const ports = deployPorts();
    const good = await deployed(ports, "staging", sha("1"), "v1");
    await deployed(ports, "staging", sha("2"), "v2");
    const live = await deployed(ports, "staging", sha("2"), "v2");
    const asked = await rollBack(ports, { service: "checkout-api", environment: "staging", ...by }, { by: "default" });
    if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
    expect(asked.deployment).toMatchObject({
      kind: "rollback",
      sha: sha("1"),
      sourceId: good.id,
      replacesId: live.id,
    });
  });

  it("says why there is nothing to roll back to", async () => {
    const ports = deployPorts();
    const where = { service: "checkout-api", environment: "staging", ...by };
    expect(await rollBack(ports, where, { by: "default" })).toMatchObject({
      ok: false,
      refusal: { refused: "rollback", rollback: { why: "nothing_live", environment: "staging" } },
    });
    const only = await deployed(ports, "staging", sha("1"));
    expect(await rollBack(ports, where, { by: "default" })).toMatchObject({
      refusal: { rollback: { why: "none_before", current: { id: only.id } } },
    });
    expect(await rollBack(ports, where, { by: "id", id: only.id })).toMatchObject({
      refusal: { rollback: { why: "is_live", id: only.id } },
    });
  });

  it("tells the holder of a lock it passes, before it launches", async () => {
    const ports = deployPorts();
    await deployed(ports, "staging", sha("1"), "v1");
    await deployed(ports, "staging", sha("2"), "v2");
    await ports.store.acquireLock({
      service: "checkout-api",
      environment: "staging",
      holder: "U0CAROL",
      reason: "load test",
      createdAt: new Date(0).toISOString(),
      expiresAt: new Date("2030-01-01T00:00:00Z").toISOString(),
    });
    const asked = await rollBack(ports, { service: "checkout-api", environment: "staging", ...by }, { by: "default" });
    if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
    // The launch itself needs GitHub, which this test does not have: the notice comes first all the same.
    await asked.launch().catch(() => undefined);
    expect(ports.notifier.said[0]).toMatchObject({
      to: "U0CAROL",
      what: "toUser",
      notice: { notice: "rolling_back_past_lock", id: asked.deployment.id, requester: "U0ALICE" },
    });
  });
});
