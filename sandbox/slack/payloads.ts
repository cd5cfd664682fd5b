import type {
  BlockAction,
  BlockSuggestion,
  ButtonAction,
  EnvelopedEvent,
  ExternalSelectAction,
  SlashCommand,
  StaticSelectAction,
  ViewStateValue,
  ViewSubmitAction,
} from "@slack/bolt";
import type { AppHomeOpenedEvent } from "@slack/types";
import { listButtons, type RenderedButton } from "./buttons.js";
import type { SlackEmulator } from "./emulator.js";
import {
  appHomeOpened,
  blockSuggestion,
  commandEnterprise,
  payloadEnterprise,
  payloadTeam,
  viewButtonAction,
  viewOutput,
  viewSelectAction,
  type PayloadContext,
  type SuggestionRequest,
  type ViewBlockAction,
  type ViewButtonClick,
  type ViewSelect,
} from "./payloads-views.js";
import { userNameFor, VERIFICATION_TOKEN } from "./payload-common.js";
import type { EmulatedMessage, EmulatedView } from "./types.js";

export { userNameFor, VERIFICATION_TOKEN } from "./payload-common.js";

export interface ButtonClick {
  actionId: string;
  value?: string;
  blockId?: string;
  /** The message holding the button; when omitted, the newest message (or user's ephemeral) with that button. */
  message?: { channel: string; ts: string };
}

export interface ViewSubmission {
  /** The stored view's id; when omitted, the user's newest modal (matching callbackId if given). */
  id?: string;
  callbackId?: string;
  values?: Record<string, Record<string, ViewStateValue>>;
  privateMetadata?: string;
}

/** Builds the payloads Slack sends to an app, drawing ids, response_urls and messages from the emulator. */
export class SlackPayloads {
  private clicks = 0;
  constructor(
    private readonly slack: SlackEmulator,
    private readonly opts: { teamId?: string; enterpriseId?: string | null; now?: () => number } = {},
  ) {}

  private get teamId(): string {
    return this.opts.teamId ?? this.slack.identity.teamId;
  }

  /** The workspace's organization, unless the payloads are told to name another (or, with null, none). */
  private get enterpriseId(): string | undefined {
    return this.opts.enterpriseId === null ? undefined : (this.opts.enterpriseId ?? this.slack.identity.enterpriseId);
  }

  private channelFor(channel: string | undefined): { id: string; name: string } {
    const id = channel ?? this.slack.defaultChannel()?.id ?? "C0GENERAL";
    const name = this.slack.channel(id)?.name ?? (id.startsWith("D") ? "directmessage" : id.toLowerCase());
    return { id, name };
  }

  slashCommand(user: string, command: string, text: string, opts: { channel?: string } = {}): SlashCommand {
    const channel = this.channelFor(opts.channel);
    // Field order follows Slack's own form bodies, which matters only to humans reading captures.
    return {
      token: VERIFICATION_TOKEN,
      team_id: this.teamId,
      team_domain: this.slack.identity.teamDomain,
      ...commandEnterprise(this.context()),
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user,
      user_name: userNameFor(this.slack, user),
      command: command.startsWith("/") ? command : `/${command}`,
      text,
      api_app_id: this.slack.identity.appId,
      is_enterprise_install: "false",
      response_url: this.slack.responseUrl({ channel: channel.id, user }),
      trigger_id: this.slack.issueTriggerId(user),
    };
  }

  blockAction(user: string, click: ButtonClick, opts: { channel?: string } = {}): BlockAction<ButtonAction> {
    const { message, button } = this.locate(user, click);
    const channel = this.channelFor(message?.channel ?? click.message?.channel ?? opts.channel);
    const name = userNameFor(this.slack, user);
    const nowMs = this.opts.now?.() ?? Date.now();
    const container = message
      ? {
          type: "message",
          message_ts: message.ts,
          channel_id: message.channel,
          is_ephemeral: message.visibleTo !== undefined,
        }
      : { type: "message", channel_id: channel.id, is_ephemeral: false };
    return {
      type: "block_actions",
      user: { id: user, username: name, name, team_id: this.teamId },
      api_app_id: this.slack.identity.appId,
      token: VERIFICATION_TOKEN,
      container,
      trigger_id: this.slack.issueTriggerId(user),
      team: payloadTeam(this.context()),
      ...payloadEnterprise(this.context()),
      is_enterprise_install: false,
      channel,
      // Slack leaves `message` out for ephemeral messages; apps only get the container.
      ...(message && message.visibleTo === undefined ? { message: this.messageBody(message) } : {}),
      state: { values: {} },
      response_url: this.slack.responseUrl({
        channel: channel.id,
        user,
        ...(message ? { messageTs: message.ts } : {}),
      }),
      actions: [
        {
          type: "button",
          action_id: click.actionId,
          block_id: click.blockId ?? button?.blockId ?? "actions",
          text: { type: "plain_text", text: button?.label ?? click.actionId, emoji: true },
          ...(click.value !== undefined || button?.value !== undefined ? { value: click.value ?? button?.value } : {}),
          action_ts: this.actionTs(nowMs),
        },
      ],
    };
  }

  /**
   * The submission of a modal. Without `values`, it carries what the emulator holds for the view: the initial
   * values and whatever was entered with `slack.enter` or `viewSelect`, typed as Slack types them.
   */
  viewSubmission(user: string, submission: ViewSubmission = {}): ViewSubmitAction {
    const stored = this.findView(user, submission);
    const view = viewOutput(this.context(), stored, submission.values);
    if (submission.privateMetadata !== undefined) view.private_metadata = submission.privateMetadata;
    return {
      type: "view_submission",
      team: payloadTeam(this.context()),
      ...payloadEnterprise(this.context()),
      user: { id: user, name: userNameFor(this.slack, user), team_id: this.teamId },
      view,
      api_app_id: this.slack.identity.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: this.slack.issueTriggerId(user),
      is_enterprise_install: false,
      response_urls: [],
    };
  }

  appHomeOpened(user: string, tab: "home" | "messages" = "home"): EnvelopedEvent<AppHomeOpenedEvent> {
    return appHomeOpened(this.context(), user, tab);
  }

  viewButton(user: string, click: ViewButtonClick): ViewBlockAction<ButtonAction> {
    return viewButtonAction(this.context(), user, click);
  }

  viewSelect(user: string, select: ViewSelect): ViewBlockAction<StaticSelectAction | ExternalSelectAction> | undefined {
    return viewSelectAction(this.context(), user, select);
  }

  blockSuggestion(user: string, ask: SuggestionRequest): BlockSuggestion {
    return blockSuggestion(this.context(), user, ask);
  }

  private context(): PayloadContext {
    const nowMs = this.opts.now?.() ?? Date.now();
    const enterpriseId = this.enterpriseId;
    return {
      slack: this.slack,
      teamId: this.teamId,
      ...(enterpriseId ? { enterpriseId } : {}),
      nowMs,
      actionTs: () => this.actionTs(nowMs),
    };
  }

  /** Slack's action_ts is unique per click; the counter keeps two clicks in one millisecond apart. */
  private actionTs(nowMs: number): string {
    return `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000 + (this.clicks++ % 1000)).padStart(6, "0")}`;
  }

  private messageBody(m: EmulatedMessage): NonNullable<BlockAction["message"]> {
    return {
      type: "message",
      ts: m.ts,
      text: m.text,
      ...(m.user !== undefined ? { user: m.user } : {}),
      ...(m.bot_id !== undefined ? { bot_id: m.bot_id, app_id: this.slack.identity.appId } : {}),
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      team: this.teamId,
    };
  }

  private locate(user: string, click: ButtonClick): { message?: EmulatedMessage; button?: RenderedButton } {
    const matches = (b: RenderedButton) =>
      b.actionId === click.actionId && (click.value === undefined || b.value === click.value);
    if (click.message) {
      const { channel, ts } = click.message;
      const message = this.slack.findMessage(channel, ts) ?? this.slack.findEphemeral(user, ts);
      if (!message) throw new Error(`blockAction: no message ${ts} in ${channel} (nor an ephemeral for ${user})`);
      // A stale click on a button the bot has since removed is still a legitimate payload.
      return { message, button: listButtons(message.blocks).find(matches) };
    }
    const candidates = [...this.slack.ephemerals(user), ...this.slack.messages()].sort((a, b) =>
      b.ts.localeCompare(a.ts),
    );
    for (const message of candidates) {
      const button = listButtons(message.blocks).find(matches);
      if (button) return { message, button };
    }
    return {};
  }

  private findView(user: string, submission: ViewSubmission): EmulatedView {
    const views = this.slack.views(user).filter((v) => v.kind === "modal" && !v.closed);
    const found = submission.id
      ? views.find((v) => v.id === submission.id)
      : views
          .reverse()
          .find((v) => submission.callbackId === undefined || v.view.callback_id === submission.callbackId);
    if (!found) throw new Error(`viewSubmission: ${user} has no open modal${submission.id ? ` ${submission.id}` : ""}`);
    return found;
  }
}
