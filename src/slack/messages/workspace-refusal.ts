import { mrkdwn, type SlackText } from "../mrkdwn.js";

/** The answer to a command from a workspace (or Enterprise Grid organization) other than Gantry's own. */
export function otherWorkspaceText(claimed: { team?: string | undefined; enterprise?: string | undefined }): SlackText {
  const from = [claimed.team && `workspace ${claimed.team}`, claimed.enterprise && `organization ${claimed.enterprise}`]
    .filter(Boolean)
    .join(" in ");
  return mrkdwn`:no_entry: This Gantry serves one Slack workspace, and this request came from another Slack workspace${from ? mrkdwn` (${from})` : ""}, so nothing was done. Use Gantry from the workspace it is installed in.`;
}

/** The answer while Slack has not yet told Gantry which workspace its token belongs to. */
export const WORKSPACE_UNKNOWN_TEXT = mrkdwn`:hourglass: Gantry cannot confirm which Slack workspace it serves yet (Slack's auth.test has not answered), so nothing was done. Try again in a minute.`;
