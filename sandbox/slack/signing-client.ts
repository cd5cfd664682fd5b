import { createHmac } from "node:crypto";
import type { BlockAction, ButtonAction, SlashCommand, ViewSubmitAction } from "@slack/bolt";
import type { SlackEmulator } from "./emulator.js";
import type { ViewStateSelectedOption } from "@slack/bolt";
import type { PlainTextOption } from "@slack/types";
import { SlackPayloads, VERIFICATION_TOKEN, type ButtonClick, type ViewSubmission } from "./payloads.js";
import type { SuggestionRequest, ViewButtonClick, ViewSelect } from "./payloads-views.js";
import { clientErrors } from "./view-state.js";

/** Slack's request signature: "v0=" + hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SigningClientOptions {
  /** The bot's events endpoint, e.g. http://127.0.0.1:3000/slack/events */
  botUrl: string;
  signingSecret: string;
  slack: SlackEmulator;
  /** The workspace the payloads claim to come from; the emulator's by default. */
  teamId?: string;
  /** The organization they claim; the emulator's by default, none with null. */
  enterpriseId?: string | null;
  /** Seconds clock for X-Slack-Request-Timestamp. */
  now?: () => number;
}

export interface SendOptions {
  timestamp?: number;
  /** Sign with this secret instead, to exercise signature rejection. */
  secret?: string;
  /** Sets X-Slack-Retry-Num (and a retry reason), as Slack does when it redelivers. */
  retryNum?: number;
}

export interface BotResponse {
  status: number;
  body: string;
  /** The body parsed as JSON when it is JSON (e.g. an `ack({ text })`). */
  json?: unknown;
}

/** Plays Slack toward a bot's HTTP endpoint: builds realistic payloads, form-encodes and signs them. */
export class SlackSigningClient {
  readonly payloads: SlackPayloads;

  constructor(private readonly opts: SigningClientOptions) {
    this.payloads = new SlackPayloads(opts.slack, {
      ...(opts.teamId !== undefined ? { teamId: opts.teamId } : {}),
      ...(opts.enterpriseId !== undefined ? { enterpriseId: opts.enterpriseId } : {}),
      ...(opts.now !== undefined ? { now: () => (opts.now?.() ?? 0) * 1000 } : {}),
    });
  }

  slashCommandPayload(user: string, command: string, text: string, opts: { channel?: string } = {}): SlashCommand {
    return this.payloads.slashCommand(user, command, text, opts);
  }

  blockActionPayload(user: string, action: ButtonClick, opts: { channel?: string } = {}): BlockAction<ButtonAction> {
    return this.payloads.blockAction(user, action, opts);
  }

  viewSubmissionPayload(user: string, view: ViewSubmission = {}): ViewSubmitAction {
    return this.payloads.viewSubmission(user, view);
  }

  command(
    user: string,
    command: string,
    text: string,
    opts: SendOptions & { channel?: string } = {},
  ): Promise<BotResponse> {
    const payload = this.slashCommandPayload(
      user,
      command,
      text,
      opts.channel !== undefined ? { channel: opts.channel } : {},
    );
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(payload)) if (value !== undefined) form.append(key, String(value));
    return this.send(form.toString(), opts);
  }

  blockAction(user: string, action: ButtonClick, opts: SendOptions & { channel?: string } = {}): Promise<BotResponse> {
    const payload = this.blockActionPayload(user, action, opts.channel !== undefined ? { channel: opts.channel } : {});
    return this.send(interactiveBody(payload), opts);
  }

  /**
   * Submits a modal. Without `values`, it sends what the emulator holds for it, after the checks Slack's client
   * makes (required fields, lengths): when those fail nothing is sent and `clientErrors` says why, by block_id.
   * The app's answer is applied to the emulator's view: closed, updated, or showing the field errors.
   */
  async viewSubmission(
    user: string,
    view: ViewSubmission = {},
    opts: SendOptions = {},
  ): Promise<BotResponse & { clientErrors?: Record<string, string> }> {
    const payload = this.viewSubmissionPayload(user, view);
    if (view.values === undefined) {
      const errors = clientErrors(payload.view.blocks, payload.view.state.values);
      if (Object.keys(errors).length > 0) return { status: 0, body: "", clientErrors: errors };
    }
    const res = await this.send(interactiveBody(payload), opts);
    if (res.status === 200) this.opts.slack.applySubmissionAnswer(payload.view.id, res.json);
    return res;
  }

  /** The Events API's `app_home_opened`: `user` opened the app's Home tab. */
  appHomeOpened(user: string, opts: SendOptions & { tab?: "home" | "messages" } = {}): Promise<BotResponse> {
    return this.sendEvent(this.payloads.appHomeOpened(user, opts.tab), opts);
  }

  /** The challenge Slack sends when an events URL is saved; the app must answer it. */
  urlVerification(challenge: string, opts: SendOptions = {}): Promise<BotResponse> {
    return this.sendEvent({ token: VERIFICATION_TOKEN, challenge, type: "url_verification" }, opts);
  }

  /** A button clicked in a Home tab or a modal (`view`: a view id, "home" or "modal"). */
  viewButton(user: string, click: ViewButtonClick, opts: SendOptions = {}): Promise<BotResponse> {
    return this.send(interactiveBody(this.payloads.viewButton(user, click)), opts);
  }

  /** Picks an option in a view's select; sends block_actions when Slack would (undefined when it would not). */
  async viewSelect(user: string, select: ViewSelect, opts: SendOptions = {}): Promise<BotResponse | undefined> {
    const payload = this.payloads.viewSelect(user, select);
    return payload ? this.send(interactiveBody(payload), opts) : undefined;
  }

  /** Asks the app for an external_select's options as Slack does while someone types; `options` is what it answered. */
  async blockSuggestion(
    user: string,
    ask: SuggestionRequest,
    opts: SendOptions = {},
  ): Promise<BotResponse & { options: ViewStateSelectedOption[] }> {
    const res = await this.send(interactiveBody(this.payloads.blockSuggestion(user, ask)), opts);
    const body = (res.json ?? {}) as { options?: PlainTextOption[]; option_groups?: { options?: PlainTextOption[] }[] };
    const listed = body.options ?? (body.option_groups ?? []).flatMap((g) => g.options ?? []);
    return {
      ...res,
      options: listed.flatMap((o) => (o.value !== undefined ? [{ text: o.text, value: o.value }] : [])),
    };
  }

  /** Events API requests travel as JSON, signed the same way. */
  sendEvent(payload: object, opts: SendOptions = {}): Promise<BotResponse> {
    const body = JSON.stringify(payload);
    return this.raw(body, { ...this.signedHeaders(body, opts), "content-type": "application/json" });
  }

  /** The headers Slack would send with `body`. */
  signedHeaders(body: string, opts: SendOptions = {}): Record<string, string> {
    const timestamp = opts.timestamp ?? Math.floor(this.opts.now?.() ?? Date.now() / 1000);
    return {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(opts.secret ?? this.opts.signingSecret, timestamp, body),
      ...(opts.retryNum !== undefined
        ? { "x-slack-retry-num": String(opts.retryNum), "x-slack-retry-reason": "http_timeout" }
        : {}),
    };
  }

  send(body: string, opts: SendOptions = {}): Promise<BotResponse> {
    return this.raw(body, this.signedHeaders(body, opts));
  }

  /** Posts exactly this body and these headers, for tampered or unsigned requests. */
  async raw(body: string, headers: Record<string, string>): Promise<BotResponse> {
    const res = await fetch(this.opts.botUrl, { method: "POST", headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text.trim().startsWith("{") ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: text, ...(json !== undefined ? { json } : {}) };
  }
}

/** Interactive payloads travel as a single form field holding JSON. */
function interactiveBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
