import { retry } from "../../deploy/index.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { clicker, deployOf, launched } from "./deploy-again.js";
import { say, type ButtonAction } from "./types.js";

/**
 * Retry: asks again for what a deploy that never reached GitHub asked for, as a new request by whoever clicked
 * (see `retry` in src/deploy). Anything else is refused with why.
 */
export const retryAction: ButtonAction = {
  actionId: ACTIONS.retry,
  async handle(ports, input) {
    const d = await deployOf(ports, input);
    if (!d) return say(BUTTON_REFUSALS.noSuchDeploy);
    const channel = d.slackChannel ?? input.channel ?? "";
    return launched(ports, await retry(ports, d, { requester: input.user, channel }, clicker(ports, input)));
  },
};
