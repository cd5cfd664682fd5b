import { escapeMrkdwn } from "../src/domain/format.js";
import { COMMANDS } from "./index.js";

/** `/deploy help`, generated from the command registry so it never drifts from what exists. */
export function helpText(): string {
  const sections = COMMANDS.map((cmd) => {
    const lines = cmd.usage.map((u) => `• \`${escapeMrkdwn(u.syntax)}\` — ${u.description}`);
    return [`*${cmd.name}* — ${cmd.summary}`, ...lines].join("\n");
  });
  return [":rocket: *Gantry* ships your services through GitHub, one Slack message per deploy.", ...sections].join("\n\n");
}
