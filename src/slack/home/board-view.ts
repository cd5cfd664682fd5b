import type { Button, HomeView, KnownBlock } from "@slack/types";
import { level } from "../../digest/digest-message.js";
import { shortSha } from "../../domain/format.js";
import { bold, code, context, join, mrkdwn, section as mrkdwnSection, when, type SlackText } from "../mrkdwn.js";
import { FORM_BUTTONS, lockValue } from "../forms/action-ids.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { stateLabel } from "../messages/deploy-message.js";
import { who } from "../messages/requester.js";
import { duration } from "../messages/verification-words.js";
import type { BoardCell, BoardModel, BoardVerifying, TeamDora, WaitingItem } from "./board-model.js";

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

function refText(ref: string, sha: string | null): SlackText {
  const name = ref ? code(ref) : mrkdwn`default branch`;
  return sha && ref !== sha ? mrkdwn`${name} ${code(shortSha(sha))}` : name;
}

const section = (text: SlackText, accessory?: Button): KnownBlock =>
  mrkdwnSection(text, accessory ? { accessory } : {});
const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text } });

function waitingBlocks(items: readonly WaitingItem[]): KnownBlock[] {
  if (items.length === 0) return [section(mrkdwn`_Nothing is waiting for you._`)];
  const blocks = items.slice(0, MAX_WAITING).flatMap((w): KnownBlock[] => [
    section(
      mrkdwn`${bold(w.service)} → ${bold(w.environment)} · ${refText(w.ref, w.sha)} · asked by ${who(w.requester)}${w.breakGlass ? " · :rotating_light: break glass" : ""}\n${w.approved} of ${w.required} approvals${w.expiresAt ? mrkdwn` · expires ${when(w.expiresAt)}` : ""} · #${w.id}`,
    ),
    {
      type: "actions",
      block_id: `home_vote_${w.id}`,
      elements: [
        button(ACTIONS.approve, "Approve", String(w.id), "primary"),
        button(ACTIONS.reject, "Reject", String(w.id), "danger"),
      ],
    },
  ]);
  if (items.length > MAX_WAITING)
    blocks.push(context(mrkdwn`…and ${items.length - MAX_WAITING} more in their channels.`));
  return blocks;
}

const CHECK_EMOJI = {
  ok: ":large_green_circle:",
  breach: ":red_circle:",
  no_data: ":white_circle:",
  waiting: ":hourglass:",
};

/** A verifying deploy's time left and its checks' state, on the line after it. */
function verifyingText(v: BoardVerifying): SlackText {
  const left = v.held
    ? mrkdwn`clock stopped: no data (hold)`
    : v.leftMs === null
      ? mrkdwn`baking`
      : mrkdwn`${duration(v.leftMs)} left`;
  const checks = v.checks.map((c) => {
    const streak =
      c.streak > 0 && c.status !== "ok" ? ` breaching ${c.streak}${v.failAfter ? ` of ${v.failAfter}` : ""}` : "";
    return mrkdwn`${CHECK_EMOJI[c.status]} ${c.name}${streak}`;
  });
  return mrkdwn`\n:stethoscope: ${left} · ${join(checks, " · ")}`;
}

function cellBlock(service: string, c: BoardCell): KnownBlock {
  const lines = [mrkdwn`${bold(service)} · ${bold(c.environment)}`];
  lines.push(
    c.live
      ? mrkdwn`${refText(c.live.ref, c.live.sha)} by ${who(c.live.by)}, ${when(c.live.at)} (#${c.live.id})`
      : mrkdwn`_nothing deployed by Gantry yet_`,
  );
  if (c.running)
    lines.push(
      mrkdwn`${stateLabel(c.running.state)}: ${refText(c.running.ref, null)} by ${who(c.running.by)} (#${c.running.id})${c.running.verifying ? verifyingText(c.running.verifying) : ""}`,
    );
  if (c.lock)
    lines.push(mrkdwn`:lock: locked by ${who(c.lock.holder)} until ${when(c.lock.expiresAt)}: ${c.lock.reason}`);
  const target = lockValue(service, c.environment);
  return section(
    join(lines, "\n"),
    c.lock ? button(FORM_BUTTONS.unlock, "Unlock", target) : button(FORM_BUTTONS.lock, "Lock…", target),
  );
}

function doraBlock(t: TeamDora): KnownBlock {
  return mrkdwnSection(
    mrkdwn`${bold(t.team)} · ${t.deployments} production deployment${t.deployments === 1 ? "" : "s"}`,
    {
      fields: [
        mrkdwn`*Deployment frequency*\n${level(t.levels.frequency)}`,
        mrkdwn`*Lead time*\n${level(t.levels.leadTime)}`,
        mrkdwn`*Change failure rate*\n${level(t.levels.changeFailureRate)}`,
        mrkdwn`*Recovery time*\n${level(t.levels.recoveryTime)}`,
      ],
    },
  );
}

/** The App Home board. Pure; at most MAX_BLOCKS blocks, the service cells giving way first. */
export function boardView(m: BoardModel): HomeView {
  const top: KnownBlock[] = [
    header("Deploys"),
    {
      type: "actions",
      block_id: "home_actions",
      elements: [button(FORM_BUTTONS.deploy, "Deploy…", undefined, "primary")],
    },
    header("Waiting for you"),
    ...waitingBlocks(m.waiting),
  ];
  const recentLines = m.recent.map(
    (r) =>
      mrkdwn`${stateLabel(r.state)} ${r.kind === "deploy" ? "" : `${r.kind} `}${bold(r.service)} → ${bold(r.environment)} ${refText(r.ref, r.sha)}, ${when(r.at)} (#${r.id})`,
  );
  const bottom: KnownBlock[] = [
    { type: "divider" },
    header("Your recent deploys"),
    section(
      recentLines.length ? join(recentLines, "\n") : mrkdwn`_You have not deployed anything yet. Try Deploy… above._`,
    ),
    ...(m.dora.length ? [header("DORA, last 4 weeks"), ...m.dora.slice(0, 5).map(doraBlock)] : []),
    context(mrkdwn`\`/deploy\` opens the form · \`/deploy help\` lists every command · \`/dora\` for the numbers`),
  ];
  const cells = m.services.flatMap((s) => s.cells.map((c) => cellBlock(s.name, c)));
  const room = MAX_BLOCKS - top.length - bottom.length - 3;
  const shown = cells.slice(0, room);
  const middle: KnownBlock[] = [{ type: "divider" }, header("Services"), ...shown];
  if (cells.length > shown.length)
    middle.push(
      context(mrkdwn`…and ${cells.length - shown.length} more environments: \`/deploy status\` lists them all.`),
    );
  return { type: "home", blocks: [...top, ...middle, ...bottom] };
}
