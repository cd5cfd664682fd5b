import { bold, code, join, mrkdwn, type SlackText } from "../mrkdwn.js";
import { HELP } from "./help-registry.js";

/** `/deploy help`, generated from the command registry so it never drifts from what exists. */
export function helpText(): SlackText {
  const sections = Object.values(HELP).map((cmd) => {
    const lines = cmd.usage.map((u) => mrkdwn`• ${code(u.syntax)} — ${u.description}`);
    return join([mrkdwn`${bold(cmd.name)} — ${cmd.summary}`, ...lines], "\n");
  });
  return join(
    [mrkdwn`:rocket: *Gantry* ships your services through GitHub, one Slack message per deploy.`, ...sections],
    "\n\n",
  );
}
