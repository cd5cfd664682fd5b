import { expect } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/store/types.js";
import { CHANNEL, type Harness } from "../support/harness.js";

/** The security tests attack a running Gantry from outside: these are the moves an ordinary user can make. */

/** acme/checkout-api in workflow mode with these environments, plus other services and top-level keys if given. */
export function checkoutConfig(environments: Record<string, unknown>, top: { services?: Record<string, unknown>; [key: string]: unknown } = {}): GantryConfig {
  const { services, ...rest } = top;
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    ...rest,
    services: { "checkout-api": { repo: "acme/checkout-api", workflow: "deploy.yml", environments }, ...services },
  });
}

/** A slash command; the reply Slack would show, and the deploy it started (once it ends), if any. */
export async function command(h: Harness, user: string, name: string, text: string, channel = CHANNEL): Promise<{ text: string; deploy?: Deployment }> {
  const before = await newestId(h);
  const res = await h.client.command(user, name, text, { channel });
  expect(res.status).toBe(200);
  const reply = res.body ? (JSON.parse(res.body) as { text: string }).text : "";
  const after = await newestId(h);
  if (after === before) return { text: reply };
  return { text: reply, deploy: await h.finished(after) };
}

/** The id of the newest deploy of any service, 0 when there is none. */
export async function newestId(h: Harness): Promise<number> {
  const all = await Promise.all(Object.keys(h.config.services).map((s) => h.gantry.store.history(s, undefined, 1)));
  return Math.max(0, ...all.flat().map((d) => d.id));
}

/** A click on `d`'s message with whatever action id and value the attacker chooses (Slack sends what it is given). */
export async function click(h: Harness, user: string, d: Deployment, actionId: string, value: string): Promise<void> {
  const res = await h.client.blockAction(user, { actionId, value, message: { channel: d.slackChannel!, ts: d.slackTs! } });
  expect(res.status).toBe(200);
}

/** The next ephemeral answer to `user` that contains `text`. */
export function answer(h: Harness, user: string, text: string) {
  return h.slack.waitForEphemeral((m) => m.visibleTo === user && m.text.includes(text));
}

export const dispatches = (h: Harness) => h.gh.calls.filter((c) => c.path.endsWith("/dispatches"));
export const dispatchedShas = (h: Harness) => dispatches(h).map((c) => (c.body as { inputs: { sha: string } }).inputs.sha);

/** A tag on a new commit of acme/checkout-api's main branch; returns its sha. */
export function tag(h: Harness, name: string, author?: { name: string; email: string; login: string }): string {
  const sha = h.gh.addCommit("acme/checkout-api", { message: `release ${name}`, branch: "main", ...(author ? { author } : {}) });
  h.gh.setTag("acme/checkout-api", name, sha);
  return sha;
}

export const blocksOf = (h: Harness, d: Deployment) => JSON.stringify(h.slack.findMessage(d.slackChannel!, d.slackTs!)!.blocks);
