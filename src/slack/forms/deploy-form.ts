import type { KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { bold, context, mrkdwn, section, type SlackText } from "../mrkdwn.js";

export const DEPLOY_FORM = "deploy_form";

/** Action ids of the deploy form's fields (unique, because submissions are read by action id). */
export const DEPLOY_FIELDS = {
  service: "deploy_form_service",
  environment: "deploy_form_env",
  ref: "deploy_form_ref",
  reason: "deploy_form_reason",
} as const;

/**
 * Block ids. The environment and ref fields carry the service in theirs, so that when the service changes Slack
 * starts them afresh instead of keeping a choice that belongs to another service.
 */
export const DEPLOY_BLOCKS = {
  service: "deploy_service",
  environment: (service: string) => `deploy_env_${service}`,
  ref: (service: string) => `deploy_ref_${service}`,
  reason: "deploy_reason",
} as const;

export interface DeployFormModel {
  services: readonly string[];
  service: string;
  /** The environments of `service` this person may deploy to with `/deploy`, in config order. */
  environments: readonly string[];
  /** Why the others are missing, one line each (promotion-only, not a deployer). */
  notes: readonly SlackText[];
  /** What was entered before, when the form is drawn again after a check Gantry made once Slack had its answer. */
  entered?: { environment?: string; ref?: string; reason?: string };
  /** What was wrong, shown under the field it concerns (a block id of DEPLOY_BLOCKS). */
  problem?: { block: string; text: string };
}

const plain = (text: string) => ({
  type: "plain_text" as const,
  text: text.length > 75 ? `${text.slice(0, 74)}…` : text,
});
const option = (value: string): PlainTextOption => ({ text: plain(value), value });

/**
 * The deploy form: service, the environments allowed for it, a ref with suggestions from GitHub, and a reason.
 * `privateMetadata` is what the form carries to its submission, sealed by the caller.
 */
export function deployFormView(m: DeployFormModel, privateMetadata: string): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: "input",
      block_id: DEPLOY_BLOCKS.service,
      dispatch_action: true,
      label: plain("Service"),
      element: {
        type: "static_select",
        action_id: DEPLOY_FIELDS.service,
        options: m.services.map(option),
        initial_option: option(m.service),
      },
    },
  ];
  if (m.environments.length > 0) {
    const [first] = m.environments;
    const again = m.entered?.environment;
    const chosen = again && m.environments.includes(again) ? again : m.environments.length === 1 ? first : undefined;
    blocks.push({
      type: "input",
      block_id: DEPLOY_BLOCKS.environment(m.service),
      label: plain("Environment"),
      element: {
        type: "static_select",
        action_id: DEPLOY_FIELDS.environment,
        placeholder: plain("Where to"),
        options: m.environments.map(option),
        ...(chosen ? { initial_option: option(chosen) } : {}),
      },
    });
  } else {
    blocks.push(
      section(
        mrkdwn`:no_entry: You may not deploy ${bold(m.service)} anywhere with \`/deploy\`. Pick another service.`,
      ),
    );
  }
  if (m.notes.length > 0) blocks.push(context(...m.notes.slice(0, 10)));
  blocks.push(
    {
      type: "input",
      block_id: DEPLOY_BLOCKS.ref(m.service),
      optional: true,
      label: plain("Ref"),
      hint: plain("A branch, tag or commit. Left empty: the default branch."),
      element: {
        type: "external_select",
        action_id: DEPLOY_FIELDS.ref,
        placeholder: plain("Type to search branches and tags"),
        min_query_length: 0,
        ...(m.entered?.ref ? { initial_option: option(m.entered.ref) } : {}),
      },
    },
    {
      type: "input",
      block_id: DEPLOY_BLOCKS.reason,
      optional: true,
      label: plain("Reason"),
      hint: plain('Needed only to break glass during a freeze (like --force "…")'),
      element: {
        type: "plain_text_input",
        action_id: DEPLOY_FIELDS.reason,
        max_length: 300,
        ...(m.entered?.reason ? { initial_value: m.entered.reason } : {}),
      },
    },
  );
  const problem = m.problem;
  if (problem) {
    // A views.update cannot set Slack's inline field errors: the words go just under the field instead.
    const at = blocks.findIndex((b) => b.block_id === problem.block);
    blocks.splice(at < 0 ? 0 : at + 1, 0, context(mrkdwn`:warning: ${problem.text}`));
  }
  return {
    type: "modal",
    callback_id: DEPLOY_FORM,
    private_metadata: privateMetadata,
    title: plain("Deploy"),
    submit: plain("Deploy"),
    close: plain("Cancel"),
    blocks,
  };
}
