import type { EmulatedMessage, MessageEvent } from "../slack/types.js";
import { renderBlocks } from "../slack/render-text.js";
import { DEMO_USERS } from "./world.js";

export interface Button {
  actionId: string;
  value?: string;
  label: string;
  channel: string;
  ts: string;
}

const nameOf = (id: string) => DEMO_USERS.find((u) => u.id === id)?.name ?? id;

/** The shortcodes Gantry uses, as a terminal shows them. */
const EMOJI: Record<string, string> = {
  ":hourglass_flowing_sand:": "⏳",
  ":inbox_tray:": "📥",
  ":rocket:": "🚀",
  ":white_check_mark:": "✅",
  ":x:": "❌",
  ":no_entry_sign:": "🚫",
  ":no_entry:": "⛔",
  ":alarm_clock:": "⏰",
  ":construction:": "🚧",
  ":warning:": "⚠️",
  ":raised_hand:": "✋",
  ":octagonal_sign:": "🛑",
  ":hourglass:": "⌛",
  ":rewind:": "⏪",
  ":rotating_light:": "🚨",
  ":lock:": "🔒",
  ":unlock:": "🔓",
  ":snowflake:": "❄️",
  ":bell:": "🔔",
  ":arrow_up:": "⬆️",
  ":star2:": "🌟",
  ":large_green_circle:": "🟢",
  ":large_yellow_circle:": "🟡",
  ":red_circle:": "🔴",
  ":zzz:": "💤",
  ":stethoscope:": "🩺",
};

function emoji(text: string): string {
  return text.replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code);
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/**
 * Turns the Slack emulator's message events into terminal text, numbering buttons so `press <n>` can click them.
 * Ephemeral messages are shown only to the user they were meant for, as in Slack.
 */
export class TerminalView {
  readonly buttons: Button[] = [];

  constructor(
    private readonly write: (text: string) => void,
    private readonly currentUser: () => string,
  ) {}

  onMessage(event: MessageEvent): void {
    const m = event.message;
    if (event.kind === "ephemeral" && m.visibleTo !== this.currentUser()) return;
    if (event.kind === "deleted") return this.write(`  gantry  (deleted a message)\n`);
    const label = { posted: "", updated: "(updated) ", ephemeral: "(only you) ", deleted: "" }[event.kind];
    this.write(emoji(this.render(m, label)));
  }

  /** An ephemeral answer that came back in the HTTP acknowledgement rather than through the Web API. */
  showAck(message: { text?: string; blocks?: unknown[] }): void {
    const [first = "", ...rest] = renderBlocks(message, { userName: nameOf }).text.split("\n");
    const head = "  gantry  (only you) ";
    this.write(emoji(head + first + "\n" + (rest.length ? indent(rest.join("\n"), " ".repeat(10)) + "\n" : "")));
  }

  private render(m: EmulatedMessage, label: string): string {
    const rendered = renderBlocks(m, { userName: nameOf });
    const thread = m.thread_ts && m.thread_ts !== m.ts;
    const head = thread ? "    ↳ gantry  " : "  gantry  ";
    const pad = " ".repeat(head.length);
    const lines = rendered.text.split("\n");
    let out =
      `${head}${label}${lines[0] ?? ""}\n` +
      lines
        .slice(1)
        .map((l) => pad + l + "\n")
        .join("");
    for (const b of rendered.buttons) {
      if (b.url) continue;
      this.buttons.push({
        actionId: b.actionId,
        label: b.label,
        channel: m.channel,
        ts: m.ts,
        ...(b.value ? { value: b.value } : {}),
      });
      out += `${pad}[${this.buttons.length}] ${b.label}\n`;
    }
    return out;
  }
}
