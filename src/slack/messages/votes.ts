import type { VoteResult } from "../../deploy/votes.js";
import { mention, mrkdwn, principals, type SlackText } from "../mrkdwn.js";
import { voteRefusalText } from "./approval-section.js";
import { stateLabel } from "./deploy-message.js";

/** The answer to an Approve, Reject or Cancel click. */
export function voteReply(r: VoteResult): SlackText {
  if ("done" in r) {
    switch (r.done) {
      case "already_approved":
        return r.remaining
          ? mrkdwn`You already approved #${r.id}. ${r.remaining} more needed.`
          : mrkdwn`You already approved #${r.id}.`;
      case "approved":
        return mrkdwn`:white_check_mark: Approved #${r.id}. ${r.remaining} more needed.`;
      case "approved_last":
        return mrkdwn`:white_check_mark: Approved #${r.id}. That was the last approval needed; deploying.`;
      case "rejected":
        return mrkdwn`:octagonal_sign: Rejected #${r.id}.`;
      case "cancelled":
        return mrkdwn`Cancelled #${r.id}.`;
    }
  }
  switch (r.refused) {
    case "not_pending":
      return r.state
        ? mrkdwn`#${r.id} is not waiting for approval (it is ${stateLabel(r.state)}).`
        : mrkdwn`There is no deploy #${r.id}.`;
    case "not_ready":
      return mrkdwn`#${r.id} is still being prepared: Gantry is pinning its commit. Click again once the message shows the change.`;
    case "voter":
      return voteRefusalText(r.id, r.why, principals(r.approvers));
    case "not_requester":
      return mrkdwn`:no_entry: Only ${mention(r.requester)}, who asked for #${r.id}, can cancel it.`;
  }
}
