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

// The server mints a token into each page it serves; the API answers only requests that carry it.
const token = document.querySelector('meta[name="playground-token"]')?.content ?? "";

/** fetch() for the playground's API, with the page's token. */
export function api(path, init = {}) {
  return fetch(path, { ...init, headers: { ...init.headers, "x-playground-token": token } });
}

/** The event stream's URL: EventSource cannot send headers, so the token goes in the query. */
export function eventsUrl(user) {
  return `/playground/api/events?user=${encodeURIComponent(user)}&token=${encodeURIComponent(token)}`;
}

export async function act(action) {
  const res = await api("/playground/api/action", {
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
