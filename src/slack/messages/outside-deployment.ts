import type { OutsideDeployment } from "../../deploy/notifier.js";
import { shortSha } from "../../domain/format.js";
import { bold, code, link, mrkdwn } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";

export type { OutsideDeployment } from "../../deploy/notifier.js";

/** The team channel's note about a production deployment someone made outside Gantry. */
export function outsideAnnouncement(o: OutsideDeployment, origins: readonly string[]): SlackMessage {
  const d = o.deployment;
  const ref = d.ref === d.sha ? code(shortSha(d.sha)) : mrkdwn`${code(d.ref)} (${code(shortSha(d.sha))})`;
  const details = o.logUrl ? mrkdwn` · ${link(o.logUrl, "details", origins)}` : "";
  const commits = `${o.commits} new commit${o.commits === 1 ? "" : "s"}`;
  return {
    text: mrkdwn`:package: ${bold(o.service)} was deployed to ${bold(o.environment)} outside Gantry by ${d.creator}: ${ref}, ${commits}. It counts in DORA.${details}`,
  };
}
