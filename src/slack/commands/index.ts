import type { SlashCommand } from "./types.js";
import { deployCommand } from "./deploy.js";
import { doraCommand } from "./dora.js";
import { promoteCommand } from "./promote.js";
import { rollbackCommand } from "./rollback.js";

/** Every slash command Gantry answers. The manifest follows this list; `/deploy help` reads help-registry.ts. */
export const COMMANDS: readonly SlashCommand[] = [deployCommand, promoteCommand, rollbackCommand, doraCommand];
