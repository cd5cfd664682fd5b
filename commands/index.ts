import type { SlashCommand } from "../src/slack/commands/types.js";
import { deployCommand } from "./deploy.js";
import { promoteCommand } from "./promote.js";
import { rollbackCommand } from "./rollback.js";

/** Every slash command Gantry answers. The manifest and `/deploy help` follow this list. */
export const COMMANDS: readonly SlashCommand[] = [deployCommand, promoteCommand, rollbackCommand];

/** In the manifest but not built yet: answered honestly instead of letting Slack time out. */
export const PLANNED_COMMANDS: readonly `/${string}`[] = ["/dora"];
