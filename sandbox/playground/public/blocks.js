// Block Kit and mrkdwn, rendered the way Slack's client shows them. Every string from the bot goes into text nodes
// or attributes: nothing is parsed as HTML.

/** The shortcodes Gantry uses, and a few more that people type. */
const EMOJI = {
  hourglass_flowing_sand: "⏳",
  inbox_tray: "📥",
  rocket: "🚀",
  white_check_mark: "✅",
  x: "❌",
  no_entry_sign: "🚫",
  no_entry: "⛔",
  alarm_clock: "⏰",
  construction: "🚧",
  warning: "⚠️",
  raised_hand: "✋",
  octagonal_sign: "🛑",
  hourglass: "⌛",
  rewind: "⏪",
  rotating_light: "🚨",
  lock: "🔒",
  unlock: "🔓",
  snowflake: "❄️",
  bell: "🔔",
  arrow_up: "⬆️",
  arrow_down: "⬇️",
  arrow_right: "➡️",
  star2: "🌟",
  star: "⭐",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  red_circle: "🔴",
  large_orange_circle: "🟠",
  large_blue_circle: "🔵",
  white_circle: "⚪",
  zzz: "💤",
  chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉",
  bar_chart: "📊",
  calendar: "📆",
  date: "📅",
  clock3: "🕒",
  stopwatch: "⏱️",
  tada: "🎉",
  fire: "🔥",
  bug: "🐛",
  package: "📦",
  ship: "🚢",
  gear: "⚙️",
  wrench: "🔧",
  hammer_and_wrench: "🛠️",
  link: "🔗",
  memo: "📝",
  clipboard: "📋",
  ticket: "🎫",
  mag: "🔍",
  eyes: "👀",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  wave: "👋",
  heavy_check_mark: "✔️",
  heavy_minus_sign: "➖",
  heavy_plus_sign: "➕",
  arrow_heading_up: "⤴️",
  arrows_counterclockwise: "🔄",
  repeat: "🔁",
  house: "🏠",
  crown: "👑",
  shield: "🛡️",
  key: "🔑",
  information_source: "ℹ️",
  question: "❓",
  grey_question: "❔",
  exclamation: "❗",
  pause_button: "⏸️",
  black_circle: "⚫",
  medal: "🏅",
  trophy: "🏆",
  sparkles: "✨",
  building_construction: "🏗️",
  traffic_light: "🚥",
  vertical_traffic_light: "🚦",
  hourglass_done: "⌛",
  arrow_upper_right: "↗️",
  arrow_lower_right: "↘️",
  small_red_triangle: "🔺",
  small_red_triangle_down: "🔻",
  speech_balloon: "💬",
  envelope: "✉️",
  page_facing_up: "📄",
  scroll: "📜",
};

export function emoji(code) {
  return EMOJI[code];
}

const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

let fieldIds = 0;

const SAFE_URL = /^(https?:|mailto:)/i;

function link(href, label) {
  if (!SAFE_URL.test(href)) return document.createTextNode(label);
  const a = el("a", "link", label);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

/** `<@U1>`, `<#C1|name>`, `<!subteam^S1>`, `<!here>`, `<url|label>` and friends. */
function angle(inner, names) {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decode(inner.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const span = el("span", "mention", `@${label ?? names.user(id)}`);
    span.dataset.user = id;
    return span;
  }
  if (target.startsWith("#")) return el("span", "mention channel", `#${label ?? names.channel(target.slice(1))}`);
  if (target.startsWith("!subteam^")) {
    const handle = label ?? names.group(target.slice("!subteam^".length));
    return el("span", "mention", handle.startsWith("@") ? handle : `@${handle}`);
  }
  if (target.startsWith("!date^")) {
    const seconds = Number(target.split("^")[1]);
    return document.createTextNode(label ?? new Date(seconds * 1000).toLocaleString());
  }
  if (target.startsWith("!")) return el("span", "mention", `@${target.slice(1)}`);
  return link(decode(target), label ?? decode(target));
}

// Order matters: code first (its content is literal), then links and mentions, then emphasis and emoji.
const INLINE =
  /`([^`\n]+)`|<([^<>\n]+)>|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])|(?<![\w])_(?!\s)([^_\n]+?)_(?![\w])|(?<![\w~])~(?!\s)([^~\n]+?)~(?![\w~])|:([a-z0-9_+-]+):/g;

function inline(text, names, into) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) into.append(decode(text.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1] !== undefined) into.append(el("code", "code", decode(m[1])));
    else if (m[2] !== undefined) into.append(angle(m[2], names));
    else if (m[3] !== undefined) inline(m[3], names, into.appendChild(el("b")));
    else if (m[4] !== undefined) inline(m[4], names, into.appendChild(el("i")));
    else if (m[5] !== undefined) inline(m[5], names, into.appendChild(el("s")));
    else {
      const glyph = EMOJI[m[6]];
      if (glyph) {
        const span = el("span", "emoji", glyph);
        span.title = `:${m[6]}:`;
        into.append(span);
      } else into.append(m[0]);
    }
  }
  if (last < text.length) into.append(decode(text.slice(last)));
}

/** Slack's mrkdwn: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, links, mentions and :emoji:. */
export function mrkdwn(text, names) {
  const root = el("div", "mrkdwn");
  const parts = text.split(/```/);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      root.append(el("pre", "pre", decode(part.replace(/^\n/, ""))));
      return;
    }
    const lines = part.split("\n");
    let quote;
    lines.forEach((line, n) => {
      const q = /^(&gt;|>)\s?(.*)$/.exec(line);
      if (q) {
        if (!quote) quote = root.appendChild(el("blockquote", "quote"));
        else quote.append(el("br"));
        inline(q[2], names, quote);
        return;
      }
      quote = undefined;
      inline(line, names, root);
      if (n < lines.length - 1) root.append(el("br"));
    });
  });
  return root;
}

export function textObject(obj, names) {
  if (!obj || typeof obj.text !== "string") return el("span");
  if (obj.type === "mrkdwn") return mrkdwn(obj.text, names);
  return el("span", "plain", plain(obj.text));
}

/** Plain text with only :emoji: turned into glyphs, as Slack does for plain_text with emoji: true. */
export function plain(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (all, code) => EMOJI[code] ?? all);
}

function image(block, cls) {
  const img = el("img", cls);
  img.src = block.image_url ?? "";
  img.alt = block.alt_text ?? "";
  img.loading = "lazy";
  return img;
}

/**
 * An interactive element: `on.button(element, blockId)`, `on.select(element, blockId, option)`; inputs inside
 * modals come from `on.field`, which knows the view's state.
 */
export function element(e, blockId, on) {
  if (e.type === "button") {
    const b = el("button", `bk-button${e.style ? ` ${e.style}` : ""}`, plain(e.text?.text ?? e.action_id));
    b.type = "button";
    b.dataset.actionId = e.action_id;
    if (e.url && SAFE_URL.test(e.url)) {
      b.addEventListener("click", () => window.open(e.url, "_blank", "noopener"));
    } else {
      b.addEventListener("click", () => on.button(e, blockId, b));
    }
    return b;
  }
  if (e.type === "image") return image(e, "bk-accessory-image");
  if (on.field) {
    const field = on.field(e, blockId);
    if (field) return field;
  }
  if (e.type === "static_select" || e.type === "overflow") {
    const s = el("select", "bk-select");
    s.dataset.actionId = e.action_id;
    const options = e.options ?? (e.option_groups ?? []).flatMap((g) => g.options ?? []);
    s.append(el("option", "", plain(e.placeholder?.text ?? (e.type === "overflow" ? "⋯" : "Select an item"))));
    for (const o of options) {
      const opt = el("option", "", plain(o.text?.text ?? o.value));
      opt.value = o.value;
      s.append(opt);
    }
    s.addEventListener("change", () => {
      const o = options.find((x) => x.value === s.value);
      if (o) on.select(e, blockId, o);
    });
    return s;
  }
  return el("span", "bk-unsupported", `[${e.type}]`);
}

/** One block; `on` carries the handlers for buttons, selects and (in modals) fields and their errors. */
export function block(b, names, on) {
  switch (b.type) {
    case "section": {
      const node = el("div", "bk-section");
      const body = node.appendChild(el("div", "bk-section-body"));
      if (b.text) body.append(textObject(b.text, names));
      if (Array.isArray(b.fields) && b.fields.length) {
        const grid = body.appendChild(el("div", "bk-fields"));
        for (const f of b.fields) grid.append(textObject(f, names));
      }
      if (b.accessory) node.appendChild(el("div", "bk-accessory")).append(element(b.accessory, b.block_id, on));
      return node;
    }
    case "context": {
      const node = el("div", "bk-context");
      for (const e of b.elements ?? []) {
        if (e.type === "image") node.append(image(e, "bk-context-image"));
        else node.append(textObject(e, names));
      }
      return node;
    }
    case "divider":
      return el("hr", "bk-divider");
    case "header":
      return el("div", "bk-header", plain(b.text?.text ?? ""));
    case "image": {
      const node = el("figure", "bk-image");
      if (b.title?.text) node.append(el("figcaption", "", plain(b.title.text)));
      node.append(image(b, ""));
      return node;
    }
    case "actions": {
      const node = el("div", "bk-actions");
      for (const e of b.elements ?? []) node.append(element(e, b.block_id, on));
      return node;
    }
    case "input": {
      const node = el("div", "bk-input");
      node.dataset.blockId = b.block_id ?? "";
      const label = node.appendChild(el("label", "bk-label", plain(b.label?.text ?? "")));
      if (b.optional) label.append(el("span", "bk-optional", " (optional)"));
      if (b.element) {
        const field = node.appendChild(element(b.element, b.block_id, on));
        // The label names the control, for screen readers and for tests that find fields by label.
        const control = field.matches("input, select, textarea")
          ? field
          : field.querySelector("input, select, textarea");
        if (control) {
          control.id = `field-${++fieldIds}`;
          label.htmlFor = control.id;
        }
      }
      if (b.hint?.text) node.append(el("div", "bk-hint", plain(b.hint.text)));
      const error = on.error?.(b.block_id);
      if (error) node.append(el("div", "bk-error", error));
      return node;
    }
    case "rich_text":
      return mrkdwn(richText(b), names);
    default:
      return el("div", "bk-unsupported", `[${b.type} block]`);
  }
}

/** rich_text is rare in bot messages; its plain reading is enough here. */
function richText(b) {
  const walk = (n) => (typeof n.text === "string" ? n.text : (n.elements ?? []).map(walk).join(""));
  return (b.elements ?? []).map(walk).join("\n");
}

export function blocks(list, names, on) {
  const root = el("div", "bk-blocks");
  for (const b of list ?? []) root.append(block(b, names, on));
  return root;
}
