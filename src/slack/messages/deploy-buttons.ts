import type { Button } from "@slack/types";
import type { Deployment } from "../../domain/deployment.js";

/** Action ids of every button Gantry puts on deploy messages; the interactivity handlers register these. */
export const ACTIONS = {
  approve: "approve_deploy",
  reject: "reject_deploy",
  cancel: "cancel_deploy",
  rollback: "rollback_deploy",
  promote: "promote_deploy",
  retry: "retry_deploy",
  notifyUnlock: "notify_unlock",
  verifyRollback: "verify_rollback",
  verifyAccept: "verify_accept",
} as const;

function button(
  actionId: string,
  text: string,
  value: string,
  style?: "primary" | "danger",
  confirm?: Button["confirm"],
): Button {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text },
    value,
    ...(style ? { style } : {}),
    ...(confirm ? { confirm } : {}),
  };
}

const plain = (text: string) => ({ type: "plain_text" as const, text });

/** Shown to everyone while a deploy verifies; the server checks who may deploy there when one is clicked. */
function verifyButtons(d: Deployment): Button[] {
  const id = String(d.id);
  const confirm: Button["confirm"] = {
    title: plain(`Roll back #${d.id}?`),
    text: plain(
      `This ends #${d.id} as failed and rolls ${d.service} in ${d.environment} back to the last good deploy now.`,
    ),
    confirm: plain("Roll back now"),
    deny: plain("Keep verifying"),
    style: "danger",
  };
  return [
    button(ACTIONS.verifyRollback, "Roll back now", id, "danger", confirm),
    button(ACTIONS.verifyAccept, "Accept now", id),
  ];
}

/** The buttons that fit a deploy's state; `retryable` is the server's word on whether Retry may be offered. */
export function deployButtons(d: Deployment, promoteTo: readonly string[], retryable: boolean): Button[] {
  const id = String(d.id);
  if (d.state === "pending_approval") {
    return [
      button(ACTIONS.approve, "Approve", id, "primary"),
      button(ACTIONS.reject, "Reject", id, "danger"),
      button(ACTIONS.cancel, "Cancel request", id),
    ];
  }
  if (d.state === "verifying") return verifyButtons(d);
  if (d.state === "succeeded") {
    return [
      ...promoteTo.map((env) => button(`${ACTIONS.promote}:${env}`, `Promote to ${env}`, `${id}:${env}`, "primary")),
      button(ACTIONS.rollback, "Roll back", id, "danger"),
    ];
  }
  // Nothing reached GitHub (e.g. Jira was down): the same request may be asked for again, and is checked again.
  if (retryable) return [button(ACTIONS.retry, "Retry", id)];
  return [];
}
