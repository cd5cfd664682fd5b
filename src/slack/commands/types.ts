import type { Ports } from "../../deploy/ports.js";
import type { Tracker } from "../../deploy/tracker.js";
import type { InFlight } from "../../in-flight.js";
import type { MetadataSeal } from "../forms/sealed-metadata.js";
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
}

/** `seal` signs what Gantry puts in a modal's private_metadata, and reads back only that. */
export type CommandPorts = Ports & { tracker: Tracker; inFlight?: InFlight; seal: MetadataSeal };

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

export function ephemeral(text: string): CommandReply {
  return { ack: { text } };
}
