import { cancelRequest } from "../../deploy/votes.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { deployIdOf, say, type ButtonAction } from "./types.js";

export const cancelAction: ButtonAction = {
  actionId: ACTIONS.cancel,
  async handle(ports, input) {
    const id = deployIdOf(input.value);
    return id === undefined ? say(BUTTON_REFUSALS.noSuchDeploy) : cancelRequest(ports, id, input.user);
  },
};
