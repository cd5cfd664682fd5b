/**
 * The one place where text becomes Slack mrkdwn. A `SlackText` is made only here: by the `mrkdwn` tag, whose literal
 * parts are Gantry's own words and whose every interpolated string (a ref, a commit message, a reason, a vendor's
 * error) is escaped; or by the helpers below for code spans, mentions, dates and links. Messages, their `text`
 * fallback (what notifications show), thread posts, ephemeral answers and DMs all take a `SlackText`, so untrusted
 * text cannot reach Slack unescaped. ESLint keeps `"mrkdwn"` text objects out of every other file.
 */
import type { Button, KnownBlock } from "@slack/types";

const MINT = Symbol("SlackText");

/** Slack mrkdwn that is safe to send: see the module comment for how one is made. */
export class SlackText {
  readonly mrkdwn: string;

  constructor(mint: typeof MINT, mrkdwn: string) {
    if (mint !== MINT) throw new Error("SlackText is made with mrkdwn`…` or the helpers in src/slack/mrkdwn.ts");
    this.mrkdwn = mrkdwn;
  }

  toString(): string {
    return this.mrkdwn;
  }
}

const made = (mrkdwn: string): SlackText => new SlackText(MINT, mrkdwn);

/** What may be interpolated: Gantry's own SlackText as is; strings and numbers escaped. */
export type Part = SlackText | string | number;

/**
 * Slack's control characters, escaped as Slack asks: `&`, `<` and `>`. With them no mention (`<!channel>`,
 * `<@U…>`, `<!subteam^…>`) and no link (`<url|label>`) can be written.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function part(p: Part): string {
  return p instanceof SlackText ? p.mrkdwn : escapeText(String(p));
}

/**
 * mrkdwn`*${service}* is locked: ${reason}`. Every string is escaped, the literal parts too: formatting (`*bold*`,
 * `_italic_`, code, emoji) passes, but a mention, a date or a link can only come from the helpers below, interpolated
 * as the SlackText they make.
 */
export function mrkdwn(strings: TemplateStringsArray, ...values: Part[]): SlackText {
  let out = escapeText(strings[0] ?? "");
  values.forEach((v, i) => (out += part(v) + escapeText(strings[i + 1] ?? "")));
  return made(out);
}

/** Text shown as it is written, with nothing of Slack's markup (the same as interpolating it). */
export const text = (t: Part): SlackText => made(part(t));

export function join(parts: readonly Part[], separator: Part = ""): SlackText {
  return made(parts.map(part).join(part(separator)));
}

/** A character that looks like a backtick and cannot end a code span. */
const GRAVE = "\u02cb";

/** `text` as an inline code span: escaped, with backticks and line breaks (which would end the span) neutralised. */
export function code(t: string): SlackText {
  const inner = escapeText(t)
    .replace(/`/g, GRAVE)
    .replace(/[\r\n]+/g, " ");
  return made(`\`${inner || " "}\``);
}

/** `*text*`, escaped. */
export const bold = (t: Part): SlackText => made(`*${part(t)}*`);

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A mention of a Slack user by id; anything that is not a user id is shown as code, never as a mention. */
export function user(id: string): SlackText {
  return USER_ID.test(id) ? made(`<@${id}>`) : code(id);
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** A link to a Slack channel by id; anything that is not a channel id is shown as code, never as a link. */
export function channelLink(id: string): SlackText {
  return CHANNEL_ID.test(id) ? made(`<#${id}>`) : code(id);
}

/** `user`, for where a variable of that name is about. */
export const mention = user;

/** Who a policy names, for a sentence: user ids as mentions, `@group` handles as code ("`@platform` or <@U…>"). */
export function principals(list: readonly string[]): SlackText {
  const names = list.map((p) => (p.startsWith("@") ? code(p) : user(p)));
  if (names.length <= 1) return join(names);
  return mrkdwn`${join(names.slice(0, -1), ", ")} or ${names.at(-1)!}`;
}

/** A time Slack shows in each reader's own zone (`format` is one of Slack's date tokens), with a fallback text. */
export function date(iso: string, format: string, fallback: string): SlackText {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds) || !/^[{}a-z_ ]+$/.test(format)) return text(fallback);
  return made(`<!date^${seconds}^${format}|${escapeText(fallback)}>`);
}

/**
 * An absolute time as Slack shows it in each reader's own time zone (`<!date^…>`); where Slack cannot (notifications,
 * old clients) the fallback is the time in UTC, to the minute: never a raw ISO timestamp.
 */
export function when(iso: string): SlackText {
  return date(iso, "{date_short_pretty} {time}", `${iso.slice(0, 16).replace("T", " ")} UTC`);
}

/** The web origins a link may go to: GitHub's (github.com or Enterprise Server), and Jira's when configured. */
export interface LinkHosts {
  github?: string;
  jira?: string;
}

/**
 * The URL as Slack may link it, or undefined: https (or exactly the configured origin's scheme) on one of `origins`,
 * without credentials, and with `|`, `<` and `>` percent-encoded so that it can neither choose its label nor end the
 * link early.
 */
export function safeUrl(raw: string | null | undefined, origins: readonly (string | undefined)[]): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const allowed = origins.flatMap((o) => {
    try {
      return o ? [new URL(o)] : [];
    } catch {
      return [];
    }
  });
  // A configured http origin (a lab's Enterprise Server, the sandbox) is linked as configured; anything else needs https.
  const fits =
    (url.protocol === "https:" || url.protocol === "http:") &&
    allowed.some((o) => o.host === url.host && o.protocol === url.protocol);
  if (!fits) return undefined;
  return url.href.replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/&/g, "&amp;");
}

/**
 * `<url|label>` when the URL may be linked (see safeUrl); otherwise the label followed by the URL as code, so a
 * reader still sees where it would have gone and nothing of it is clickable.
 */
export function link(
  url: string | null | undefined,
  label: string,
  origins: readonly (string | undefined)[],
): SlackText {
  const safe = safeUrl(url, origins);
  if (safe) return made(`<${safe}|${escapeText(label)}>`);
  return url ? mrkdwn`${label} ${code(url)}` : text(label);
}

/** Origins from Gantry's ports: GitHub's web address and Jira's host. */
export function originsOf(hosts: LinkHosts): string[] {
  return [hosts.github ?? "https://github.com", ...(hosts.jira ? [hosts.jira] : [])];
}

// Blocks: the only place mrkdwn text objects are made, from SlackText alone.

const object = (t: SlackText) => ({ type: "mrkdwn" as const, text: t.mrkdwn });

export function section(t: SlackText, extra: { fields?: readonly SlackText[]; accessory?: Button } = {}): KnownBlock {
  return {
    type: "section",
    text: object(t),
    ...(extra.fields ? { fields: extra.fields.map(object) } : {}),
    ...(extra.accessory ? { accessory: extra.accessory } : {}),
  };
}

export function fieldsSection(fields: readonly SlackText[]): KnownBlock {
  return { type: "section", fields: fields.map(object) };
}

export function context(...elements: readonly SlackText[]): KnownBlock {
  return { type: "context", elements: elements.map(object) };
}

/** A message as the Web API and response_url take it: plain strings. */
export function wire(message: { text: SlackText; blocks?: KnownBlock[] }): { text: string; blocks?: KnownBlock[] } {
  return { text: message.text.mrkdwn, ...(message.blocks ? { blocks: message.blocks } : {}) };
}
