// The channel and thread panes: messages with avatars, names, times, Block Kit, files and reply links.
import { blocks, mrkdwn } from "./blocks.js";
import { $, act, app, el, names } from "./client.js";

function person(id) {
  const u = app.world.users.find((x) => x.id === id);
  return u ?? { id, name: names.user(id), realName: id === app.world.bot.id ? "Gantry" : names.user(id) };
}

export function avatar(id) {
  const a = el("div", "avatar");
  if (id === app.world.bot.id) {
    a.classList.add("bot");
    a.textContent = "🏗️";
    return a;
  }
  const p = person(id);
  const hue = [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  a.style.background = `hsl(${hue} 55% 42%)`;
  a.textContent = (p.realName ?? p.name).slice(0, 1).toUpperCase();
  return a;
}

function time(ts) {
  const d = new Date(Number(ts) * 1000);
  return d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

const messageHandlers = (m) => ({
  button: (e, blockId, node) => {
    node.disabled = true;
    act({ type: "button", channel: m.channel, ts: m.ts, actionId: e.action_id, value: e.value, blockId }).finally(
      () => (node.disabled = false),
    );
  },
  select: (e, blockId, option) =>
    act({ type: "button", channel: m.channel, ts: m.ts, actionId: e.action_id, value: option.value, blockId }),
});

export function messageNode(m, { inThread }) {
  const row = el("div", `message${m.ephemeral ? " ephemeral" : ""}`);
  row.dataset.ts = m.ts;
  row.append(avatar(m.user ?? app.world.bot.id));
  const body = row.appendChild(el("div", "message-body"));
  const head = body.appendChild(el("div", "message-head"));
  const who = person(m.user ?? app.world.bot.id);
  head.append(el("span", "message-author", who.realName ?? who.name));
  if (m.bot) head.append(el("span", "app-badge", "APP"));
  head.append(el("span", "message-time", time(m.ts)));
  if (m.ephemeral) head.append(el("span", "only-you", "👁 Only visible to you"));
  const content = body.appendChild(el("div", "message-content"));
  if (m.blocks?.length) content.append(blocks(m.blocks, names, messageHandlers(m)));
  else if (m.text) content.append(mrkdwn(m.text, names));
  for (const f of m.files ?? []) content.append(fileNode(f));
  if (m.edited) content.append(el("span", "edited", "(edited)"));
  if (!inThread && m.reply_count) {
    const link = body.appendChild(
      el("button", "replies", `${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`),
    );
    link.type = "button";
    link.addEventListener("click", () => openThread(m.ts));
  }
  return row;
}

function fileNode(f) {
  const box = el("figure", "file");
  box.append(el("figcaption", "file-title", f.title || f.name));
  if (f.mimetype.startsWith("image/")) {
    const img = el("img", "file-image");
    img.src = f.url;
    img.alt = f.alt ?? f.title;
    img.addEventListener("click", () => lightbox(f));
    box.append(img);
  } else {
    const a = el("a", "link", f.name);
    a.href = f.url;
    a.target = "_blank";
    box.append(a);
  }
  return box;
}

function lightbox(f) {
  const overlay = el("div", "lightbox");
  const img = overlay.appendChild(el("img"));
  img.src = f.url;
  img.alt = f.alt ?? f.title;
  overlay.append(el("div", "lightbox-title", `${f.title} · click anywhere to close`));
  overlay.addEventListener("click", () => overlay.remove());
  document.body.append(overlay);
}

const isReply = (m) => m.thread_ts && m.thread_ts !== m.ts;

/**
 * Puts `items` into `list` in order, re-rendering only what changed: a message being updated every second must not
 * steal a click or a text selection from its neighbours.
 */
function sync(list, items, render) {
  const cache = (sync.caches ??= new WeakMap()).get(list) ?? new Map();
  sync.caches.set(list, cache);
  const nodes = items.map(({ key, value }) => {
    const sig = JSON.stringify(value);
    const hit = cache.get(key);
    if (hit && hit.sig === sig) return hit.node;
    const node = render(value);
    cache.set(key, { sig, node });
    return node;
  });
  const keep = new Set(nodes);
  for (const [key, { node }] of cache) if (!keep.has(node)) cache.delete(key);
  for (const child of [...list.children]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
  });
}

export function renderChannel() {
  const list = $("messages");
  const shown = app.state.messages.filter((m) => !isReply(m));
  const items = shown.map((m) => ({ key: `${m.ts}:${m.ephemeral}`, value: m }));
  if (!shown.length) items.push({ key: "empty", value: null });
  sync(list, items, (m) =>
    m
      ? messageNode(m, { inThread: false })
      : el("div", "empty", "No messages yet. Type /deploy checkout-api main to staging below."),
  );
  // Like Slack: new messages keep you at the bottom unless you scrolled up to read.
  if (app.stick) list.scrollTop = list.scrollHeight;
  renderThread();
}

export function openThread(ts) {
  app.thread = ts;
  $("thread").hidden = false;
  $("calls").hidden = true;
  $("toggle-calls").setAttribute("aria-pressed", "false");
  renderThread();
  // Like Slack, a thread opens on its latest replies (the digest's chart sits below a long parent).
  const pane = $("thread-messages");
  pane.scrollTop = pane.scrollHeight;
  for (const img of pane.querySelectorAll("img"))
    img.addEventListener("load", () => (pane.scrollTop = pane.scrollHeight), { once: true });
}

export function renderThread() {
  const pane = $("thread-messages");
  if (!app.thread) return;
  const parent = app.state.messages.find((m) => m.ts === app.thread);
  const replies = app.state.messages.filter((m) => m.thread_ts === app.thread && m.ts !== app.thread);
  const items = [];
  if (parent) items.push({ key: `parent:${parent.ts}`, value: { parent } });
  items.push({ key: "divider", value: { count: replies.length } });
  for (const r of replies) items.push({ key: `${r.ts}:${r.ephemeral}`, value: { reply: r } });
  sync(pane, items, (v) =>
    v.parent
      ? messageNode(v.parent, { inThread: true })
      : v.reply
        ? messageNode(v.reply, { inThread: true })
        : el("div", "thread-divider", `${v.count} ${v.count === 1 ? "reply" : "replies"}`),
  );
}
