import type { View } from "@slack/types";
import { WebClient, type Logger as SlackLogger } from "@slack/web-api";
import { z } from "zod";
import type { UsergroupShare } from "../domain/usergroup-share.js";
import { GantryError } from "../errors.js";
import { wire } from "./mrkdwn.js";
import type { PostedMessage, SlackMessage, SlackPort } from "./port.js";

/**
 * Slack's Web API client would retry a failing call 10 times over half an hour, holding a deploy (and its
 * environment) that long. The client Gantry posts, updates and looks up with gives up within seconds: a deploy goes
 * on without its message, which follows later (see publish), and the requester is told.
 */
export const SLACK_CLIENT = {
  retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000, maxRetryTime: 10_000 },
  /** Per attempt. */
  timeout: 10_000,
} as const;

/** The Web API client for WebSlack: Bolt's own keeps Slack's defaults for what Bolt does itself (auth.test). */
export function boundedWebClient(token: string, opts: { slackApiUrl?: string; logger?: SlackLogger } = {}): WebClient {
  return new WebClient(token, {
    ...SLACK_CLIENT,
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}

/** A response_url post that takes longer than this is given up (it would only hold up the work after an ack). */
const RESPOND_TIMEOUT_MS = 10_000;

const Posted = z.object({ channel: z.string(), ts: z.string() });
const Usergroups = z.object({ usergroups: z.array(z.object({ id: z.string(), handle: z.string() })) });
const Members = z.object({ users: z.array(z.string()) });

export interface WebSlackOptions {
  /** How long user group membership is trusted before asking Slack again. */
  usergroupTtlMs?: number;
  now?: () => number;
  /** Told of each user group request that really goes to Slack (with its error, if any): cached answers are not. */
  countLookup?: (err?: unknown) => void;
  /** Members other replicas read, asked before Slack when this replica's own cache is cold. */
  share?: UsergroupShare;
}

/** Slack's answers that no retry changes: the bot is not in the channel, or may not post at all. */
const CANNOT_POST = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "restricted_action",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "missing_scope",
]);

/** Whether a failed post failed for good (the channel, the token), as opposed to Slack being down or slow. */
export function cannotPostThere(err: unknown): boolean {
  return err instanceof GantryError && typeof err.details.error === "string" && CANNOT_POST.has(err.details.error);
}

function slackError(err: unknown, method: string): GantryError {
  const data = (err as { data?: { error?: string } }).data;
  const words = data?.error ?? (err instanceof Error ? err.message : String(err));
  return new GantryError("slack_error", `Slack refused ${method}: ${words}`, { method, error: data?.error });
}

export class WebSlack implements SlackPort {
  private readonly groupCache = new Map<string, { members: string[]; at: number }>();
  private groupIds: { byHandle: Map<string, string>; at: number } | undefined;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly countLookup: (err?: unknown) => void;
  private readonly share: UsergroupShare | undefined;

  constructor(
    private readonly client: WebClient,
    opts: WebSlackOptions = {},
  ) {
    this.ttl = opts.usergroupTtlMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.countLookup = opts.countLookup ?? (() => undefined);
    this.share = opts.share;
  }

  async postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<PostedMessage> {
    try {
      const res = await this.client.chat.postMessage({
        channel,
        ...wire(message),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
      });
      return Posted.parse(res);
    } catch (err) {
      throw slackError(err, "chat.postMessage");
    }
  }

  async updateMessage(at: PostedMessage, message: SlackMessage): Promise<void> {
    try {
      await this.client.chat.update({
        channel: at.channel,
        ts: at.ts,
        text: message.text.mrkdwn,
        blocks: message.blocks ?? [],
      });
    } catch (err) {
      throw slackError(err, "chat.update");
    }
  }

  async postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    try {
      await this.client.chat.postEphemeral({ channel, user, ...wire(message) });
    } catch (err) {
      throw slackError(err, "chat.postEphemeral");
    }
  }

  async respond(
    responseUrl: string,
    message: SlackMessage & { replaceOriginal?: boolean; inChannel?: boolean },
  ): Promise<void> {
    const res = await fetch(responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      signal: AbortSignal.timeout(RESPOND_TIMEOUT_MS),
      body: JSON.stringify({
        ...wire(message),
        response_type: message.inChannel ? "in_channel" : "ephemeral",
        replace_original: message.replaceOriginal ?? false,
      }),
    });
    if (!res.ok) throw new GantryError("slack_error", `Slack refused the response_url post: HTTP ${res.status}`);
  }

  async permalink(at: PostedMessage): Promise<string | undefined> {
    try {
      const res = await this.client.chat.getPermalink({ channel: at.channel, message_ts: at.ts });
      return res.permalink;
    } catch {
      return undefined;
    }
  }

  async openModal(triggerId: string, view: View): Promise<string | undefined> {
    try {
      return (await this.client.views.open({ trigger_id: triggerId, view })).view?.id;
    } catch (err) {
      throw slackError(err, "views.open");
    }
  }

  async updateModal(viewId: string, view: View, hash?: string): Promise<void> {
    try {
      await this.client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) });
    } catch (err) {
      throw slackError(err, "views.update");
    }
  }

  async publishHome(user: string, view: View): Promise<void> {
    try {
      await this.client.views.publish({ user_id: user, view });
    } catch (err) {
      throw slackError(err, "views.publish");
    }
  }

  async uploadFile(
    channel: string,
    file: { filename: string; title: string; bytes: Buffer; altText?: string },
    threadTs?: string,
  ): Promise<void> {
    const upload = {
      file: file.bytes,
      filename: file.filename,
      title: file.title,
      ...(file.altText ? { alt_text: file.altText } : {}),
    };
    try {
      await this.client.files.uploadV2(
        threadTs ? { ...upload, channel_id: channel, thread_ts: threadTs } : { ...upload, channel_id: channel },
      );
    } catch (err) {
      throw slackError(err, "files.uploadV2");
    }
  }

  async usergroupMembers(handle: string): Promise<string[]> {
    const name = handle.replace(/^@/, "");
    const cached = this.groupCache.get(name);
    if (cached && this.now() - cached.at < this.ttl) return cached.members;
    // Two votes a moment apart ask together: one request to Slack answers both.
    return this.once(`members:${name}`, () => this.sharedOrFetched(name));
  }

  /** What another replica read within the TTL, else Slack's answer, which is then shared. */
  private async sharedOrFetched(name: string): Promise<string[]> {
    const shared = await this.share?.loadMembers(name).catch(() => undefined);
    if (shared && this.now() - shared.fetchedAt < this.ttl) {
      this.groupCache.set(name, { members: shared.members, at: shared.fetchedAt });
      return shared.members;
    }
    const members = await this.fetchMembers(name);
    // Sharing is an optimisation: the answer stands if the store cannot take it.
    await this.share?.saveMembers(name, { members, fetchedAt: this.now() }).catch(() => undefined);
    return members;
  }

  /** Runs `work` unless the same key is already running, in which case its answer is shared. */
  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async fetchMembers(name: string): Promise<string[]> {
    const id = (await this.usergroupIds()).get(name);
    if (!id) return [];
    try {
      const members = Members.parse(await this.client.usergroups.users.list({ usergroup: id })).users;
      this.countLookup();
      this.groupCache.set(name, { members, at: this.now() });
      return members;
    } catch (err) {
      const error = slackError(err, "usergroups.users.list");
      this.countLookup(error);
      throw error;
    }
  }

  private async usergroupIds(): Promise<Map<string, string>> {
    if (this.groupIds && this.now() - this.groupIds.at < this.ttl) return this.groupIds.byHandle;
    return this.once("groups", () => this.fetchGroupIds());
  }

  private async fetchGroupIds(): Promise<Map<string, string>> {
    try {
      const groups = Usergroups.parse(await this.client.usergroups.list({})).usergroups;
      this.countLookup();
      this.groupIds = { byHandle: new Map(groups.map((g) => [g.handle, g.id])), at: this.now() };
      return this.groupIds.byHandle;
    } catch (err) {
      const error = slackError(err, "usergroups.list");
      this.countLookup(error);
      throw error;
    }
  }
}
