import type { RetryRefusal } from "../../domain/retry.js";
import { escapeMrkdwn } from "../../domain/format.js";
import type { Deployment } from "../../store/types.js";
import { stateLabel } from "./deploy-message.js";

/** The command that asks afresh for what `d` asked for, planned from what runs now. */
export function freshCommand(d: Pick<Deployment, "kind" | "service" | "environment" | "ref">): string {
  const service = escapeMrkdwn(d.service);
  const env = escapeMrkdwn(d.environment);
  if (d.kind === "promote") return `/promote ${service} to ${env}`;
  if (d.kind === "rollback") return `/rollback ${service} ${env}`;
  return `/deploy ${service}${d.ref ? ` ${escapeMrkdwn(d.ref)}` : ""} to ${env}`;
}

/** Why Retry was refused, and what to type instead. */
export function retryRefusalText(d: Deployment, r: RetryRefusal): string {
  const instead = `Type \`${freshCommand(d)}\` instead: it starts from what runs there now, with every check.`;
  const env = `*${escapeMrkdwn(d.environment)}*`;
  switch (r.why) {
    case "not_failed":
      return `:no_entry: #${d.id} is ${stateLabel(r.state)}: only a deploy that failed before reaching GitHub can be retried. ${instead}`;
    case "reached_ci":
      return `:no_entry: #${d.id} reached GitHub, so Retry could run it a second time. ${instead}`;
    case "superseded":
      return `:no_entry: #${r.by} was asked for in ${env} after #${d.id}, so retrying #${d.id} would go back in time. ${instead}`;
    case "live_changed":
      return (
        `:no_entry: #${d.id} was to undo #${r.replaces}, but ${r.live ? `#${r.live}` : "nothing Gantry deployed"} runs in ${env} now: ` +
        `retrying it could put an older commit over a newer one. ${instead}`
      );
  }
}
