import { rollBackNow } from "../../deploy/verification-actions.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { verificationReply } from "../messages/verification-replies.js";
import { clicker } from "./deploy-again.js";
import { exactDeployId, say, type ButtonAction } from "./types.js";

/**
 * Roll back now, shown to everyone on a verifying deploy (behind a confirm dialog): the use case re-loads the deploy
 * and checks that the clicker may deploy there; the rollback then meets the rules a typed /rollback meets.
 */
export const verifyRollbackAction: ButtonAction = {
  actionId: ACTIONS.verifyRollback,
  async handle(ports, input) {
    const id = exactDeployId(input.value);
    const d = id === undefined ? undefined : await ports.store.getDeployment(id);
    if (id === undefined || !d) return say(BUTTON_REFUSALS.noSuchDeploy);
    const result = await rollBackNow(ports, id, input.user, clicker(ports, input));
    return say(verificationReply(result, d, ports.clock.now()));
  },
};
