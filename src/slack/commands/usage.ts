import { code, mrkdwn } from "../mrkdwn.js";
import { ephemeral, type CommandReply } from "./types.js";

export const PROMOTE_USAGE = "/promote <service> [from <env>] to <env>";
export const ROLLBACK_USAGE = "/rollback <service> [in] <env> [to <ref>|#<deploy-id>]";
export const DORA_USAGE = "/dora [<team>|<service>] [<N>w] [--share]";

/** Parse errors quote what the user typed, so all of it is escaped: no mention or link can slip through. */
export function usageError(error: string, usage: string): CommandReply {
  return ephemeral(mrkdwn`${error}\nTry: ${code(usage)} — or \`/deploy help\` for everything Gantry can do.`);
}
