import { vote } from "../../deploy/index.js";
import { voteReply } from "../messages/votes.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { deployIdOf, say, type ButtonAction } from "./types.js";

export const approveAction: ButtonAction = {
  actionId: ACTIONS.approve,
  async handle(ports, input) {
    const id = deployIdOf(input.value);
    if (id === undefined) return say(BUTTON_REFUSALS.noSuchDeploy);
    const outcome = await vote(ports, id, input.user, { vote: "approve" });
    return { ...say(voteReply(outcome.result)), ...(outcome.after ? { after: outcome.after } : {}) };
  },
};
