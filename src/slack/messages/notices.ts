import type { Notice } from "../../deploy/notifier.js";
import { formatDuration, shortSha } from "../../domain/format.js";
import { bold, code, mrkdwn, user, type SlackText } from "../mrkdwn.js";
import { deployRefusalMessage } from "./refusals.js";
import { who } from "./requester.js";

/** The words for what the deploy rules tell people (see Notifier); `now` words a refusal's times. */
export function noticeText(n: Notice, now: Date = new Date()): SlackText {
  switch (n.notice) {
    case "no_ticket":
      return mrkdwn`:warning: No change ticket for #${n.id}: ${n.error}`;
    case "approvals_reset":
      return mrkdwn`:warning: ${code(n.ref)} moved to ${code(shortSha(n.sha))} while #${n.id} waited, so the approvals start over for the new commit.`;
    case "did_not_start":
      return mrkdwn`:warning: #${n.id} did not start: ${n.reason}`;
    case "message_not_taken":
      return mrkdwn`:warning: Slack did not take the message for #${n.id} (${n.error}). The deploy goes on; its message follows once Slack takes it, and ${code(`/deploy status ${n.service}`)} shows it meanwhile.`;
    case "unlocked": {
      const how = n.by === "gantry" ? " (the lock expired)" : mrkdwn` by ${user(n.by)}`;
      return mrkdwn`:unlock: ${bold(n.lock.service)} in ${bold(n.lock.environment)} is unlocked${how}. You can deploy again.`;
    }
    case "lock_ending": {
      const { service, environment } = n.lock;
      return mrkdwn`:hourglass: Your lock on ${bold(service)} in ${bold(environment)} ends in ${formatDuration(n.leftMs)}. Renew it with ${code(`/deploy lock ${service} ${environment} for <duration>`)}.`;
    }
    case "promotion_asked":
      return mrkdwn`:arrow_forward: #${n.id} is verified, so Gantry asked to promote it to ${bold(n.to)} on the requester's behalf (\`promoteTo\`): #${n.promotionId}. Its approvals, if ${bold(n.to)} needs any, are asked for on its own message.`;
    case "promotion_not_asked":
      return mrkdwn`:warning: #${n.id} is verified, but Gantry could not ask to promote it to ${bold(n.to)} (\`promoteTo\`): ${deployRefusalMessage(n.refusal, now).text}`;
    case "rolling_back_past_lock":
      return mrkdwn`:rewind: ${who(n.requester)} is rolling back ${bold(n.service)} in ${bold(n.environment)} past your lock (#${n.id}).`;
  }
}
