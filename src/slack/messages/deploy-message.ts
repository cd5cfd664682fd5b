import type { KnownBlock } from "@slack/types";
import type { DeployState } from "../../domain/deploy-state.js";
import { escapeMrkdwn, formatDuration, shortSha } from "../../domain/format.js";
import type { Deployment } from "../../store/types.js";
import type { SlackMessage } from "../port.js";

const LOOK: Record<DeployState, { emoji: string; label: string }> = {
  requested: { emoji: ":hourglass_flowing_sand:", label: "Requested" },
  queued: { emoji: ":inbox_tray:", label: "Queued" },
  in_progress: { emoji: ":rocket:", label: "In progress" },
  succeeded: { emoji: ":white_check_mark:", label: "Succeeded" },
  failed: { emoji: ":x:", label: "Failed" },
  cancelled: { emoji: ":no_entry_sign:", label: "Cancelled" },
  timed_out: { emoji: ":alarm_clock:", label: "Timed out" },
};

export function stateLabel(state: DeployState): string {
  return `${LOOK[state].emoji} ${LOOK[state].label}`;
}

function elapsed(d: Deployment, now: Date): string {
  const end = d.finishedAt ? Date.parse(d.finishedAt) : now.getTime();
  return formatDuration(end - Date.parse(d.createdAt));
}

/** The one message Gantry keeps current for a deploy, from request to its end. */
export function deployMessage(d: Deployment, repo: string, now: Date): SlackMessage {
  const target = `*${escapeMrkdwn(d.service)}* → *${escapeMrkdwn(d.environment)}*`;
  const name = d.ref ? `\`${escapeMrkdwn(d.ref)}\`` : "the default branch";
  const ref = d.sha && d.ref !== d.sha ? `${name} (\`${shortSha(d.sha)}\`)` : name;
  const fields = [
    { type: "mrkdwn" as const, text: `*Ref*\n${ref}` },
    { type: "mrkdwn" as const, text: `*Requested by*\n<@${d.requester}>` },
    { type: "mrkdwn" as const, text: `*Status*\n${stateLabel(d.state)}` },
    { type: "mrkdwn" as const, text: `*${d.finishedAt ? "Took" : "Running for"}*\n${elapsed(d, now)}` },
  ];
  const links = [`Deploy #${d.id}`, escapeMrkdwn(repo)];
  if (d.githubUrl) links.push(`<${d.githubUrl}|${d.mode === "workflow" ? "workflow run" : "deployment"}>`);
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `${LOOK[d.state].emoji} Deploy ${target}` }, fields },
  ];
  if (d.reason && d.state !== "succeeded") {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Why:* ${escapeMrkdwn(d.reason)}` } });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: links.join(" · ") }] });
  const text = `${LOOK[d.state].label}: deploy of ${d.service} ${d.ref} to ${d.environment} (#${d.id})`;
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
