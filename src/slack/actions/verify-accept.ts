import { acceptNow } from "../../deploy/verification-actions.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { verificationReply } from "../messages/verification-replies.js";
import { exactDeployId, say, type ButtonAction } from "./types.js";

/**
 * Accept now, shown to everyone on a verifying deploy: the use case re-loads the deploy and checks that the clicker
 * may deploy there, as a typed command is checked.
 */
export const verifyAcceptAction: ButtonAction = {
  actionId: ACTIONS.verifyAccept,
  async handle(ports, input) {
    const id = exactDeployId(input.value);
    const d = id === undefined ? undefined : await ports.store.getDeployment(id);
    if (id === undefined || !d) return say(BUTTON_REFUSALS.noSuchDeploy);
    return say(verificationReply(await acceptNow(ports, id, input.user), d, ports.clock.now()));
  },
};
