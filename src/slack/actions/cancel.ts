import { cancelRequest } from "../../deploy/index.js";
import { voteReply } from "../messages/votes.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { deployIdOf, say, type ButtonAction } from "./types.js";

export const cancelAction: ButtonAction = {
  actionId: ACTIONS.cancel,
  async handle(ports, input) {
    const id = deployIdOf(input.value);
    if (id === undefined) return say(BUTTON_REFUSALS.noSuchDeploy);
    return say(voteReply((await cancelRequest(ports, id, input.user)).result));
  },
};
