import { GANTRY_ACTOR } from "../../domain/verify/record.js";
import { mrkdwn, user, type SlackText } from "../mrkdwn.js";

/** Who asked for a deploy or holds a lock: a mention, or Gantry itself for what it did on its own (a rollback). */
export function who(id: string): SlackText {
  return id === GANTRY_ACTOR ? mrkdwn`Gantry (automatic)` : user(id);
}
