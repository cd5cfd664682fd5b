import type { KnownBlock } from "@slack/types";
import type { DeployView } from "../../deploy/view.js";
import type { DeployState } from "../../domain/deploy-state.js";
import { formatDuration, shortSha } from "../../domain/format.js";
import type { Deployment } from "../../domain/deployment.js";
import { bold, code, context, join, link, mrkdwn, section, type SlackText } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";
import { approvalBlocks, changeBlocks } from "./approval-section.js";
import { deployButtons } from "./deploy-buttons.js";
import { promotionSourceLine } from "./promotion.js";
import { who } from "./requester.js";
import { endedWhy, verificationBlocks } from "./verification-section.js";

const LOOK: Record<DeployState, { emoji: string; label: string }> = {
  pending_approval: { emoji: ":raised_hand:", label: "Waiting for approval" },
  requested: { emoji: ":hourglass_flowing_sand:", label: "Requested" },
  queued: { emoji: ":inbox_tray:", label: "Queued" },
  in_progress: { emoji: ":rocket:", label: "In progress" },
  verifying: { emoji: ":stethoscope:", label: "Verifying" },
  succeeded: { emoji: ":white_check_mark:", label: "Succeeded" },
  failed: { emoji: ":x:", label: "Failed" },
  cancelled: { emoji: ":no_entry_sign:", label: "Cancelled" },
  timed_out: { emoji: ":alarm_clock:", label: "Timed out" },
  rejected: { emoji: ":octagonal_sign:", label: "Rejected" },
  expired: { emoji: ":hourglass:", label: "Expired" },
  rolled_back: { emoji: ":rewind:", label: "Rolled back" },
};

const VERB = { deploy: "Deploy", promote: "Promote", rollback: "Roll back" } as const;

export function stateLabel(state: DeployState): string {
  return `${LOOK[state].emoji} ${LOOK[state].label}`;
}

const label = (state: DeployState): SlackText => mrkdwn`${stateLabel(state)}`;

function elapsed(d: Deployment, now: Date): string {
  const end = d.finishedAt ? Date.parse(d.finishedAt) : now.getTime();
  return formatDuration(end - Date.parse(d.createdAt));
}

function refText(d: Deployment): SlackText {
  const name = d.ref ? code(d.ref) : mrkdwn`the default branch`;
  return d.sha && d.ref !== d.sha ? mrkdwn`${name} (${code(shortSha(d.sha))})` : name;
}

/** The one message Gantry keeps current for a deploy: approval request, then progress, then the end. */
export function deployMessage(d: Deployment, view: DeployView, origins: readonly string[]): SlackMessage {
  const target = mrkdwn`${bold(d.service)} → ${bold(d.environment)}`;
  const fields = [
    mrkdwn`*Ref*\n${refText(d)}`,
    mrkdwn`*Requested by*\n${who(d.requester)}`,
    mrkdwn`*Status*\n${label(d.state)}`,
    mrkdwn`*${d.finishedAt ? "Took" : "Running for"}*\n${elapsed(d, view.now)}`,
  ];
  const heading = mrkdwn`${LOOK[d.state].emoji} ${VERB[d.kind]} ${target}${d.forceReason ? mrkdwn` :rotating_light: *break glass*` : ""}`;
  const blocks: KnownBlock[] = [section(heading, { fields })];
  if (d.forceReason) blocks.push(section(mrkdwn`*Break-glass reason:* ${d.forceReason}`));
  if (view.source && d.kind === "promote") blocks.push(section(promotionSourceLine(view.source)));
  if (d.changeSummary) blocks.push(...changeBlocks(d.changeSummary));
  if (view.approval)
    blocks.push(...approvalBlocks(d, view.approval.policy, view.approval.tally, view.approval.authors));
  blocks.push(...verificationBlocks(d, view.verify));
  // A verification's end says why in its own line (the reason is the same words).
  if (d.reason && d.state !== "succeeded" && !d.verification?.outcome) blocks.push(section(mrkdwn`*Why:* ${d.reason}`));
  if (view.lock)
    blocks.push(
      context(mrkdwn`:lock: ${bold(d.environment)} is locked by ${who(view.lock.holder)}: ${view.lock.reason}`),
    );
  const links: SlackText[] = [mrkdwn`${VERB[d.kind]} #${d.id}`, mrkdwn`${view.repo}`];
  if (d.sourceId) links.push(d.kind === "rollback" ? mrkdwn`restores #${d.sourceId}` : mrkdwn`ships #${d.sourceId}`);
  if (d.replacesId) links.push(mrkdwn`undoes #${d.replacesId}`);
  if (d.artifact) links.push(mrkdwn`artifact ${code(d.artifact)}`);
  if (view.ticket) links.push(link(view.ticket.url, view.ticket.key, origins));
  if (d.runUrl) links.push(link(d.runUrl, view.runNoun ?? "run", origins));
  blocks.push(context(join(links, " · ")));
  const buttons = deployButtons(d, view.promoteTo ?? [], view.retryable ?? false);
  if (buttons.length) blocks.push({ type: "actions", block_id: `deploy_${d.id}`, elements: buttons });
  const from = view.source && d.kind === "promote" ? mrkdwn` from ${view.source.environment} #${view.source.id}` : "";
  const text = mrkdwn`${LOOK[d.state].label}: ${VERB[d.kind].toLowerCase()} of ${d.service} ${d.ref ? code(d.ref) : "default branch"}${from} to ${d.environment} (#${d.id})`;
  return { text, blocks };
}

/** The thread reply that tells the requester how it ended. */
export function finishedReply(d: Deployment, now: Date, origins: readonly string[]): SlackMessage {
  const how = d.state === "succeeded" ? "is live" : LOOK[d.state].label.toLowerCase();
  const why = endedWhy(d) ?? (d.reason && d.state !== "succeeded" ? mrkdwn`: ${d.reason}` : "");
  const details = d.runUrl ? mrkdwn` (${link(d.runUrl, "details", origins)})` : "";
  const text = mrkdwn`${who(d.requester)} ${LOOK[d.state].emoji} ${code(d.ref)} of ${bold(d.service)} ${how} in ${bold(d.environment)} after ${elapsed(d, now)}${why}${details}`;
  return { text };
}
