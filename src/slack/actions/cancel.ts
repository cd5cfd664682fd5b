import { cancelRequest } from "../../deploy/votes.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import type { ButtonAction } from "./types.js";

export const cancelAction: ButtonAction = {
  actionId: ACTIONS.cancel,
  handle: (ports, input) => cancelRequest(ports, Number(input.value), input.user),
};
