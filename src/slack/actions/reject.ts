import { vote } from "../../deploy/index.js";
import { voteReply } from "../messages/votes.js";
import { BUTTON_REFUSALS } from "../messages/button-refusals.js";
import { ACTIONS } from "../messages/deploy-buttons.js";
import { deployIdOf, say, type ButtonAction, type View, type ViewSubmission } from "./types.js";

export const REJECT_MODAL = "reject_deploy_modal";
const REASON = "reason";

function rejectModal(id: number, privateMetadata: string): View {
  return {
    type: "modal",
    callback_id: REJECT_MODAL,
    private_metadata: privateMetadata,
    title: { type: "plain_text", text: `Reject #${id}` },
    submit: { type: "plain_text", text: "Reject" },
    close: { type: "plain_text", text: "Back" },
    blocks: [
      {
        type: "input",
        block_id: REASON,
        label: { type: "plain_text", text: "Why not? The requester and the change ticket will see this." },
        element: { type: "plain_text_input", action_id: REASON, multiline: true, min_length: 3, max_length: 500 },
      },
    ],
  };
}

/** Reject asks for a reason first; the vote is cast when the modal is submitted. */
export const rejectAction: ButtonAction = {
  actionId: ACTIONS.reject,
  async handle(ports, input) {
    const id = deployIdOf(input.value);
    if (id === undefined || !(await ports.store.getDeployment(id))) return say(BUTTON_REFUSALS.noSuchDeploy);
    await ports.slack.openModal(input.triggerId, rejectModal(id, ports.seal.seal(REJECT_MODAL, input.user, { id })));
    return {};
  },
};

export const rejectSubmission: ViewSubmission = {
  callbackId: REJECT_MODAL,
  async handle(ports, input) {
    const reason = input.values[REASON]?.trim() ?? "";
    if (reason.length < 3) return { errors: { [REASON]: "Say why, in a few words." } };
    const id = ports.seal.open(REJECT_MODAL, input.user, input.privateMetadata)?.id;
    if (typeof id !== "number") return { errors: { [REASON]: BUTTON_REFUSALS.formOutOfDate } };
    return {
      after: async () => {
        const outcome = await vote(ports, id, input.user, { vote: "reject", reason });
        const d = await ports.store.getDeployment(id);
        // A refused rejection has no message to update, so the clicker hears why directly.
        if (d?.state !== "rejected" && d?.slackChannel)
          await ports.slack.postEphemeral(d.slackChannel, input.user, { text: voteReply(outcome.result) });
      },
    };
  },
};
