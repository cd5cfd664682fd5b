import type { KnownBlock, View } from "@slack/types";
import type { SlackText } from "./mrkdwn.js";

/**
 * A message as Gantry renders it: text for notifications and screen readers, blocks for the layout. Both are made
 * in src/slack/mrkdwn.ts, so what users and vendors wrote reaches Slack escaped.
 */
export interface SlackMessage {
  text: SlackText;
  blocks?: KnownBlock[];
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** What Gantry needs from Slack's Web API. Implemented over Bolt's WebClient in `web-slack.ts`. */
export interface SlackPort {
  postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<PostedMessage>;
  updateMessage(at: PostedMessage, message: SlackMessage): Promise<void>;
  postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  /** Answers through a slash command's or action's response_url. */
  respond(
    responseUrl: string,
    message: SlackMessage & { replaceOriginal?: boolean; inChannel?: boolean },
  ): Promise<void>;
  permalink(at: PostedMessage): Promise<string | undefined>;
  /** Opens a modal; returns its view id (for a later `updateModal`). */
  openModal(triggerId: string, view: View): Promise<string | undefined>;
  /** Replaces an open modal; `hash` (from the view Slack sent) refuses an update based on a stale version. */
  updateModal(viewId: string, view: View, hash?: string): Promise<void>;
  /** Publishes `user`'s App Home tab (views.publish, rate-limited by Slack at Tier 4). */
  publishHome(user: string, view: View): Promise<void>;
  /**
   * Uploads a file and shares it into `channel` (in the thread when `threadTs` is given), as Slack's
   * files.getUploadURLExternal → upload → files.completeUploadExternal flow. Needs the `files:write` scope.
   */
  uploadFile(
    channel: string,
    file: { filename: string; title: string; bytes: Buffer; altText?: string },
    threadTs?: string,
  ): Promise<void>;
  /** Members of a user group given by handle (`@platform`); cached. */
  usergroupMembers(handle: string): Promise<string[]>;
}
