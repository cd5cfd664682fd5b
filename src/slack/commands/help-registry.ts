import { USAGE } from "./grammar.js";
import type { SlashCommand } from "./types.js";
import { DORA_USAGE, PROMOTE_USAGE, ROLLBACK_USAGE } from "./usage.js";

export type CommandHelp = Omit<SlashCommand, "handle">;

/**
 * What each slash command says about itself, apart from its handler: `/deploy help` and the commands read it here,
 * so help never needs the handlers (and their imports) to list them.
 */
export const HELP = {
  deploy: {
    name: "/deploy",
    summary: "Deploy a service, and see what is deployed where",
    usage: [
      { syntax: USAGE.deploy, description: "deploy a branch, tag or commit (default: the default branch)" },
      { syntax: "/deploy <service>@<ref> to <env>", description: "the same, written the other way" },
      {
        syntax: '… --force "<reason>"',
        description: "break glass during a freeze (one break-glass approver must say go)",
      },
      { syntax: "… --hotfix", description: "mark a deploy as a fix for the one before (counts in DORA)" },
      { syntax: USAGE.status, description: "what is deployed where, what is running, and locks" },
      { syntax: USAGE.history, description: "the latest deploys of a service" },
      { syntax: USAGE.lock, description: "keep others from deploying there (default 8h)" },
      { syntax: USAGE.unlock, description: "release a lock; whoever was waiting is told" },
      { syntax: "/deploy", description: "a form: pick the service, environment and ref" },
      { syntax: "/deploy help", description: "this help" },
    ],
  },
  promote: {
    name: "/promote",
    summary: "Ship to an environment exactly the commit (and artifact) that passed the one before",
    usage: [
      {
        syntax: PROMOTE_USAGE,
        description: "promote the last good deploy of the source (default: the target's `promoteFrom`)",
      },
    ],
  },
  rollback: {
    name: "/rollback",
    summary: "Restore the last good deploy in one move",
    usage: [
      {
        syntax: ROLLBACK_USAGE,
        description: "go back to the last good deploy before the current one, or to an earlier good one",
      },
    ],
  },
  dora: {
    name: "/dora",
    summary: "Your team's DORA metrics, from Gantry's own ledger",
    usage: [
      {
        syntax: DORA_USAGE,
        description:
          "the four keys over N weeks (default 4) for your team, a team or a service; --share posts it to the channel",
      },
    ],
  },
} as const satisfies Record<string, CommandHelp>;
