import { buttonFrom, type RenderedButton } from "./buttons.js";
import { mrkdwnToText, type NameLookup } from "./mrkdwn.js";

export type { RenderedButton } from "./buttons.js";

export interface RenderOptions extends NameLookup {
  /** Width of divider lines. */
  width?: number;
  /** How a button shows inline; `index` counts buttons across the whole message from 0. Default `[Label]`. */
  buttonLabel?: (button: RenderedButton, index: number) => string;
}

export interface RenderedMessage {
  text: string;
  buttons: RenderedButton[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class Renderer {
  readonly lines: string[] = [];
  readonly buttons: RenderedButton[] = [];
  constructor(private readonly opts: RenderOptions) {}

  text(t: unknown): string {
    if (!isObj(t) || typeof t.text !== "string") return "";
    return t.type === "mrkdwn" ? mrkdwnToText(t.text, this.opts) : t.text;
  }

  /** Inline form of an interactive element; buttons are also collected for the caller. */
  element(el: unknown, blockId: string | undefined): string {
    const button = buttonFrom(el, blockId);
    if (button) {
      this.buttons.push(button);
      const label = this.opts.buttonLabel ?? ((b) => `[${b.label}]`);
      return label(button, this.buttons.length - 1);
    }
    if (!isObj(el)) return "";
    if (el.type === "image") return `[image: ${String(el.alt_text ?? "")}]`;
    if (el.type === "plain_text" || el.type === "mrkdwn") return this.text(el);
    const placeholder = this.text(el.placeholder);
    return `[${String(el.type)}${placeholder ? `: ${placeholder}` : ""}]`;
  }

  block(block: unknown): void {
    if (!isObj(block)) return;
    const blockId = typeof block.block_id === "string" ? block.block_id : undefined;
    const elements = Array.isArray(block.elements) ? block.elements : [];
    switch (block.type) {
      case "header": {
        const title = this.text(block.text);
        this.lines.push(title, "=".repeat(Math.max(3, title.length)));
        return;
      }
      case "section": {
        if (block.text !== undefined) this.lines.push(this.text(block.text));
        if (Array.isArray(block.fields))
          for (const f of block.fields) this.lines.push(`  ${this.text(f).replace(/\n/g, " ")}`);
        if (block.accessory !== undefined) this.lines.push(`  ${this.element(block.accessory, blockId)}`);
        return;
      }
      case "context":
        this.lines.push(elements.map((el) => this.element(el, blockId)).join("  ·  "));
        return;
      case "divider":
        this.lines.push("─".repeat(this.opts.width ?? 40));
        return;
      case "image": {
        const title = this.text(block.title);
        this.lines.push(`[image: ${title || String(block.alt_text ?? "")}] ${String(block.image_url ?? "")}`.trimEnd());
        return;
      }
      case "actions":
        this.lines.push(elements.map((el) => this.element(el, blockId)).join("  "));
        return;
      case "input":
        this.lines.push(`${this.text(block.label)}: ${this.element(block.element, blockId)}`);
        return;
      case "markdown":
        this.lines.push(typeof block.text === "string" ? block.text : "");
        return;
      case "rich_text":
        this.lines.push(...elements.map((el) => richText(el, this.opts)));
        return;
      default:
        this.lines.push(`[${String(block.type)} block]`);
    }
  }

  attachment(att: unknown): void {
    if (!isObj(att)) return;
    const inner = new Renderer(this.opts);
    if (typeof att.pretext === "string") this.lines.push(mrkdwnToText(att.pretext, this.opts));
    if (Array.isArray(att.blocks)) att.blocks.forEach((b) => inner.block(b));
    else {
      if (typeof att.title === "string") inner.lines.push(att.title);
      const body = typeof att.text === "string" ? att.text : typeof att.fallback === "string" ? att.fallback : "";
      if (body) inner.lines.push(mrkdwnToText(body, this.opts));
      if (Array.isArray(att.fields)) {
        for (const f of att.fields)
          if (isObj(f)) inner.lines.push(`  ${String(f.title ?? "")}: ${String(f.value ?? "")}`);
      }
    }
    this.buttons.push(...inner.buttons);
    for (const line of inner.lines.join("\n").split("\n")) this.lines.push(`┃ ${line}`);
  }
}

function richText(el: unknown, lookup: NameLookup): string {
  if (!isObj(el)) return "";
  const parts = Array.isArray(el.elements) ? el.elements : [];
  const inline = (p: unknown): string => {
    if (!isObj(p)) return "";
    if (p.type === "text") return String(p.text ?? "");
    if (p.type === "link") return p.text ? `${String(p.text)} (${String(p.url)})` : String(p.url ?? "");
    if (p.type === "user") return `@${lookup.userName?.(String(p.user_id)) ?? String(p.user_id)}`;
    if (p.type === "channel") return `#${lookup.channelName?.(String(p.channel_id)) ?? String(p.channel_id)}`;
    if (p.type === "usergroup") return `@${lookup.usergroupHandle?.(String(p.usergroup_id)) ?? String(p.usergroup_id)}`;
    if (p.type === "emoji") return `:${String(p.name)}:`;
    if (p.type === "broadcast") return `@${String(p.range)}`;
    return richText(p, lookup);
  };
  switch (el.type) {
    case "rich_text_list":
      return parts.map((item) => `• ${richText(item, lookup)}`).join("\n");
    case "rich_text_quote":
      return parts
        .map(inline)
        .join("")
        .split("\n")
        .map((l) => `> ${l}`)
        .join("\n");
    default:
      return parts.map(inline).join("");
  }
}

/** `[file: Title (name.png, 12 KB)]`, for a file a message shares. */
export function renderFile(file: unknown): string {
  if (!isObj(file)) return "[file]";
  const name = typeof file.name === "string" ? file.name : "file";
  const title = typeof file.title === "string" && file.title !== "" ? file.title : name;
  const size = typeof file.size === "number" ? `, ${formatKb(file.size)}` : "";
  return `[file: ${title} (${name}${size})]`;
}

function formatKb(bytes: number): string {
  const kb = bytes / 1024;
  return `${kb < 10 ? Math.round(kb * 10) / 10 : Math.round(kb)} KB`;
}

/** Renders a Block Kit message as terminal text; with no blocks, the fallback `text` is what Slack shows. */
export function renderBlocks(
  message: { text?: string; blocks?: readonly unknown[]; attachments?: readonly unknown[]; files?: readonly unknown[] },
  opts: RenderOptions = {},
): RenderedMessage {
  const r = new Renderer(opts);
  if (message.blocks && message.blocks.length > 0) message.blocks.forEach((b) => r.block(b));
  else if (message.text) r.lines.push(mrkdwnToText(message.text, opts));
  for (const att of message.attachments ?? []) r.attachment(att);
  for (const file of message.files ?? []) r.lines.push(renderFile(file));
  return { text: r.lines.join("\n"), buttons: r.buttons };
}

export interface TerminalMessage {
  text?: string;
  blocks?: readonly unknown[];
  attachments?: readonly unknown[];
  files?: readonly unknown[];
  ts?: string;
  thread_ts?: string;
  user?: string;
  visibleTo?: string;
  history?: readonly unknown[];
}

export interface TerminalOptions extends RenderOptions {
  /** Overrides the author shown in the header line. */
  authorName?: string;
  /** IANA zone for the HH:MM stamp; defaults to the process's local zone. */
  timeZone?: string;
}

/** A chat-client style rendering: `gantry  12:01 (edited)` then the body, thread replies indented. */
export function renderMessageForTerminal(m: TerminalMessage, opts: TerminalOptions = {}): RenderedMessage {
  const author = opts.authorName ?? (m.user ? (opts.userName?.(m.user) ?? m.user) : "unknown");
  const time = m.ts
    ? new Intl.DateTimeFormat("en-GB", {
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
        timeZone: opts.timeZone,
      }).format(new Date(Number(m.ts) * 1000))
    : "";
  const notes = [
    m.history && m.history.length > 0 ? "(edited)" : "",
    m.visibleTo ? `(only visible to @${opts.userName?.(m.visibleTo) ?? m.visibleTo})` : "",
  ].filter(Boolean);
  const body = renderBlocks(m, opts);
  const lines = [[author, time, ...notes].filter(Boolean).join("  "), ...body.text.split("\n").map((l) => `  ${l}`)];
  const isReply = m.thread_ts !== undefined && m.thread_ts !== m.ts;
  return { text: (isReply ? lines.map((l) => `    │ ${l}`) : lines).join("\n"), buttons: body.buttons };
}
