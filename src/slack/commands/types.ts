import type { AppPorts } from "../../ports.js";
import type { Tracker } from "../../deploy/tracker.js";
import type { InFlight } from "../../in-flight.js";
import type { AckFirst } from "../../ack-first.js";
import type { MetadataSeal } from "../forms/sealed-metadata.js";
import type { SlackText } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";

/** A slash command as Gantry's handlers see it: only what they use from Slack's payload. */
export interface CommandInput {
  user: string;
  channel: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

/**
 * What a handler answers: `ack` is sent at once (ephemeral, inside Slack's 3 seconds);
 * `after` runs once the acknowledgement is out.
 */
export interface CommandReply {
  ack?: SlackMessage;
  /** Show the answer to the whole channel instead of only to the person who asked. */
  visibleToAll?: boolean;
  after?: () => Promise<void>;
  /**
   * The rest of the decision, when it needs another service (Slack's user groups, GitHub): the acknowledgement goes
   * out without waiting for it, then the reply it comes to is given by response_url (its `ack`) and carried out (its
   * `after`). A handler's acknowledgement only ever waits on local work: parsing, the config, the database.
   */
  defer?: () => Promise<CommandReply>;
}

/** Decides after the acknowledgement (see CommandReply.defer). */
export const later = (work: () => Promise<CommandReply>): CommandReply => ({ defer: work });

/**
 * Decides before the acknowledgement when only local work is needed, else after it: `remote` says whether deciding
 * asks another service (a user group's members, say).
 */
export function localOrLater(remote: boolean, work: () => Promise<CommandReply>): Promise<CommandReply> | CommandReply {
  return remote ? later(work) : work();
}

/** The reply once everything deferred has been decided: for callers that answer by other means than an ack. */
export async function settle(reply: CommandReply): Promise<CommandReply> {
  let settled = reply;
  while (settled.defer) settled = await settled.defer();
  return settled;
}

/**
 * `inFlight` holds all work after an acknowledgement (shutdown waits for it); `decisions` only the deciding part of
 * deferred commands (the deploy is recorded or refused, the refusal sent), for whoever must know the outcome.
 * `seal` signs what Gantry puts in a modal's private_metadata, and reads back only that. `ackFirst`, when set, holds
 * the deploy work an accepted command or form starts while Slack requests are being answered (see AckFirst).
 */
export type CommandPorts = AppPorts & {
  tracker: Tracker;
  inFlight?: InFlight;
  decisions?: InFlight;
  ackFirst?: AckFirst;
  seal: MetadataSeal;
};

export interface CommandUsage {
  syntax: string;
  description: string;
}

/** One slash command: its words for `/deploy help`, and its handler. */
export interface SlashCommand {
  name: `/${string}`;
  summary: string;
  usage: readonly CommandUsage[];
  handle(ports: CommandPorts, input: CommandInput): Promise<CommandReply>;
}

export function ephemeral(text: SlackText): CommandReply {
  return { ack: { text } };
}
