// The playground's Slack client: who you are, the channel, threads, ephemerals, modals and the App Home tab.
// Everything you do is posted to /playground/api/action, which signs it and sends it to Gantry as Slack would.
import { blocks } from "./blocks.js";
import { renderCalls } from "./calls.js";
import { $, act, api, app, el, eventsUrl, names, toast } from "./client.js";
import { hints } from "./composer.js";
import { avatar, openThread, renderChannel } from "./messages.js";
import { closeModalView, openModal } from "./modal.js";

const TOUR = [
  ["/deploy checkout-api main to staging", "deploy to staging"],
  ["/promote checkout-api to production", "ship what passed staging"],
  ["(switch to bob, then carol) Approve", "two approvals of @release"],
  ["/rollback checkout-api production", "back to the last good deploy"],
  ["/dora", "DORA levels; the weekly digest is in the channel"],
  ["/deploy", "the deploy form"],
];

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
      act({ type: "view-button", viewId: app.state.home.id, actionId: e.action_id, value: e.value, blockId }).finally(
        () => (node.disabled = false),
      );
    },
    select: (e, blockId, option) =>
      act({ type: "enter", viewId: app.state.home.id, blockId, actionId: e.action_id, entry: option.value }),
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
  for (const c of document.querySelectorAll(".nav-item"))
    c.classList.toggle("active", (c.id === "open-home") === (view === "home"));
  if (view === "home") act({ type: "home" });
}

function connect() {
  app.source?.close();
  const source = new EventSource(eventsUrl(app.user));
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
async function main() {
  app.world = await (await api("/playground/api/world")).json();
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
    if (!mention || !app.world.users.some((u) => u.id === mention.dataset.user) || mention.dataset.user === app.user)
      return;
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
  for (const t of document.querySelectorAll(".tab"))
    t.addEventListener("click", () => showView(t.dataset.tab === "home" ? "home" : "channel"));
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
  // ↑ and ↓ walk through the commands you sent, as a terminal would; Escape hides the command picker.
  const sent = [];
  let back = 0;
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") $("hints").hidden = true;
    if ((e.key !== "ArrowUp" && e.key !== "ArrowDown") || !sent.length) return;
    if (e.key === "ArrowUp" && input.value && back === 0) return;
    e.preventDefault();
    back = Math.max(0, Math.min(sent.length, back + (e.key === "ArrowUp" ? 1 : -1)));
    input.value = back ? sent[sent.length - back] : "";
    $("hints").hidden = true;
  });
  $("composer").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    $("hints").hidden = true;
    if (!text.startsWith("/"))
      return toast("This playground only talks to Gantry: start with a slash command, e.g. /deploy help");
    input.value = "";
    if (sent.at(-1) !== text) sent.push(text);
    back = 0;
    app.stick = true;
    $("messages").scrollTop = $("messages").scrollHeight;
    await act({ type: "command", channel: app.world.channels[0].id, text });
  });
  connect();
}

main().catch((err) => toast(`The playground could not start: ${err.message}`));
