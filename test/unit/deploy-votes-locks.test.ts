import { describe, expect, it } from "vitest";
import { lock, unlock } from "../../src/deploy/locks.js";
import { cancelRequest, vote } from "../../src/deploy/votes.js";
import { askBilling, deployPorts } from "../support/deploy-ports.js";

const pendingBilling = (ports: ReturnType<typeof deployPorts>) => askBilling(ports, "production");

describe("vote", () => {
  it("refuses self-approval, naming whom to ask, and audits it", async () => {
    const ports = deployPorts();
    const d = await pendingBilling(ports);
    const outcome = await vote(ports, d.id, "U0ALICE", { vote: "approve" });
    expect(outcome).toEqual({
      result: { refused: "voter", id: d.id, why: "self_approval", approvers: ["U0BOB", "U0ALICE"] },
    });
    const refused = (await ports.store.listAudit()).filter((a) => a.action === "vote.refused");
    expect(refused.map((a) => a.detail)).toEqual([{ why: "self_approval" }]);
  });

  it("refuses someone who is not an approver, and a deploy that is not waiting", async () => {
    const ports = deployPorts();
    const d = await pendingBilling(ports);
    expect((await vote(ports, d.id, "U0MALLORY", { vote: "approve" })).result).toMatchObject({ why: "not_approver" });
    expect((await vote(ports, 999, "U0BOB", { vote: "approve" })).result).toEqual({ refused: "not_pending", id: 999 });
  });

  it("counts the last approval needed and leaves the launch to `after`", async () => {
    const ports = deployPorts();
    const d = await pendingBilling(ports);
    const outcome = await vote(ports, d.id, "U0BOB", { vote: "approve" });
    expect(outcome.result).toEqual({ done: "approved_last", id: d.id });
    expect(outcome.after).toBeTypeOf("function");
    expect((await vote(ports, d.id, "U0BOB", { vote: "approve" })).result).toEqual({
      done: "already_approved",
      id: d.id,
      remaining: 0,
    });
  });

  it("lets only the requester cancel", async () => {
    const ports = deployPorts();
    const d = await pendingBilling(ports);
    expect((await cancelRequest(ports, d.id, "U0BOB")).result).toEqual({
      refused: "not_requester",
      id: d.id,
      requester: "U0ALICE",
    });
  });

  it("takes no vote before the commit is pinned, but takes the requester's cancel", async () => {
    const ports = deployPorts();
    const d = await pendingBilling(ports);
    await ports.store.patch(d.id, { sha: null }, new Date().toISOString());
    expect((await vote(ports, d.id, "U0BOB", { vote: "approve" })).result).toEqual({ refused: "not_ready", id: d.id });
    expect(await ports.store.votes(d.id)).toEqual([]);
    expect((await cancelRequest(ports, d.id, "U0ALICE")).result).toEqual({ done: "cancelled", id: d.id });
  });

  it("does not cancel a deploy an approval started meanwhile: the cancel read it still waiting", async () => {
    const ports = deployPorts();
    const d = await pendingBilling(ports);
    // The approval wins the race between the cancel's read and its write.
    const read = ports.store.getDeployment.bind(ports.store);
    ports.store.getDeployment = async (id: number) => {
      const seen = await read(id);
      ports.store.getDeployment = read;
      await ports.store.transition(
        id,
        ["pending_approval"],
        "requested",
        {},
        {
          actor: "U0BOB",
          action: "deploy.requested",
          detail: {},
          at: new Date().toISOString(),
        },
      );
      return seen;
    };
    expect((await cancelRequest(ports, d.id, "U0ALICE")).result).toEqual({
      refused: "not_pending",
      id: d.id,
      state: "requested",
    });
    expect((await ports.store.getDeployment(d.id))?.state).toBe("requested");
  });
});

describe("lock and unlock", () => {
  it("locks for its holder, refuses a second holder with the lock, and tells waiters when it goes", async () => {
    const ports = deployPorts();
    const where = { service: "checkout-api", environment: "staging" };
    const taken = await lock(ports, { ...where, user: "U0CAROL", duration: "2h", reason: "load test" });
    expect(taken).toMatchObject({ done: "locked", duration: "2h", lock: { holder: "U0CAROL", reason: "load test" } });
    expect(await lock(ports, { ...where, user: "U0BOB" })).toMatchObject({
      refused: "held",
      lock: { holder: "U0CAROL" },
    });
    await ports.store.addLockWaiter(where.service, where.environment, "U0BOB", new Date().toISOString());
    expect(await unlock(ports, { ...where, user: "U0ALICE" })).toEqual({ done: "unlocked", ...where });
    const told = ports.notifier.said.filter((s) => s.what === "toUser").map((s) => s.to);
    expect(told.sort()).toEqual(["U0BOB", "U0CAROL"]);
    expect(ports.notifier.said[0]?.notice).toMatchObject({ notice: "unlocked", by: "U0ALICE" });
  });

  it("refuses a lock longer than the maximum with the check's data", async () => {
    const outcome = await lock(deployPorts(), {
      service: "checkout-api",
      environment: "staging",
      user: "U0CAROL",
      duration: "90d",
    });
    expect(outcome).toMatchObject({ refused: "bad_duration", check: { why: "too_long", duration: "90d" } });
  });
});
