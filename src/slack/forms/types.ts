import type { CommandPorts } from "../commands/types.js";

/** A field changed inside an open modal (a select with dispatch_action), as Gantry's handlers see it. */
export interface ViewChangeInput {
  user: string;
  viewId: string;
  /** The version of the view the change was made on; an update based on an older one is refused by Slack. */
  hash: string;
  privateMetadata: string;
  /** The chosen value of the field that changed. */
  value: string | undefined;
  /** Every field's value by action id, as in a submission. */
  values: Record<string, string | undefined>;
}

export interface ViewChange {
  actionId: string;
  handle(ports: CommandPorts, input: ViewChangeInput): Promise<void>;
}

export interface OptionsInput {
  user: string;
  /** What the person has typed so far. */
  query: string;
  privateMetadata: string;
  values: Record<string, string | undefined>;
}

export interface OptionGroup {
  label: string;
  options: { text: string; value: string }[];
}

/** Suggestions for an external_select (Slack's block_suggestion), answered within its 3 seconds. */
export interface OptionsProvider {
  actionId: string;
  options(ports: CommandPorts, input: OptionsInput): Promise<OptionGroup[]>;
}

/** An Events API event Gantry answers; the App Home's `app_home_opened` is the only one. */
export interface EventHandler {
  event: "app_home_opened";
  handle(ports: CommandPorts, input: { user: string; tab: string | undefined }): Promise<void>;
}
