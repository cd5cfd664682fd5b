import type { View } from "@slack/types";
import type { CommandPorts } from "../commands/types.js";
import type { SlackText } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";

/** A button click as Gantry's handlers see it. */
export interface ActionInput {
  user: string;
  value: string;
  actionId: string;
  triggerId: string;
  responseUrl: string;
  channel: string | undefined;
  messageTs: string | undefined;
}

/** `reply` goes to the clicker only; `after` runs once Slack has its acknowledgement. */
export interface ActionReply {
  reply?: SlackMessage;
  after?: () => Promise<void>;
}

export interface ButtonAction {
  /** An exact action id, or a prefix match for ids that carry a suffix (e.g. `promote_deploy:production`). */
  actionId: string | RegExp;
  handle(ports: CommandPorts, input: ActionInput): Promise<ActionReply>;
}

export interface ViewInput {
  user: string;
  callbackId: string;
  privateMetadata: string;
  /** Input values by action id. */
  values: Record<string, string | undefined>;
}

/** `errors` become Slack's inline field errors (`response_action: errors`); otherwise the modal closes. */
export interface ViewReply {
  errors?: Record<string, string>;
  after?: () => Promise<void>;
  /**
   * A check that needs Slack or GitHub: `view` is shown at once (`response_action: update`), and `then` runs after
   * the acknowledgement with the modal's id, to draw what it decided.
   */
  checking?: { view: View; then: (viewId: string) => Promise<void> };
}

export interface ViewSubmission {
  callbackId: string;
  handle(ports: CommandPorts, input: ViewInput): Promise<ViewReply>;
}

export type { View };

export const say = (text: SlackText): ActionReply => ({ reply: { text } });

/** The deploy id a button's value starts with (`12`, `12:production`); undefined for anything else. */
export function deployIdOf(value: string): number | undefined {
  const id = /^\d{1,15}(?=:|$)/.exec(value)?.[0];
  return id === undefined ? undefined : Number(id);
}

/** A value that is exactly a deploy id (`12`), as the verify buttons carry; undefined for anything else. */
export function exactDeployId(value: string): number | undefined {
  return /^[1-9]\d{0,14}$/.test(value) ? Number(value) : undefined;
}
