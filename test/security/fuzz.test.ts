/**
 * Fuzz: a few thousand signed Slack requests (commands, clicks, submissions, suggestions, events, arbitrary JSON and
 * form bodies under odd content types) and signed GitHub webhooks (arbitrary events and JSON), sent to one Gantry
 * process twenty at a time. Throughout, the process never exits, every request is answered (never with a 5xx), and
 * /healthz answers; the last resort never has to catch anything; and nothing reached GitHub that the policy would
 * refuse: production needs two approvals from people who never click here, so no dispatch may name it, and no
 * repository but the configured ones is ever touched.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhook } from "../../sandbox/github/webhooks.js";
import { fuzzCase, type FuzzCase } from "../support/fuzz-cases.js";
import { CHANNEL, USERS } from "../support/harness.js";
import { startTarget, TARGET_CONFIG, WEBHOOK_SECRET, type Target } from "../support/security-target.js";

const BATCH = 20;
const BATCHES = 200;

/** TARGET_CONFIG, with production's approvers people the fuzz never is. */
const CONFIG = structuredClone(TARGET_CONFIG);
CONFIG.services["checkout-api"].environments.production.approvals.approvers = ["U0NOBODY1", "U0NOBODY2"];

let t: Target;
beforeAll(async () => {
  t = await startTarget({ config: CONFIG });
});
afterAll(async () => {
  await t.stop();
});

/** Sends one case; the status, or what went wrong with the connection. */
async function send(c: FuzzCase): Promise<number | string> {
  try {
    if (c.to === "github") {
      const headers = {
        "content-type": c.contentType,
        "x-github-event": c.event,
        "x-github-delivery": crypto.randomUUID(),
        "x-hub-signature-256": signWebhook(WEBHOOK_SECRET, c.body),
      };
      const res = await fetch(`${t.url}/github/webhooks`, { method: "POST", headers, body: c.body });
      await res.arrayBuffer();
      return res.status;
    }
    const { body, contentType } = c.build(t);
    const headers: Record<string, string> = { ...t.client.signedHeaders(body) };
    if (contentType === undefined) delete headers["content-type"];
    else headers["content-type"] = contentType;
    return (await t.client.raw(body, headers)).status;
  } catch (err) {
    return err instanceof Error
      ? `${err.message} ${String((err.cause as Error | undefined)?.message ?? "")}`
      : String(err);
  }
}

describe("fuzz", () => {
  it("thousands of signed Slack bodies and GitHub webhooks: Gantry keeps serving and dispatches nothing the policy refuses", async () => {
    // A real deploy first, so clicks on ids 1 and 2 find something to act on.
    await t.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    await t.client.command(USERS.carol, "/deploy", "checkout-api main to production", { channel: CHANNEL });
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map(send));
        const bad = answers.flatMap((answer, i) =>
          typeof answer !== "number" || answer >= 500 ? [`${String(answer)} for ${fc.stringify(batch[i])}`] : [],
        );
        // On a failure, Gantry's own account of it: its last error lines.
        const errors = bad.length
          ? t.proc.stderr
              .split("\n")
              .filter((l) => l.includes('"level":50') || l.includes('"level":60'))
              .slice(-5)
          : [];
        expect({ bad, errors }).toEqual({ bad: [], errors: [] });
        expect(await t.alive()).toBe(true);
      }),
      { numRuns: BATCHES, endOnFailure: true },
    );
    const dispatched = t.gh.calls.filter(
      (c) => c.method === "POST" && (c.path.endsWith("/dispatches") || c.path.endsWith("/deployments")),
    );
    expect(dispatched.length).toBeGreaterThan(0);
    for (const call of dispatched) {
      const target = call.path.endsWith("/dispatches")
        ? (call.body as { inputs?: { environment?: string } }).inputs?.environment
        : (call.body as { environment?: string }).environment;
      expect({ path: call.path, target }).toMatchObject({
        path: expect.stringMatching(/^\/repos\/acme\/(checkout-api|billing-worker)\//),
        target: "staging",
      });
    }
  }, 120_000);
});
