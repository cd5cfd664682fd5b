import type { ModalView } from "@slack/types";
import { bold, channelLink, code, mrkdwn, section, type SlackText } from "../mrkdwn.js";

/** The deploy form's callback id while Gantry checks a submission with Slack or GitHub: it has nothing to submit. */
export const DEPLOY_FORM_CHECKING = "deploy_form_checking";

/** The deploy form's callback id once the deploy is recorded: it only says where to follow it. */
export const DEPLOY_FORM_DONE = "deploy_form_done";

const plain = (text: string) => ({ type: "plain_text" as const, text });

/** What the modal shows the moment it is submitted, while the ref and the groups are checked. */
export function checkingView(what: string): ModalView {
  return {
    type: "modal",
    callback_id: DEPLOY_FORM_CHECKING,
    title: plain("Deploy"),
    close: plain("Close"),
    blocks: [section(mrkdwn`:hourglass_flowing_sand: Checking ${code(`/deploy ${what}`)}…`)],
  };
}

/** What the modal shows once the deploy is recorded: where its message will be. */
export function acceptedView(what: string, id: number, where: string): ModalView {
  const place = /^[CG]/.test(where) ? channelLink(where) : mrkdwn`your direct messages`;
  return {
    type: "modal",
    callback_id: DEPLOY_FORM_DONE,
    title: plain("Deploy"),
    close: plain("Close"),
    blocks: [
      section(
        mrkdwn`:rocket: ${bold(`Deploy #${id}`)} ${code(`/deploy ${what}`)} is on its way: follow it in ${place}.`,
      ),
    ],
  };
}

/** The form's problem, for a requester who closed the modal before Gantry could show it there. */
export function formRefusedText(what: string, problem: string): SlackText {
  return mrkdwn`:warning: ${code(`/deploy ${what}`)} did not start: ${problem}`;
}
