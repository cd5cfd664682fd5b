import { describe, expect, it } from "vitest";
import { askToDeploy } from "../../src/deploy/ask.js";
import { buildView } from "../../src/deploy/view.js";
import { deployMessage } from "../../src/slack/messages/deploy-message.js";
import { deployRefusalMessage } from "../../src/slack/messages/refusals.js";
import { deployPorts, NOW } from "../support/deploy-ports.js";

const ask = {
  service: "billing",
  environment: "production",
  ref: "main",
  sha: "c".repeat(40),
  requester: "U0ALICE",
  channel: "C0DEPLOYS",
  kind: "deploy" as const,
};

describe("times in Slack messages", () => {
  it("an approval's expiry is a <!date^…> each reader sees in their own zone, with a UTC fallback, never ISO", async () => {
    const ports = deployPorts();
    const asked = await askToDeploy(ports, ask);
    if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
    const message = JSON.stringify(deployMessage(asked.deployment, await buildView(ports, asked.deployment), []));
    const expires = NOW.getTime() / 1000 + 3600;
    expect(message).toContain(`Expires <!date^${expires}^{date_short_pretty} {time}|2026-12-01 11:00 UTC>.`);
    expect(message).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it("a lock refusal says when the lock ends the same way", async () => {
    const ports = deployPorts();
    await ports.store.acquireLock({
      service: "billing",
      environment: "production",
      holder: "U0CAROL",
      reason: "migration",
      createdAt: NOW.toISOString(),
      expiresAt: "2026-12-01T12:30:00.000Z",
    });
    const asked = await askToDeploy(ports, ask);
    if (asked.ok) throw new Error("expected a refusal");
    const text = deployRefusalMessage(asked.refusal, NOW).text.mrkdwn;
    expect(text).toContain("The lock ends <!date^1796128200^{date_short_pretty} {time}|2026-12-01 12:30 UTC>");
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
