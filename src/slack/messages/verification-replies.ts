import type { VerificationActionResult } from "../../deploy/verification-actions.js";
import type { Deployment } from "../../domain/deployment.js";
import { bold, code, mrkdwn, principals, type SlackText } from "../mrkdwn.js";
import { stateLabel } from "./deploy-message.js";
import { deployRefusalMessage } from "./refusals.js";

/** The clicker's answer to Accept now or Roll back now; `d` is the deploy as loaded for the click, when it exists. */
export function verificationReply(r: VerificationActionResult, d: Deployment | undefined, now: Date): SlackText {
  const where = d ? mrkdwn` of ${bold(d.service)} in ${bold(d.environment)}` : "";
  const rollback = d ? code(`/rollback ${d.service} ${d.environment}`) : code("/rollback <service> <environment>");
  if ("done" in r) {
    switch (r.done) {
      case "accepted":
        return mrkdwn`:ok_hand: You accepted #${r.id}${where}: Gantry stops watching its metrics and the deploy counts as succeeded, marked accepted by you.`;
      case "rolling_back":
        return mrkdwn`:rewind: #${r.id}${where} ends as failed by your call, and Gantry is rolling back: #${r.rollbackId}. Its progress is on its own message.`;
      case "failed_without_rollback":
        return mrkdwn`:warning: #${r.id}${where} ends as failed by your call, but the rollback was refused: ${deployRefusalMessage(r.refusal, now).text} Once that is sorted out, type ${rollback}.`;
    }
  }
  switch (r.refused) {
    case "not_verifying": {
      const state = r.state ? mrkdwn` (${stateLabel(r.state)})` : "";
      return mrkdwn`:information_source: #${r.id} is not verifying any more${state}, so there is nothing to accept or roll back early. To roll back what runs now, type ${rollback}.`;
    }
    case "not_deployer":
      return mrkdwn`:no_entry: Only people who may deploy ${bold(r.service)} to ${bold(r.environment)} can accept or roll back #${r.id}: ${principals(r.deployers)}. Ask one of them, or ask to be added in gantry.yml.`;
  }
}
