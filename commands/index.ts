import type { SlashCommand } from "../src/slack/commands/types.js";
import { deployCommand } from "./deploy.js";

/** Every slash command Gantry answers. The manifest and `/deploy help` follow this list. */
export const COMMANDS: readonly SlashCommand[] = [deployCommand];
