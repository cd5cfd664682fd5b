import type { Tell } from "../deploy/notifier.js";
import type { AppPorts } from "../ports.js";
import { noticeText } from "./messages/notices.js";

export type { Tell } from "../deploy/notifier.js";

/**
 * Reaches the person who asked: by the request's response_url (an ephemeral answer where they asked), else by an
 * ephemeral message in the channel, else by direct message. Slack's trouble is logged, not thrown: the work goes on.
 */
export function tellRequester(
  ports: Pick<AppPorts, "slack" | "log">,
  at: { user: string; channel?: string; responseUrl?: string },
): Tell {
  const tell = async (notice: Parameters<Tell>[0]): Promise<void> => {
    const message = { text: noticeText(notice) };
    try {
      if (at.responseUrl) await ports.slack.respond(at.responseUrl, message);
      else if (at.channel) await ports.slack.postEphemeral(at.channel, at.user, message);
      else await ports.slack.postMessage(at.user, message);
    } catch (err) {
      ports.log.warn({ user: at.user, err }, "could not tell the requester");
    }
  };
  const { user, channel, responseUrl } = at;
  return Object.assign(tell, {
    replyTo: { user, ...(channel ? { channel } : {}), ...(responseUrl ? { responseUrl } : {}) },
  });
}
