import type { KnownBlock } from "@slack/types";
import type { ApprovalPolicy, Tally } from "../../domain/approval.js";
import type { DeployState } from "../../domain/deploy-state.js";
import { escapeMrkdwn, formatDuration, shortSha } from "../../domain/format.js";
import type { Deployment, Lock } from "../../store/types.js";
import type { SlackMessage } from "../port.js";
import { approvalBlocks, changeBlocks } from "./approval-section.js";
import { deployButtons } from "./deploy-buttons.js";
import { promotionSourceLine, type PromotionSource } from "./promotion.js";

const LOOK: Record<DeployState, { emoji: string; label: string }> = {
  pending_approval: { emoji: ":raised_hand:", label: "Waiting for approval" },
  requested: { emoji: ":hourglass_flowing_sand:", label: "Requested" },
  queued: { emoji: ":inbox_tray:", label: "Queued" },
  in_progress: { emoji: ":rocket:", label: "In progress" },
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

/** Everything a deploy message shows besides the deploy itself; the caller gathers it, rendering stays pure. */
export interface DeployView {
  repo: string;
  now: Date;
  approval?: { policy: ApprovalPolicy; tally: Tally; authors?: string[] };
  /** Environments that promote from this one (for a Promote button on success). */
  promoteTo?: string[];
  ticket?: { key: string; url: string };
  /** A lock that a rollback passed, or that now holds the environment. */
  lock?: Lock;
  /** A promotion's source deploy, so approvers see where it comes from. */
  source?: PromotionSource;
  /** A failed deploy that never reached the CI, and is still the latest here: it may be retried. */
  retryable?: boolean;
}

function elapsed(d: Deployment, now: Date): string {
  const end = d.finishedAt ? Date.parse(d.finishedAt) : now.getTime();
  return formatDuration(end - Date.parse(d.createdAt));
}

function refText(d: Deployment): string {
  const name = d.ref ? `\`${escapeMrkdwn(d.ref)}\`` : "the default branch";
  return d.sha && d.ref !== d.sha ? `${name} (\`${shortSha(d.sha)}\`)` : name;
}

/** The one message Gantry keeps current for a deploy: approval request, then progress, then the end. */
export function deployMessage(d: Deployment, view: DeployView): SlackMessage {
  const target = `*${escapeMrkdwn(d.service)}* → *${escapeMrkdwn(d.environment)}*`;
  const fields = [
    { type: "mrkdwn" as const, text: `*Ref*\n${refText(d)}` },
    { type: "mrkdwn" as const, text: `*Requested by*\n<@${d.requester}>` },
    { type: "mrkdwn" as const, text: `*Status*\n${stateLabel(d.state)}` },
    { type: "mrkdwn" as const, text: `*${d.finishedAt ? "Took" : "Running for"}*\n${elapsed(d, view.now)}` },
  ];
  const heading = `${LOOK[d.state].emoji} ${VERB[d.kind]} ${target}${d.forceReason ? " :rotating_light: *break glass*" : ""}`;
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: heading }, fields }];
  if (d.forceReason) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Break-glass reason:* ${escapeMrkdwn(d.forceReason)}` } });
  }
  if (view.source && d.kind === "promote") blocks.push({ type: "section", text: { type: "mrkdwn", text: promotionSourceLine(view.source) } });
  if (d.changeSummary) blocks.push(...changeBlocks(d.changeSummary));
  if (view.approval) blocks.push(...approvalBlocks(d, view.approval.policy, view.approval.tally, view.approval.authors));
  if (d.reason && d.state !== "succeeded") {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Why:* ${escapeMrkdwn(d.reason)}` } });
  }
  if (view.lock) {
    const l = view.lock;
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `:lock: *${escapeMrkdwn(d.environment)}* is locked by <@${l.holder}>: ${escapeMrkdwn(l.reason)}` }],
    });
  }
  const links = [`${VERB[d.kind]} #${d.id}`, escapeMrkdwn(view.repo)];
  if (d.sourceId) links.push(d.kind === "rollback" ? `restores #${d.sourceId}` : `ships #${d.sourceId}`);
  if (d.replacesId) links.push(`undoes #${d.replacesId}`);
  if (d.artifact) links.push(`artifact \`${escapeMrkdwn(d.artifact)}\``);
  if (view.ticket) links.push(`<${view.ticket.url}|${view.ticket.key}>`);
  if (d.githubUrl) links.push(`<${d.githubUrl}|${d.mode === "workflow" ? "workflow run" : "deployment"}>`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: links.join(" · ") }] });
  const buttons = deployButtons(d, view.promoteTo ?? [], view.retryable ?? false);
  if (buttons.length) blocks.push({ type: "actions", block_id: `deploy_${d.id}`, elements: buttons });
  const from = view.source && d.kind === "promote" ? ` from ${view.source.environment} #${view.source.id}` : "";
  const text = `${LOOK[d.state].label}: ${VERB[d.kind].toLowerCase()} of ${d.service} ${d.ref || "default branch"}${from} to ${d.environment} (#${d.id})`;
  return { text, blocks };
}

/** The thread reply that tells the requester how it ended. */
export function finishedReply(d: Deployment, now: Date): SlackMessage {
  const how = d.state === "succeeded" ? "is live" : LOOK[d.state].label.toLowerCase();
  const why = d.reason && d.state !== "succeeded" ? `: ${escapeMrkdwn(d.reason)}` : "";
  const text =
    `<@${d.requester}> ${LOOK[d.state].emoji} \`${escapeMrkdwn(d.ref)}\` of *${escapeMrkdwn(d.service)}* ` +
    `${how} in *${escapeMrkdwn(d.environment)}* after ${elapsed(d, now)}${why}` +
    (d.githubUrl ? ` (<${d.githubUrl}|details>)` : "");
  return { text };
}
