import type { KnownBlock } from "@slack/types";
import type { DeployRefusal, RollbackRefusal } from "../../deploy/refusals.js";
import { formatSince, shortSha } from "../../domain/format.js";
import { describeFreeze } from "../../domain/freeze.js";
import { bold, code, mrkdwn, principals, section, when, type SlackText } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";
import { who } from "./requester.js";
import { unknownTarget } from "./button-refusals.js";
import { ACTIONS } from "./deploy-buttons.js";
import { stateLabel } from "./deploy-message.js";
import { promotionRefusalText } from "./promotion.js";
import { retryRefusalText } from "./retry.js";

/** Why there is nothing to roll back to. */
export function rollbackRefusalText(r: RollbackRefusal): SlackText {
  switch (r.why) {
    case "nothing_live":
      return mrkdwn`Nothing has been deployed to ${bold(r.environment)} by Gantry yet, so there is nothing to roll back.`;
    case "not_here":
      return mrkdwn`#${r.id} is not a deploy of ${bold(r.service)} to ${bold(r.environment)}.`;
    case "not_good":
      return mrkdwn`#${r.id} did not succeed there, so it is no state to go back to.`;
    case "is_live":
      return mrkdwn`#${r.id} is what runs there now.`;
    case "ref_never_good":
      return mrkdwn`${code(r.ref)} never succeeded in ${bold(r.environment)} before the current deploy, so Gantry cannot vouch for it.`;
    case "none_before":
      return mrkdwn`There is no good deploy before #${r.current.id} (${shortSha(r.current.sha)}) in ${bold(r.environment)} to go back to.`;
  }
}

/** Why a deploy was refused, and what to do instead: the answer to whoever asked. */
export function deployRefusalMessage(r: DeployRefusal, now: Date): SlackMessage {
  const at = now.toISOString();
  switch (r.refused) {
    case "unknown_target":
      return { text: unknownTarget(r.service, r.environment) };
    case "not_deployer":
      return {
        text: mrkdwn`:no_entry: You may not deploy ${bold(r.service)} to ${bold(r.environment)}. Deployers there: ${principals(r.deployers)}. Ask one of them, or ask to be added in gantry.yml.`,
      };
    case "promotion_only":
      return {
        text: mrkdwn`:arrow_up: ${bold(r.environment)} only takes promotions from ${bold(r.promoteFrom)}, so that it runs exactly what passed there. Type ${code(`/promote ${r.service} to ${r.environment}`)} instead.`,
      };
    case "locked":
      return lockedMessage(r.service, r.environment, r.lock, at);
    case "frozen":
      return {
        text: mrkdwn`:snowflake: Deploys to ${bold(r.environment)} are frozen — ${describeFreeze(r.freeze, now)}. For an emergency, break glass: add ${code('--force "<reason>"')} and one break-glass approver must say go.`,
      };
    case "no_break_glass":
      return {
        text: mrkdwn`:snowflake: ${bold(r.environment)} is frozen and nobody is configured to approve breaking glass (\`breakGlass.approvers\`).`,
      };
    case "busy": {
      const a = r.active;
      return {
        text: mrkdwn`:construction: ${bold(r.service)} is already deploying to ${bold(r.environment)}: ${a.kind} #${a.id} of ${code(a.ref || "the default branch")} by ${who(a.requester)}, started ${formatSince(a.createdAt, at)} ago (${stateLabel(a.state)}). Try again when it ends: ${code(`/deploy status ${r.service}`)} shows progress.`,
      };
    }
    case "promotion":
      return { text: promotionRefusalText(r.promotion) };
    case "rollback":
      return { text: rollbackRefusalText(r.rollback) };
    case "retry":
      return { text: retryRefusalText(r.d, r.retry) };
  }
}

function lockedMessage(
  service: string,
  environment: string,
  lock: { holder: string; reason: string; createdAt: string; expiresAt: string },
  at: string,
): SlackMessage {
  const text = mrkdwn`:lock: ${bold(service)} in ${bold(environment)} is locked by ${who(lock.holder)} since ${formatSince(lock.createdAt, at)} ago: ${lock.reason}. The lock ends ${when(lock.expiresAt)} unless released earlier.`;
  const blocks: KnownBlock[] = [
    section(text),
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: ACTIONS.notifyUnlock,
          text: { type: "plain_text", text: "Notify me when unlocked" },
          value: `${service}:${environment}`,
        },
      ],
    },
  ];
  return { text, blocks };
}
