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
    const after = outcome.after ? { after: outcome.after } : {};
    // Clicked on the deploy's message: the counted vote shows there, redrawn in place, so no separate answer (Slack's
    // advice for buttons, and one call a vote). From the App Home the answer still comes by direct message.
    const counted = "done" in outcome.result && outcome.result.done !== "already_approved";
    if (counted && input.responseUrl && input.messageTs) return after;
    return { ...say(voteReply(outcome.result)), ...after };
  },
};
