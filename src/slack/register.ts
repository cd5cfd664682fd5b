import type { App } from "@slack/bolt";
import { ACTION_BUTTONS, ACTION_VIEWS } from "./actions/index.js";
import { registerCommands } from "./bolt-app.js";
import {
  registerActions,
  registerEvents,
  registerOptions,
  registerViewChanges,
  registerViews,
} from "./bolt-interactions.js";
import { COMMANDS } from "./commands/index.js";
import type { CommandPorts } from "./commands/types.js";
import { FORM_ACTIONS, FORM_CHANGES, FORM_OPTIONS, FORM_SUBMISSIONS } from "./forms/index.js";
import type { HomeBoards } from "./home/boards.js";
import { homeHandlers } from "./home/index.js";

/** The one front door: every Slack entry point Gantry answers, by kind. */
export const SLACK_ENTRY_POINTS = {
  commands: COMMANDS,
  buttons: [...ACTION_BUTTONS, ...FORM_ACTIONS],
  views: [...ACTION_VIEWS, ...FORM_SUBMISSIONS],
  viewChanges: FORM_CHANGES,
  options: FORM_OPTIONS,
} as const;

/** What Gantry answers, by name, for the middleware that answers everything else. */
export function entryPointNames(): {
  commands: string[];
  actions: (string | RegExp)[];
  views: string[];
  options: string[];
} {
  const e = SLACK_ENTRY_POINTS;
  return {
    commands: e.commands.map((c) => c.name),
    actions: [...e.buttons, ...e.viewChanges].map((b) => b.actionId),
    views: e.views.map((v) => v.callbackId),
    options: e.options.map((o) => o.actionId),
  };
}

/** Registers every entry point on the Bolt app. */
export function registerSlack(app: App, ports: CommandPorts, home: HomeBoards): void {
  const e = SLACK_ENTRY_POINTS;
  registerCommands(app, e.commands, ports);
  registerActions(app, e.buttons, ports);
  registerViews(app, e.views, ports);
  registerViewChanges(app, e.viewChanges, ports);
  registerOptions(app, e.options, ports);
  registerEvents(app, homeHandlers(home), ports);
}
