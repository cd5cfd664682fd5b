/**
 * Attack: correctly signed Slack requests whose bodies are not objects, or not of a shape Bolt and Gantry read.
 * Bolt's receiver reads `body.ssl_check` before anything catches, so `null` there was a TypeError that ended the
 * process; a field of the wrong type was a 500 from inside Bolt. Each such body must get a 400 and leave Gantry
 * serving; a well-formed request nobody listens for is answered at once, not after Bolt's three seconds.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { USERS } from "../support/harness.js";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target;
beforeEach(async () => {
  t = await startTarget();
});
afterEach(async () => {
  await t.stop();
});

/** The status Gantry answered, or "no answer" when the connection died with the process. */
async function status(send: Promise<{ status: number }>): Promise<number | "no answer"> {
  return send.then(
    (r) => r.status,
    () => "no answer" as const,
  );
}

const json = (body: string) =>
  t.client.raw(body, { ...t.client.signedHeaders(body), "content-type": "application/json" });

describe("signed bodies that are not objects", () => {
  it("a signed interactivity body payload=null does not end the process", async () => {
    expect(await status(t.client.send("payload=null"))).toBe(400);
    expect(await t.alive()).toBe(true);
  });

  it("a signed JSON body null does not end the process", async () => {
    expect(await status(json("null"))).toBe(400);
    expect(await t.alive()).toBe(true);
  });

  it("signed JSON arrays, numbers, strings and booleans are refused with 400", async () => {
    for (const body of ["[]", "[{}]", "42", '"event_callback"', "true", "{"]) {
      expect({ body, status: await status(json(body)) }).toEqual({ body, status: 400 });
    }
    expect(await t.alive()).toBe(true);
  });

  it("signed form payloads that do not decode to objects are refused with 400", async () => {
    for (const payload of ["[]", "[null]", "1", '"block_actions"', "false", "not json", ""]) {
      const body = `payload=${encodeURIComponent(payload)}`;
      expect({ payload, status: await status(t.client.send(body)) }).toEqual({ payload, status: 400 });
    }
    expect(await t.alive()).toBe(true);
  });

  it("signed objects of a kind Gantry does not serve, or with fields of the wrong type, are refused with 400", async () => {
    const click = t.client.blockActionPayload(USERS.bob, { actionId: "approve_deploy", value: "1" });
    const bodies: unknown[] = [
      {},
      { type: "shortcut", callback_id: "x" },
      { ...click, actions: "approve_deploy" },
      { ...click, channel: null },
      { ...click, user: 7 },
      { type: "view_submission", user: { id: "U1" } },
    ];
    for (const body of bodies)
      expect(await status(t.client.send(`payload=${encodeURIComponent(JSON.stringify(body))}`))).toBe(400);
    expect(await t.alive()).toBe(true);
  });

  it("a signed click on a button Gantry never drew is acknowledged at once, and does nothing", async () => {
    const res = await t.client.blockAction(USERS.bob, { actionId: "no_such_button", value: "1" });
    expect([res.status, res.body]).toEqual([200, ""]);
  });

  it("a signed form body with two payload fields is refused with 400", async () => {
    expect(await status(t.client.send("payload=%7B%7D&payload=%7B%7D"))).toBe(400);
    expect(await t.alive()).toBe(true);
  });
});

describe("signed modal submissions without private_metadata", () => {
  it("a lock form, deploy form or Reject modal submitted with no private_metadata is answered as out of date, never a 500", async () => {
    for (const callbackId of ["lock_form", "deploy_form", "reject_deploy_modal"]) {
      const payload = {
        type: "view_submission",
        team: { id: "T0GANTRY", domain: "acme" },
        user: { id: USERS.alice, team_id: "T0GANTRY" },
        api_app_id: "A0GANTRY",
        token: "x",
        trigger_id: "1.2.3",
        view: { id: "V0FORM", type: "modal", callback_id: callbackId, hash: "1.x", state: { values: {} } },
      };
      const res = await t.client.send(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      expect({ callbackId, status: res.status }).toEqual({ callbackId, status: 200 });
    }
    expect(await t.alive()).toBe(true);
    expect(t.proc.stderr).not.toContain("Cannot read properties of undefined");
  });
});
