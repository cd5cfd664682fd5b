import type { KnownBlock } from "@slack/types";
import { breakGlassApprovers } from "../domain/approval.js";
import { formatSince } from "../domain/format.js";
import { activeFreeze, describeFreeze } from "../domain/freeze.js";
import { ACTIONS } from "../slack/messages/deploy-buttons.js";
import { bold, code, date, mrkdwn, section, user } from "../slack/mrkdwn.js";
import type { SlackMessage } from "../slack/port.js";
import type { DeployKind } from "../domain/deployment.js";
import type { Ports } from "./ports.js";

export interface GateResult {
  refusal?: SlackMessage;
  breakGlass: boolean;
}

const refuse = (refusal: SlackMessage): GateResult => ({ refusal, breakGlass: false });

export interface GateInput {
  service: string;
  environment: string;
  requester: string;
  kind: DeployKind;
  forceReason?: string | null;
}

/**
 * The rules that keep deploys out: promotion-only environments, locks and freeze windows.
 * Returns the refusal to show, if any, and whether the deploy breaks glass (forced through a freeze).
 * Rollbacks pass locks and freezes: restoring service comes first.
 */
export async function checkGates(ports: Pick<Ports, "config" | "store" | "clock">, g: GateInput): Promise<GateResult> {
  const env = ports.config.services[g.service]!.environments[g.environment]!;
  const now = ports.clock.now();
  if (g.kind === "deploy" && env.promoteFrom) {
    return refuse({
      text: mrkdwn`:arrow_up: ${bold(g.environment)} only takes promotions from ${bold(env.promoteFrom)}, so that it runs exactly what passed there. Type ${code(`/promote ${g.service} to ${g.environment}`)} instead.`,
    });
  }
  const lock = await ports.store.getLock(g.service, g.environment);
  if (lock && Date.parse(lock.expiresAt) > now.getTime() && lock.holder !== g.requester && g.kind !== "rollback") {
    const ends = date(lock.expiresAt, "{date_short_pretty} {time}", lock.expiresAt);
    const text = mrkdwn`:lock: ${bold(g.service)} in ${bold(g.environment)} is locked by ${user(lock.holder)} since ${formatSince(lock.createdAt, now.toISOString())} ago: ${lock.reason}. The lock ends ${ends} unless released earlier.`;
    const blocks: KnownBlock[] = [
      section(text),
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: ACTIONS.notifyUnlock,
            text: { type: "plain_text", text: "Notify me when unlocked" },
            value: `${g.service}:${g.environment}`,
          },
        ],
      },
    ];
    return refuse({ text, blocks });
  }
  if (g.kind === "rollback") return { breakGlass: false };
  const freeze = activeFreeze(env.freeze, now, ports.config.timezone);
  if (!freeze) return { breakGlass: false };
  if (!g.forceReason) {
    return refuse({
      text: mrkdwn`:snowflake: Deploys to ${bold(g.environment)} are frozen — ${describeFreeze(freeze, now)}. For an emergency, break glass: add ${code('--force "<reason>"')} and one break-glass approver must say go.`,
    });
  }
  if (!breakGlassApprovers(env, ports.config)) {
    return refuse({
      text: mrkdwn`:snowflake: ${bold(g.environment)} is frozen and nobody is configured to approve breaking glass (\`breakGlass.approvers\`).`,
    });
  }
  return { breakGlass: true };
}
