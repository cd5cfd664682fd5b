/**
 * What the security tests share: the moves an ordinary user can make against a running Gantry; everything Slack was
 * asked to render (as mrkdwn), the tokens in it that would ping or link; and GitHub webhooks signed with the hook's
 * secret as an attacker holding it would send them.
 */
import { expect } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, type Harness } from "../support/harness.js";
import { signWebhook } from "../../sandbox/github/webhooks.js";
import type { SlackEmulator } from "../../sandbox/slack/emulator.js";

/** acme/checkout-api in workflow mode with these environments, plus other services and top-level keys if given. */
export function checkoutConfig(
  environments: Record<string, unknown>,
  top: { services?: Record<string, unknown>; [key: string]: unknown } = {},
): GantryConfig {
  const { services, ...rest } = top;
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    ...rest,
    services: { "checkout-api": { repo: "acme/checkout-api", workflow: "deploy.yml", environments }, ...services },
  });
}

/** A slash command; the reply Slack would show, and the deploy it started (once it ends), if any. */
export async function command(
  h: Harness,
  user: string,
  name: string,
  text: string,
  channel = CHANNEL,
): Promise<{ text: string; deploy?: Deployment }> {
  const before = await newestId(h);
  const res = await h.client.command(user, name, text, { channel });
  expect(res.status).toBe(200);
  // The answer may be the acknowledgement or, when deciding needed Slack, the response_url reply after it.
  const reply = res.answer?.text ?? (res.body ? (JSON.parse(res.body) as { text: string }).text : "");
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
  const res = await h.client.blockAction(user, {
    actionId,
    value,
    message: { channel: d.slackChannel!, ts: d.slackTs! },
  });
  expect(res.status).toBe(200);
}

/** The next ephemeral answer to `user` that contains `text`. */
export function answer(h: Harness, user: string, text: string) {
  return h.slack.waitForEphemeral((m) => m.visibleTo === user && m.text.includes(text));
}

export const dispatches = (h: Harness) => h.gh.calls.filter((c) => c.path.endsWith("/dispatches"));
export const dispatchedShas = (h: Harness) =>
  dispatches(h).map((c) => (c.body as { inputs: { sha: string } }).inputs.sha);

/** A tag on a new commit of acme/checkout-api's main branch; returns its sha. */
export function tag(h: Harness, name: string, author?: { name: string; email: string; login: string }): string {
  const sha = h.gh.addCommit("acme/checkout-api", {
    message: `release ${name}`,
    branch: "main",
    ...(author ? { author } : {}),
  });
  h.gh.setTag("acme/checkout-api", name, sha);
  return sha;
}

export const blocksOf = (h: Harness, d: Deployment) =>
  JSON.stringify(h.slack.findMessage(d.slackChannel!, d.slackTs!)!.blocks);

export const WEBHOOK_SECRET = "whsec-security-0123456789";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every mrkdwn string inside a list of blocks: section texts and fields, context elements. */
function blockTexts(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  const out: string[] = [];
  const take = (t: unknown) => {
    if (isObj(t) && t.type === "mrkdwn" && typeof t.text === "string") out.push(t.text);
  };
  for (const b of blocks) {
    if (!isObj(b)) continue;
    take(b.text);
    if (Array.isArray(b.fields)) b.fields.forEach(take);
    if (Array.isArray(b.elements)) b.elements.forEach(take);
  }
  return out;
}

export interface Rendered {
  /** Where it was shown: the channel (or user for an ephemeral) and how it arrived. */
  where: string;
  /** `text` is what notifications show; the rest are the blocks' mrkdwn. */
  text: string;
  blocks: string[];
}

/** Every message Slack holds, each version of it, channel posts, thread replies, DMs and ephemerals alike. */
export function everythingShown(slack: SlackEmulator): Rendered[] {
  const out: Rendered[] = [];
  for (const m of [...slack.messages(), ...slack.ephemerals()]) {
    const where = `${m.visibleTo ? `ephemeral to ${m.visibleTo} in ` : ""}${m.channel} via ${m.via}`;
    for (const v of [...m.history, m]) out.push({ where, text: v.text ?? "", blocks: blockTexts(v.blocks) });
  }
  return out;
}

/** Slack's control sequences in a mrkdwn string: `<!channel>`, `<@U…>`, `<!subteam^…>`, `<url|label>`. */
export function controlTokens(mrkdwn: string): string[] {
  return mrkdwn.match(/<[^<>]*>/g) ?? [];
}

/** The tokens an attacker wants to get through: broadcasts, group pings, a stranger's mention, a link elsewhere. */
export function forgedTokens(
  shown: readonly Rendered[],
  allowed: (token: string) => boolean,
): { where: string; token: string }[] {
  const out: { where: string; token: string }[] = [];
  for (const r of shown) {
    for (const token of [r.text, ...r.blocks].flatMap(controlTokens))
      if (!allowed(token)) out.push({ where: r.where, token });
  }
  return out;
}

/** Gantry's own words for the links it shows. */
export const LINK_LABELS = ["workflow run", "deployment", "details"];

/**
 * Mentions of the people a test involves, Slack's date tokens, and links to GitHub's own pages (or `linkHosts`) that
 * carry one of Gantry's labels are Gantry's; anything else in angle brackets was smuggled in.
 */
export function gantrysOwn(
  users: readonly string[],
  linkHosts: readonly string[] = ["https://github.com/"],
  labels = LINK_LABELS,
): (token: string) => boolean {
  return (token) => {
    if (users.some((u) => token === `<@${u}>`)) return true;
    if (/^<!date\^\d+\^[^|<>]*\|[^<>]*>$/.test(token)) return true;
    const link = /^<([^|<>]+)\|([^<>|]+)>$/.exec(token);
    return (
      !!link &&
      linkHosts.some((h) => link[1]!.startsWith(h)) &&
      (labels.includes(link[2]!) || /^#\d+$|^[a-f0-9]{7}$/.test(link[2]!))
    );
  };
}

/** POSTs a webhook signed with the secret, as GitHub (or whoever holds the secret) would. */
export async function sendWebhook(
  url: string,
  event: string,
  payload: unknown,
  delivery = `forged-${Math.random().toString(16).slice(2)}`,
): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": delivery,
      "x-hub-signature-256": signWebhook(WEBHOOK_SECRET, body),
    },
    body,
  });
  await res.text();
  return res.status;
}

/** Points the GitHub emulator's webhook at Gantry's own `/github/webhooks`; returns that URL. */
export function hookUp(h: Harness): string {
  const url = `${h.gantry.url}/github/webhooks`;
  h.gh.setWebhook({ url, secret: WEBHOOK_SECRET });
  return url;
}

/** Every delivery answered and everything Gantry accepted from them processed. */
export async function webhooksSettled(h: Harness): Promise<void> {
  await h.gh.deliveriesSettled();
  await h.gantry.githubWebhooks?.idle();
}

/** The newest deploy of a service. */
export async function newest(h: Harness, service = "checkout-api"): Promise<number> {
  const [d] = await h.gantry.store.history(service, undefined, 1);
  if (!d) throw new Error(`no deploy of ${service} was recorded`);
  return d.id;
}

/**
 * Slash commands as a person sends them, keeping what Slack would show of each answer: the acknowledgement's body
 * (shown to the sender) as well as whatever comes later by response_url.
 */
export class Conversation {
  readonly acks: Rendered[] = [];

  constructor(private readonly h: Harness) {}

  /** Sends `command text` as `user`; returns the acknowledgement's body as Slack got it. */
  async send(
    user: string,
    command: string,
    text: string,
    channel = "C0PAYMENTS",
  ): Promise<{ status: number; body: string; json?: unknown }> {
    const res = await this.h.client.command(user, command, text, { channel });
    const json = res.json as { text?: unknown; blocks?: unknown } | undefined;
    if (json && typeof json.text === "string")
      this.acks.push({ where: `ack to ${user}`, text: json.text, blocks: blockTexts(json.blocks) });
    return res;
  }

  /** Sends a command whose answer is known to come, in the acknowledgement or afterwards by response_url. */
  async answer(user: string, command: string, text: string, channel = "C0PAYMENTS"): Promise<string> {
    const before = this.h.slack.ephemerals(user).length;
    const res = await this.send(user, command, text, channel);
    const json = res.json as { text?: unknown } | undefined;
    if (json && typeof json.text === "string") return json.text;
    const later = await this.h.slack.waitForEphemeral(
      (m) => m.visibleTo === user && this.h.slack.ephemerals(user).indexOf(m) >= before,
      10_000,
    );
    return later.text;
  }

  /** Everything shown: Slack's messages and the acknowledgements. */
  shown(): Rendered[] {
    return [...everythingShown(this.h.slack), ...this.acks];
  }
}
