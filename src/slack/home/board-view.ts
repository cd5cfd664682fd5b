import type { Button, HomeView, KnownBlock } from "@slack/types";
import { level } from "../../digest/digest-message.js";
import { escapeMrkdwn, shortSha } from "../../domain/format.js";
import { FORM_BUTTONS, lockValue } from "../forms/action-ids.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { stateLabel } from "../messages/deploy-message.js";
import type { BoardCell, BoardModel, TeamDora, WaitingItem } from "./board-model.js";

/** Slack's limit for a Home tab. */
export const MAX_BLOCKS = 100;
const MAX_WAITING = 8;

const button = (actionId: string, text: string, value: string | undefined, style?: "primary" | "danger"): Button => ({
  type: "button",
  action_id: actionId,
  text: { type: "plain_text", text },
  ...(value !== undefined ? { value } : {}),
  ...(style ? { style } : {}),
});

/** An absolute time Slack shows in each reader's own time zone, so the board never goes stale by itself. */
function when(iso: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time}|${iso.slice(0, 16).replace("T", " ")} UTC>`;
}

function refText(ref: string, sha: string | null): string {
  const name = ref ? `\`${escapeMrkdwn(ref)}\`` : "default branch";
  return sha && ref !== sha ? `${name} \`${shortSha(sha)}\`` : name;
}

const section = (text: string, accessory?: Button): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text }, ...(accessory ? { accessory } : {}) });
const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

function waitingBlocks(items: readonly WaitingItem[]): KnownBlock[] {
  if (items.length === 0) return [section("_Nothing is waiting for you._")];
  const blocks = items.slice(0, MAX_WAITING).flatMap((w): KnownBlock[] => [
    section(
      `*${escapeMrkdwn(w.service)}* → *${escapeMrkdwn(w.environment)}* · ${refText(w.ref, w.sha)} · asked by <@${w.requester}>` +
        `${w.breakGlass ? " · :rotating_light: break glass" : ""}\n${w.approved} of ${w.required} approvals` +
        `${w.expiresAt ? ` · expires ${when(w.expiresAt)}` : ""} · #${w.id}`,
    ),
    { type: "actions", block_id: `home_vote_${w.id}`, elements: [button(ACTIONS.approve, "Approve", String(w.id), "primary"), button(ACTIONS.reject, "Reject", String(w.id), "danger")] },
  ]);
  if (items.length > MAX_WAITING) blocks.push(context(`…and ${items.length - MAX_WAITING} more in their channels.`));
  return blocks;
}

function cellBlock(service: string, c: BoardCell): KnownBlock {
  const lines = [`*${escapeMrkdwn(service)}* · *${escapeMrkdwn(c.environment)}*`];
  lines.push(c.live ? `${refText(c.live.ref, c.live.sha)} by <@${c.live.by}>, ${when(c.live.at)} (#${c.live.id})` : "_nothing deployed by Gantry yet_");
  if (c.running) lines.push(`${stateLabel(c.running.state)}: ${refText(c.running.ref, null)} by <@${c.running.by}> (#${c.running.id})`);
  if (c.lock) lines.push(`:lock: locked by <@${c.lock.holder}> until ${when(c.lock.expiresAt)}: ${escapeMrkdwn(c.lock.reason)}`);
  const target = lockValue(service, c.environment);
  return section(lines.join("\n"), c.lock ? button(FORM_BUTTONS.unlock, "Unlock", target) : button(FORM_BUTTONS.lock, "Lock…", target));
}


function doraBlock(t: TeamDora): KnownBlock {
  return {
    type: "section",
    text: { type: "mrkdwn", text: `*${escapeMrkdwn(t.team)}* · ${t.deployments} production deployment${t.deployments === 1 ? "" : "s"}` },
    fields: [
      { type: "mrkdwn", text: `*Deployment frequency*\n${level(t.levels.frequency)}` },
      { type: "mrkdwn", text: `*Lead time*\n${level(t.levels.leadTime)}` },
      { type: "mrkdwn", text: `*Change failure rate*\n${level(t.levels.changeFailureRate)}` },
      { type: "mrkdwn", text: `*Recovery time*\n${level(t.levels.recoveryTime)}` },
    ],
  };
}

/** The App Home board. Pure; at most MAX_BLOCKS blocks, the service cells giving way first. */
export function boardView(m: BoardModel): HomeView {
  const top: KnownBlock[] = [
    header("Deploys"),
    { type: "actions", block_id: "home_actions", elements: [button(FORM_BUTTONS.deploy, "Deploy…", undefined, "primary")] },
    header("Waiting for you"),
    ...waitingBlocks(m.waiting),
  ];
  const recentLines = m.recent.map((r) => `${stateLabel(r.state)} ${r.kind === "deploy" ? "" : `${r.kind} `}*${escapeMrkdwn(r.service)}* → *${escapeMrkdwn(r.environment)}* ${refText(r.ref, r.sha)}, ${when(r.at)} (#${r.id})`);
  const bottom: KnownBlock[] = [
    { type: "divider" },
    header("Your recent deploys"),
    section(recentLines.length ? recentLines.join("\n") : "_You have not deployed anything yet. Try Deploy… above._"),
    ...(m.dora.length ? [header("DORA, last 4 weeks"), ...m.dora.slice(0, 5).map(doraBlock)] : []),
    context("`/deploy` opens the form · `/deploy help` lists every command · `/dora` for the numbers"),
  ];
  const cells = m.services.flatMap((s) => s.cells.map((c) => cellBlock(s.name, c)));
  const room = MAX_BLOCKS - top.length - bottom.length - 3;
  const shown = cells.slice(0, room);
  const middle: KnownBlock[] = [{ type: "divider" }, header("Services"), ...shown];
  if (cells.length > shown.length) middle.push(context(`…and ${cells.length - shown.length} more environments: \`/deploy status\` lists them all.`));
  return { type: "home", blocks: [...top, ...middle, ...bottom] };
}
