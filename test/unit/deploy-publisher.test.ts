import { describe, expect, it } from "vitest";
import { show } from "../../src/deploy/publisher.js";
import { vote } from "../../src/deploy/votes.js";
import { completesRound } from "../../src/domain/approval.js";
import type { DeployState } from "../../src/domain/deploy-state.js";
import type { Deployment, Vote } from "../../src/domain/deployment.js";
import { askBilling, deployPorts, NOW } from "../support/deploy-ports.js";

const TWO_APPROVERS = `
timezone: UTC
services:
  billing:
    repo: acme/billing
    workflow: deploy.yml
    environments:
      staging: {}
      production:
        approvals: { required: 2, approvers: [U0BOB, U0CAROL, U0DAVE] }
`;

const move = (ports: ReturnType<typeof deployPorts>, d: Deployment, from: DeployState, to: DeployState) =>
  ports.store.transition(
    d.id,
    [from],
    to,
    {},
    { actor: "gantry", action: `deploy.${to}`, detail: {}, at: NOW.toISOString() },
  );

describe("the deploy message publisher", () => {
  it("folds the changes that land while an update is in flight into one more update, which shows the final state", async () => {
    const ports = deployPorts(TWO_APPROVERS);
    const d = await askBilling(ports, "staging");
    await ports.store.patch(d.id, { slackTs: "1.0001" }, NOW.toISOString());
    const drawn: DeployState[] = [];
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    ports.notifier.updateDeploy = async (x) => {
      drawn.push(x.state);
      if (drawn.length === 1) {
        entered();
        await held;
      }
    };
    const first = show(ports, d.id);
    await inFlight;
    // Three changes, each asking for the message, while the first update is still on its way to Slack.
    const asks: Promise<unknown>[] = [];
    for (const [from, to] of [
      ["requested", "queued"],
      ["queued", "in_progress"],
      ["in_progress", "succeeded"],
    ] as const) {
      await move(ports, d, from, to);
      asks.push(show(ports, d.id));
    }
    release();
    const shown = await Promise.all([first, ...asks]);
    expect(drawn).toEqual(["requested", "succeeded"]);
    expect(shown.at(-1)).toMatchObject({ d: { state: "succeeded" } });
  });

  it("waits up to `withinMs` for the next change, and draws at once when it comes; a first render posts", async () => {
    const ports = deployPorts(TWO_APPROVERS);
    const d = await askBilling(ports, "staging");
    const heldOne = show(ports, d.id, 60_000);
    await move(ports, d, "requested", "queued");
    await show(ports, d.id);
    await heldOne;
    expect(ports.notifier.said.map((s) => s.what)).toEqual(["postDeploy"]);
    expect((await ports.store.getDeployment(d.id))!.slackTs).toBe(`${d.id}.0001`);
    // With nothing after it, a held render goes out once its bound is reached.
    await show(ports, d.id, 5);
    expect(ports.notifier.said.map((s) => s.what)).toEqual(["postDeploy", "updateDeploy"]);
  });
});

describe("an approval round", () => {
  it("two approvals cast at once: only the one that completed the round starts the deploy (one ref check)", async () => {
    const ports = deployPorts(TWO_APPROVERS);
    const d = await askBilling(ports, "production");
    const outcomes = await Promise.all([
      vote(ports, d.id, "U0BOB", { vote: "approve" }),
      vote(ports, d.id, "U0CAROL", { vote: "approve" }),
    ]);
    expect(outcomes.filter((o) => o.after)).toHaveLength(1);
    expect(outcomes.map((o) => ("done" in o.result ? o.result.done : o.result.refused)).sort()).toEqual([
      "approved",
      "approved_last",
    ]);
  });

  it("completesRound names the approval that brought the count to what is required, for its commit", () => {
    const sha = "a".repeat(40);
    const at = NOW.toISOString();
    const votes: Vote[] = [
      { voter: "U0BOB", vote: "approve", sha: "c".repeat(40), at },
      { voter: "U0CAROL", vote: "approve", sha, at },
      { voter: "U0DAVE", vote: "approve", sha, at },
      { voter: "U0ERIN", vote: "approve", sha, at },
    ];
    expect(["U0BOB", "U0CAROL", "U0DAVE", "U0ERIN"].map((v) => completesRound(votes, sha, 2, v))).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });
});
