// The playground's Slack client: who you are, the channel, threads, ephemerals, modals and the App Home tab.
// Everything you do is posted to /playground/api/action, which signs it and sends it to Gantry as Slack would.
import { blocks, mrkdwn, plain } from "./blocks.js";
import { openModal, closeModalView } from "./modal.js";

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

const TOUR = [
  ["/deploy checkout-api main to staging", "deploy to staging"],
  ["/promote checkout-api to production", "ship what passed staging"],
  ["(switch to bob, then carol) Approve", "two approvals of @release"],
  ["/rollback checkout-api production", "back to the last good deploy"],
  ["/dora", "DORA levels; the weekly digest is in the channel"],
  ["/deploy", "the deploy form"],
];

const app = {
  world: undefined,
  user: new URLSearchParams(location.search).get("as") ?? localStorage.getItem("gantry-playground-user") ?? "U0ALICE",
  state: undefined,
  calls: [],
  view: "channel",
  thread: undefined,
  source: undefined,
  stick: true,
};

const names = {
  user: (id) => app.world?.users.find((u) => u.id === id)?.name ?? (id === app.world?.bot.id ? "gantry" : id),
  channel: (id) => app.world?.channels.find((c) => c.id === id)?.name ?? id,
  group: (id) => app.world?.groups.find((g) => g.id === id)?.handle ?? id,
};

export async function act(action) {
  const res = await fetch("/playground/api/action", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user: app.user, ...action }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || body.error) toast(body.error ?? `HTTP ${res.status}`);
  return body;
}

export function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 6000);
}

function person(id) {
  const u = app.world.users.find((x) => x.id === id);
  return u ?? { id, name: names.user(id), realName: id === app.world.bot.id ? "Gantry" : names.user(id) };
}

function avatar(id) {
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
    act({ type: "button", channel: m.channel, ts: m.ts, actionId: e.action_id, value: e.value, blockId }).finally(() => (node.disabled = false));
  },
  select: (e, blockId, option) => act({ type: "button", channel: m.channel, ts: m.ts, actionId: e.action_id, value: option.value, blockId }),
});

function messageNode(m, { inThread }) {
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
    const link = body.appendChild(el("button", "replies", `${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`));
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

function renderChannel() {
  const list = $("messages");
  const shown = app.state.messages.filter((m) => !isReply(m));
  const items = shown.map((m) => ({ key: `${m.ts}:${m.ephemeral}`, value: m }));
  if (!shown.length) items.push({ key: "empty", value: null });
  sync(list, items, (m) => (m ? messageNode(m, { inThread: false }) : el("div", "empty", "No messages yet. Type /deploy checkout-api main to staging below.")));
  // Like Slack: new messages keep you at the bottom unless you scrolled up to read.
  if (app.stick) list.scrollTop = list.scrollHeight;
  renderThread();
}

function openThread(ts) {
  app.thread = ts;
  $("thread").hidden = false;
  $("calls").hidden = true;
  $("toggle-calls").setAttribute("aria-pressed", "false");
  renderThread();
  // Like Slack, a thread opens on its latest replies (the digest's chart sits below a long parent).
  const pane = $("thread-messages");
  pane.scrollTop = pane.scrollHeight;
  for (const img of pane.querySelectorAll("img")) img.addEventListener("load", () => (pane.scrollTop = pane.scrollHeight), { once: true });
}

function renderThread() {
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

function renderHome() {
  const home = $("home");
  const view = app.state.home?.view;
  const sig = `${app.user}:${app.state.home?.id}:${view?.hash}`;
  if (renderHome.sig === sig) return;
  renderHome.sig = sig;
  home.replaceChildren();
  if (!view) {
    home.append(el("div", "empty", "Gantry has not published a Home tab for you yet."));
    return;
  }
  const handlers = {
    button: (e, blockId, node) => {
      node.disabled = true;
      act({ type: "view-button", viewId: app.state.home.id, actionId: e.action_id, value: e.value, blockId }).finally(() => (node.disabled = false));
    },
    select: (e, blockId, option) => act({ type: "enter", viewId: app.state.home.id, blockId, actionId: e.action_id, entry: option.value }),
  };
  home.append(blocks(view.blocks, names, handlers));
}

function render() {
  if (!app.state || !app.world) return;
  renderChannel();
  renderHome();
  if (app.state.modal) openModal(app.state.modal, { names, act });
  else closeModalView();
}

function showView(view) {
  app.view = view;
  $("channel").hidden = view !== "channel";
  $("home").hidden = view !== "home";
  $("tabs").hidden = view === "channel";
  $("channel-title").textContent = view === "channel" ? "# payments" : "🏗️ Gantry";
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.tab === view);
  for (const c of document.querySelectorAll(".nav-item")) c.classList.toggle("active", (c.id === "open-home") === (view === "home"));
  if (view === "home") act({ type: "home" });
}

function renderCalls() {
  const list = $("call-list");
  const show = { github: $("f-github").checked, jira: $("f-jira").checked, slack: $("f-slack").checked };
  const reads = $("f-reads").checked;
  list.replaceChildren();
  const visible = app.calls.filter((c) => show[c.service] && (reads || c.write));
  for (const c of visible.slice(-150).reverse()) {
    const li = el("li", `call ${c.service}${c.status >= 400 || c.unexpected ? " bad" : ""}`);
    const head = li.appendChild(el("div", "call-head"));
    head.append(el("span", `svc ${c.service}`, c.service === "github" ? "GitHub" : c.service === "jira" ? "Jira" : "Slack"));
    head.append(el("span", "call-method", c.method));
    head.append(el("span", "call-status", String(c.status)));
    head.append(el("span", "call-time", new Date(c.at).toLocaleTimeString()));
    li.append(el("div", "call-path", c.path));
    if (c.operation) li.append(el("div", "call-op", c.operation));
    if (c.body) {
      const details = li.appendChild(el("details"));
      details.append(el("summary", "", "body"));
      details.append(el("pre", "call-body", c.body));
    }
    list.append(li);
  }
  $("calls-count").textContent = String(app.calls.filter((c) => c.service !== "slack" && c.write).length);
}

function connect() {
  app.source?.close();
  const source = new EventSource(`/playground/api/events?user=${encodeURIComponent(app.user)}`);
  app.source = source;
  source.addEventListener("state", (e) => {
    app.state = JSON.parse(e.data);
    render();
    document.body.dataset.user = app.state.user;
    document.body.dataset.ready = "true";
  });
  source.addEventListener("calls", (e) => {
    app.calls.push(...JSON.parse(e.data));
    if (app.calls.length > 600) app.calls.splice(0, app.calls.length - 600);
    if (!$("calls").hidden) renderCalls();
    else $("calls-count").textContent = String(app.calls.filter((c) => c.service !== "slack" && c.write).length);
  });
}

function markPeople() {
  for (const b of document.querySelectorAll(".person")) {
    b.classList.toggle("active", b.dataset.user === app.user);
    b.querySelector(".you")?.remove();
    if (b.dataset.user === app.user) b.append(el("span", "you", "you"));
  }
}

function offerSwitch(mention) {
  document.querySelector(".switch-pop")?.remove();
  const u = app.world.users.find((x) => x.id === mention.dataset.user);
  const pop = el("div", "switch-pop");
  pop.append(el("div", "switch-name", u.realName), el("div", "switch-role", u.role));
  const b = pop.appendChild(el("button", "bk-button primary", `Be ${u.name}`));
  b.type = "button";
  b.addEventListener("click", () => {
    pop.remove();
    setUser(u.id);
  });
  const r = mention.getBoundingClientRect();
  pop.style.left = `${Math.min(r.left, window.innerWidth - 280)}px`;
  pop.style.top = `${r.bottom + 6}px`;
  document.body.append(pop);
  setTimeout(() => document.addEventListener("click", () => pop.remove(), { once: true }), 0);
}

function setUser(id) {
  app.user = id;
  markPeople();
  localStorage.setItem("gantry-playground-user", id);
  $("whoami").value = id;
  app.calls = [];
  app.stick = true;
  connect();
  if (app.view === "home") act({ type: "home" });
}

/** Slack's command picker: every command while you type its name, then that command's forms. */
function hints() {
  const box = $("hints");
  const text = $("composer-input").value;
  if (!text.startsWith("/")) return void (box.hidden = true);
  const word = text.split(/\s/)[0];
  const exact = app.world.commands.find((c) => c.name === word);
  box.replaceChildren();
  const rows = [];
  if (exact && (text.length > word.length || app.world.commands.filter((c) => c.name.startsWith(word)).length === 1)) {
    box.append(el("div", "hints-title", `${exact.name} — ${exact.summary}`));
    for (const u of exact.usage) rows.push({ syntax: u.syntax, description: u.description });
  } else {
    box.append(el("div", "hints-title", "Gantry's commands"));
    for (const c of app.world.commands.filter((c) => c.name.startsWith(word))) rows.push({ syntax: c.usage[0]?.syntax ?? c.name, description: c.summary, name: c.name });
  }
  for (const r of rows) {
    const row = box.appendChild(el("button", "hint"));
    row.type = "button";
    row.append(el("code", "hint-syntax", r.syntax), el("span", "hint-desc", plain(r.description)));
    row.addEventListener("click", () => {
      const input = $("composer-input");
      input.value = r.name ? `${r.name} ` : r.syntax.startsWith("/") ? r.syntax.replace(/\s*[<[].*$/, " ") : input.value;
      input.focus();
      hints();
    });
  }
  box.hidden = rows.length === 0;
}

async function main() {
  app.world = await (await fetch("/playground/api/world")).json();
  const who = $("whoami");
  for (const u of app.world.users) {
    const o = el("option", "", `${u.realName} — ${u.role}`);
    o.value = u.id;
    who.append(o);
  }
  // ?as=bob (or ?as=U0BOB) picks who you are, so a link can open the page as someone else.
  const named = app.world.users.find((u) => u.id === app.user || u.name === app.user);
  app.user = named ? named.id : app.world.users[0].id;
  who.value = app.user;
  who.addEventListener("change", () => setUser(who.value));
  for (const c of app.world.channels) {
    const li = $("channel-list").appendChild(el("li"));
    const b = li.appendChild(el("button", "sidebar-item nav-item active", `# ${c.name}`));
    b.type = "button";
    b.addEventListener("click", () => showView("channel"));
  }
  for (const [cmd, what] of TOUR) {
    const li = $("tour").appendChild(el("li"));
    li.append(el("code", "", cmd), el("span", "", ` ${what}`));
    if (cmd.startsWith("/")) {
      li.classList.add("clickable");
      li.addEventListener("click", () => {
        showView("channel");
        $("composer-input").value = cmd;
        $("composer-input").focus();
        hints();
      });
    }
  }
  for (const u of app.world.users) {
    const li = $("people").appendChild(el("li"));
    const b = li.appendChild(el("button", "sidebar-item person"));
    b.type = "button";
    b.dataset.user = u.id;
    b.title = `Be ${u.realName}: ${u.role}`;
    const dot = b.appendChild(avatar(u.id));
    dot.classList.add("small");
    b.append(el("span", "person-name", u.name), el("span", "person-role", u.role.split(",")[0]));
    b.addEventListener("click", () => setUser(u.id));
  }
  markPeople();
  // A click on someone's @mention lets you become them, the quickest way to approve as another person.
  document.addEventListener("click", (e) => {
    const mention = e.target.closest?.(".mention[data-user]");
    if (!mention || !app.world.users.some((u) => u.id === mention.dataset.user) || mention.dataset.user === app.user) return;
    offerSwitch(mention);
  });
  $("bookmark-digest").addEventListener("click", () => {
    showView("channel");
    const digest = [...app.state.messages].reverse().find((m) => !m.ephemeral && m.text.startsWith("DORA digest"));
    if (!digest) return toast("No weekly digest in #payments yet.");
    document.querySelector(`#messages .message[data-ts="${digest.ts}"]`)?.scrollIntoView({ block: "start" });
    if (digest.reply_count) openThread(digest.ts);
  });
  $("open-home").addEventListener("click", () => showView("home"));
  for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => showView(t.dataset.tab === "home" ? "home" : "channel"));
  $("close-thread").addEventListener("click", () => {
    app.thread = undefined;
    $("thread").hidden = true;
  });
  const toggleCalls = (open) => {
    $("calls").hidden = !open;
    $("toggle-calls").setAttribute("aria-pressed", String(open));
    if (open) {
      // One side pane at a time, as in Slack.
      $("thread").hidden = true;
      app.thread = undefined;
      renderCalls();
    }
  };
  $("toggle-calls").addEventListener("click", () => toggleCalls($("calls").hidden));
  $("close-calls").addEventListener("click", () => toggleCalls(false));
  for (const id of ["f-github", "f-jira", "f-slack", "f-reads"]) $(id).addEventListener("change", renderCalls);
  const list = $("messages");
  list.addEventListener("scroll", () => (app.stick = list.scrollHeight - list.scrollTop - list.clientHeight < 60));
  const input = $("composer-input");
  input.addEventListener("input", hints);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") $("hints").hidden = true;
  });
  $("composer").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    $("hints").hidden = true;
    if (!text.startsWith("/")) return toast("This playground only talks to Gantry: start with a slash command, e.g. /deploy help");
    input.value = "";
    app.stick = true;
    $("messages").scrollTop = $("messages").scrollHeight;
    await act({ type: "command", channel: app.world.channels[0].id, text });
  });
  connect();
}

main().catch((err) => toast(`The playground could not start: ${err.message}`));
