import type { Ports } from "../deploy/ports.js";
import type { SlackMessage } from "./port.js";

/** Tells the person who asked for something how it went, after the acknowledgement. Never throws. */
export type Tell = (message: SlackMessage) => Promise<void>;

/**
 * Reaches the person who asked: by the request's response_url (an ephemeral answer where they asked), else by an
 * ephemeral message in the channel, else by direct message. Slack's trouble is logged, not thrown: the work goes on.
 */
export function tellRequester(
  ports: Pick<Ports, "slack" | "log">,
  at: { user: string; channel?: string; responseUrl?: string },
): Tell {
  return async (message) => {
    try {
      if (at.responseUrl) await ports.slack.respond(at.responseUrl, message);
      else if (at.channel) await ports.slack.postEphemeral(at.channel, at.user, message);
      else await ports.slack.postMessage(at.user, message);
    } catch (err) {
      ports.log.warn({ user: at.user, err }, "could not tell the requester");
    }
  };
}
