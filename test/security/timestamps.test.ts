/**
 * Attack: a request signed now with a timestamp from the future can be replayed until that time comes. Bolt refuses
 * timestamps more than five minutes old; Gantry must refuse those more than five minutes ahead too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNEL, USERS } from "../support/harness.js";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const deploy = (timestamp: number) =>
  t.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL, timestamp });

describe("request timestamps", () => {
  it("a correctly signed command dated ten minutes in the future is refused with 401 and does nothing", async () => {
    expect((await deploy(now() + 10 * 60)).status).toBe(401);
    expect((await deploy(now() + 60 * 60)).status).toBe(401);
    // Only what Gantry reads at start-up (the configured repositories' default branches), nothing for the requests.
    expect(t.gh.calls.filter((c) => c.operationId !== "repos/get")).toEqual([]);
  });

  it("a correctly signed command dated ten minutes ago is refused with 401", async () => {
    expect((await deploy(now() - 10 * 60)).status).toBe(401);
  });

  it("a timestamp that is not a number is refused with 401", async () => {
    const body = "command=%2Fdeploy&text=help";
    const headers = { ...t.client.signedHeaders(body), "x-slack-request-timestamp": "soon" };
    expect((await t.client.raw(body, headers)).status).toBe(401);
  });

  it("a command dated a minute ahead (a clock slightly off) is still served", async () => {
    const res = await t.client.command(USERS.alice, "/deploy", "help", { channel: CHANNEL, timestamp: now() + 60 });
    expect(res.status).toBe(200);
  });
});
