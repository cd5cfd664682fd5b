// Modals as Slack's client shows them: an overlay with the view's blocks, fields that keep what you typed, inline
// errors from `response_action: errors`, and external_select suggestions fetched from the app as you type.
import { blocks, plain } from "./blocks.js";
import { el } from "./client.js";

/** The modal on screen: its id and hash (to know when the app updated it) and what was typed or picked. */
let current;

export function closeModalView() {
  current = undefined;
  document.getElementById("modal-root").replaceChildren();
}

const key = (blockId, actionId) => `${blockId}\u0000${actionId}`;

function initial(e, stateValue) {
  if (stateValue?.selected_option) return stateValue.selected_option;
  if (typeof stateValue?.value === "string") return stateValue.value;
  if (e.initial_option) return e.initial_option;
  if (typeof e.initial_value === "string") return e.initial_value;
  return undefined;
}

/** Renders (or re-renders, when the app changed the view or its errors) the user's open modal. */
export function openModal(modal, ctx) {
  const signature = `${modal.id}:${modal.view.hash}:${JSON.stringify(modal.errors)}`;
  if (current?.signature === signature) return;
  const entered = current?.id === modal.id ? current.entered : new Map();
  current = { id: modal.id, signature, entered, busy: false };
  const view = modal.view;
  const values = view.state?.values ?? {};

  // What the view still has a field for: Slack forgets entries whose block_id or action_id an update removed.
  const seen = new Set();
  const field = (e, blockId) => {
    if (!blockId) return undefined;
    const k = key(blockId, e.action_id);
    seen.add(k);
    if (!entered.has(k)) {
      const v = initial(e, values[blockId]?.[e.action_id]);
      if (v !== undefined) entered.set(k, v);
    }
    if (
      e.type === "plain_text_input" ||
      e.type === "number_input" ||
      e.type === "email_text_input" ||
      e.type === "url_text_input"
    ) {
      const input = el(e.multiline ? "textarea" : "input", "bk-text-input");
      if (!e.multiline) input.type = e.type === "number_input" ? "number" : "text";
      input.name = e.action_id;
      input.dataset.actionId = e.action_id;
      input.placeholder = plain(e.placeholder?.text ?? "");
      input.value = typeof entered.get(k) === "string" ? entered.get(k) : "";
      if (e.max_length) input.maxLength = e.max_length;
      input.addEventListener("input", () => entered.set(k, input.value));
      return input;
    }
    if (e.type === "static_select" || e.type === "radio_buttons") return staticSelect(e, blockId, k, entered, ctx);
    if (e.type === "external_select") return externalSelect(e, blockId, k, entered, ctx, modal.id);
    return undefined;
  };

  const root = document.getElementById("modal-root");
  const overlay = el("div", "modal-overlay");
  const dialog = overlay.appendChild(el("form", "modal"));
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-label", view.title?.text ?? "Modal");
  const head = dialog.appendChild(el("div", "modal-head"));
  head.append(el("span", "modal-app", "🏗️"), el("h2", "modal-title", plain(view.title?.text ?? "")));
  const x = head.appendChild(el("button", "close", "✕"));
  x.type = "button";
  x.setAttribute("aria-label", "Close");
  const body = dialog.appendChild(el("div", "modal-body"));
  const handlers = {
    field,
    error: (blockId) => modal.errors?.[blockId],
    button: (e, blockId) =>
      ctx.act({ type: "view-button", viewId: modal.id, actionId: e.action_id, value: e.value, blockId }),
    select: (e, blockId, option) =>
      ctx.act({ type: "enter", viewId: modal.id, blockId, actionId: e.action_id, entry: option.value }),
  };
  body.append(blocks(view.blocks, ctx.names, handlers));
  for (const k of [...entered.keys()]) if (!seen.has(k)) entered.delete(k);
  const foot = dialog.appendChild(el("div", "modal-foot"));
  const cancel = foot.appendChild(el("button", "bk-button", plain(view.close?.text ?? "Cancel")));
  cancel.type = "button";
  const dismiss = () => ctx.act({ type: "close", viewId: modal.id });
  cancel.addEventListener("click", dismiss);
  overlay.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") dismiss();
  });
  x.addEventListener("click", dismiss);
  if (view.submit) {
    const submit = foot.appendChild(el("button", "bk-button primary", plain(view.submit.text)));
    submit.type = "submit";
  }
  dialog.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (current?.busy) return;
    current.busy = true;
    const out = {};
    for (const [k, v] of entered) {
      const [blockId, actionId] = k.split("\u0000");
      (out[blockId] ??= {})[actionId] = v;
    }
    try {
      await ctx.act({ type: "submit", viewId: modal.id, values: out });
    } finally {
      if (current) current.busy = false;
    }
  });
  root.replaceChildren(overlay);
  const first = body.querySelector("input, textarea, select");
  if (first && !modal.errors?.length) first.focus();
}

function staticSelect(e, blockId, k, entered, ctx) {
  const options = e.options ?? (e.option_groups ?? []).flatMap((g) => g.options ?? []);
  const s = el("select", "bk-select");
  s.name = e.action_id;
  s.dataset.actionId = e.action_id;
  const none = s.appendChild(el("option", "", plain(e.placeholder?.text ?? "Select an option")));
  none.value = "";
  for (const o of options) {
    const opt = s.appendChild(el("option", "", plain(o.text?.text ?? o.value)));
    opt.value = o.value;
  }
  const chosen = entered.get(k);
  s.value = chosen && typeof chosen === "object" ? chosen.value : "";
  s.addEventListener("change", () => {
    const o = options.find((x) => x.value === s.value);
    if (!o) return void entered.delete(k);
    entered.set(k, { text: o.text, value: o.value });
    // The app may change the form when this changes (environments follow the service): Slack tells it at once.
    ctx.act({ type: "enter", viewId: current.id, blockId, actionId: e.action_id, entry: o.value });
  });
  return s;
}

function externalSelect(e, blockId, k, entered, ctx, viewId) {
  const box = el("div", "external-select");
  const input = box.appendChild(el("input", "bk-text-input"));
  input.type = "text";
  input.name = e.action_id;
  input.dataset.actionId = e.action_id;
  input.placeholder = plain(e.placeholder?.text ?? "Type to search");
  input.setAttribute("role", "combobox");
  const chosen = entered.get(k);
  if (chosen && typeof chosen === "object") input.value = chosen.text?.text ?? chosen.value;
  const list = box.appendChild(el("ul", "suggestions"));
  list.hidden = true;
  let timer;
  let asked = 0;
  const ask = async () => {
    const mine = ++asked;
    const answer = await ctx.act({ type: "suggest", viewId, blockId, actionId: e.action_id, value: input.value });
    if (mine !== asked) return;
    const options = answer.options ?? [];
    list.replaceChildren();
    if (!options.length) list.append(el("li", "suggestion empty", "No matches"));
    for (const o of options) {
      const li = list.appendChild(el("li", "suggestion", plain(o.text?.text ?? o.value)));
      li.setAttribute("role", "option");
      li.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        input.value = o.text?.text ?? o.value;
        list.hidden = true;
        entered.set(k, { text: o.text, value: o.value });
        ctx.act({ type: "enter", viewId, blockId, actionId: e.action_id, entry: { text: o.text, value: o.value } });
      });
    }
    list.hidden = false;
  };
  const minLength = typeof e.min_query_length === "number" ? e.min_query_length : 3;
  input.addEventListener("input", () => {
    entered.delete(k);
    clearTimeout(timer);
    if (input.value.length < minLength) return void (list.hidden = true);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("focus", () => {
    if (input.value.length >= minLength) ask();
  });
  // As in Slack, text that was typed but not picked from the list is not a choice.
  input.addEventListener("blur", () =>
    setTimeout(() => {
      list.hidden = true;
      const picked = entered.get(k);
      input.value = picked && typeof picked === "object" ? (picked.text?.text ?? picked.value) : "";
    }, 100),
  );
  return box;
}
