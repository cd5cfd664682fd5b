import type { RetryRefusal } from "../../domain/retry.js";
import type { Deployment } from "../../domain/deployment.js";
import { bold, code, mrkdwn, type SlackText } from "../mrkdwn.js";
import { stateLabel } from "./deploy-message.js";

/** The command that asks afresh for what `d` asked for, planned from what runs now. */
export function freshCommand(d: Pick<Deployment, "kind" | "service" | "environment" | "ref">): string {
  if (d.kind === "promote") return `/promote ${d.service} to ${d.environment}`;
  if (d.kind === "rollback") return `/rollback ${d.service} ${d.environment}`;
  return `/deploy ${d.service}${d.ref ? ` ${d.ref}` : ""} to ${d.environment}`;
}

/** Why Retry was refused, and what to type instead. */
export function retryRefusalText(d: Deployment, r: RetryRefusal): SlackText {
  const instead = mrkdwn`Type ${code(freshCommand(d))} instead: it starts from what runs there now, with every check.`;
  const env = bold(d.environment);
  switch (r.why) {
    case "not_failed":
      return mrkdwn`:no_entry: #${d.id} is ${stateLabel(r.state)}: only a deploy that failed before reaching GitHub can be retried. ${instead}`;
    case "reached_ci":
      return mrkdwn`:no_entry: #${d.id} reached GitHub, so Retry could run it a second time. ${instead}`;
    case "superseded":
      return mrkdwn`:no_entry: #${r.by} was asked for in ${env} after #${d.id}, so retrying #${d.id} would go back in time. ${instead}`;
    case "live_changed":
      return mrkdwn`:no_entry: #${d.id} was to undo #${r.replaces}, but ${r.live ? mrkdwn`#${r.live}` : "nothing Gantry deployed"} runs in ${env} now: retrying it could put an older commit over a newer one. ${instead}`;
  }
}
