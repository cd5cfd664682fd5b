// What every part of the page shares: who you are, what the server last said, and the one way to act.

export const $ = (id) => document.getElementById(id);
export const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

export const app = {
  world: undefined,
  user: new URLSearchParams(location.search).get("as") ?? localStorage.getItem("gantry-playground-user") ?? "U0ALICE",
  state: undefined,
  calls: [],
  view: "channel",
  thread: undefined,
  source: undefined,
  stick: true,
};

export const names = {
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
