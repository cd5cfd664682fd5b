import { approve } from "../../deploy/votes.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import type { ButtonAction } from "./types.js";

export const approveAction: ButtonAction = {
  actionId: ACTIONS.approve,
  handle: (ports, input) => approve(ports, Number(input.value), input.user),
};
