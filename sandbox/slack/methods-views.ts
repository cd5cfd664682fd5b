import { randomBytes } from "node:crypto";
import type { ViewsOpenResponse, ViewsPublishResponse, ViewsUpdateResponse } from "@slack/web-api";
import { fail, opaque, type ApiResult, type Method, type MethodSpec } from "./methods.js";
import { str, type Args } from "./request-body.js";
import type { EmulatedView } from "./types.js";
import { validateBlocks } from "./validate-blocks.js";
import { keptValues, viewState, withGeneratedIds } from "./view-state.js";
import type { Workspace } from "./workspace.js";

type ApiView = ViewsOpenResponse["view"];

const newHash = () => `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString("hex")}`;

function readView(args: Args, type: "modal" | "home"): { view: Record<string, unknown> } | { error: ApiResult } {
  const view = args.view;
  if (typeof view !== "object" || view === null || Array.isArray(view)) return { error: fail("invalid_arguments") };
  const v = view as Record<string, unknown>;
  if (v.type !== type) {
    return {
      error: fail("invalid_arguments", {
        response_metadata: { messages: [`[ERROR] must be ${type} [json-pointer:/view/type]`] },
      }),
    };
  }
  const problems = validateBlocks(v.blocks ?? [], 100);
  if (problems) return { error: fail(problems.error, { response_metadata: { messages: problems.messages } }) };
  return { view: v };
}

/** Adds the server-side fields Slack returns (and later sends back in view payloads). */
function materialize(ws: Workspace, id: string, view: Record<string, unknown>, hash: string, previous?: EmulatedView) {
  const { teamId, appId, botId } = ws.identity;
  const blocks = withGeneratedIds(Array.isArray(view.blocks) ? view.blocks : [], () => ws.newId("B"));
  return {
    ...view,
    id,
    team_id: teamId,
    app_id: appId,
    app_installed_team_id: teamId,
    bot_id: botId,
    blocks,
    private_metadata: view.private_metadata ?? "",
    callback_id: view.callback_id ?? "",
    external_id: view.external_id ?? "",
    state: { values: viewState(blocks, {}) },
    hash,
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    root_view_id: (previous?.view.root_view_id as string | undefined) ?? id,
    previous_view_id: (previous?.view.previous_view_id as string | null | undefined) ?? null,
  };
}

/** An update keeps what was entered in fields that are still there, as Slack does. */
function store(
  ws: Workspace,
  user: string,
  kind: EmulatedView["kind"],
  view: Record<string, unknown>,
  previous?: EmulatedView,
) {
  const id = previous?.id ?? ws.newId("V");
  const hash = newHash();
  const materialized = materialize(ws, id, view, hash, previous);
  const values = previous ? keptValues(materialized.blocks, previous.values) : {};
  materialized.state = { values: viewState(materialized.blocks, values) };
  const stored: EmulatedView = {
    id,
    user,
    kind,
    view: materialized,
    hash,
    updates: previous ? previous.updates + 1 : 0,
    values,
    closed: false,
  };
  ws.views.set(id, stored);
  ws.viewChanged(stored);
  return stored;
}

/**
 * A `response_action: update` or `push` answered to a view submission, checked like views.update. An update
 * replaces the view; a push stacks a new one on it (closing that one shows this one again).
 */
export function answerView(
  ws: Workspace,
  existing: EmulatedView,
  view: unknown,
  push = false,
): EmulatedView | { error: string; messages: string[] } {
  const read = readView({ view }, existing.kind);
  if ("error" in read)
    return { error: String(read.error.error), messages: read.error.response_metadata?.messages ?? [] };
  if (!push) return store(ws, existing.user, existing.kind, read.view, existing);
  const stacked = store(ws, existing.user, existing.kind, read.view);
  stacked.view.root_view_id = existing.view.root_view_id ?? existing.id;
  stacked.view.previous_view_id = existing.id;
  return stacked;
}

const open: Method = (args, { ws }) => {
  const trigger = str(args, "trigger_id");
  if (!trigger) return fail("invalid_arguments");
  if (ws.usedTriggers.has(trigger)) return fail("exchanged_trigger_id");
  const user = ws.triggers.get(trigger);
  if (!user) return fail("invalid_trigger_id");
  const read = readView(args, "modal");
  if ("error" in read) return read.error;
  ws.triggers.delete(trigger);
  ws.usedTriggers.add(trigger);
  const stored = store(ws, user, "modal", read.view);
  return { ok: true, view: opaque<ApiView>(stored.view) } satisfies ViewsOpenResponse;
};

const update: Method = (args, { ws }) => {
  const viewId = str(args, "view_id");
  const externalId = str(args, "external_id");
  const existing = [...ws.views.values()].find((v) =>
    viewId !== undefined ? v.id === viewId : externalId !== undefined && v.view.external_id === externalId,
  );
  if (!existing || existing.closed) return fail("not_found");
  const hash = str(args, "hash");
  if (hash !== undefined && hash !== existing.hash) return fail("hash_conflict");
  const read = readView(args, existing.kind);
  if ("error" in read) return read.error;
  const stored = store(ws, existing.user, existing.kind, read.view, existing);
  return { ok: true, view: opaque<ViewsUpdateResponse["view"]>(stored.view) } satisfies ViewsUpdateResponse;
};

const publish: Method = (args, { ws }) => {
  const user = str(args, "user_id");
  if (!user) return fail("invalid_arguments");
  if (!ws.users.has(user) && !/^[UW][A-Z0-9]+$/.test(user)) return fail("user_not_found");
  const read = readView(args, "home");
  if ("error" in read) return read.error;
  const existing = [...ws.views.values()].find((v) => v.kind === "home" && v.user === user);
  const hash = str(args, "hash");
  if (existing && hash !== undefined && hash !== existing.hash) return fail("hash_conflict");
  const stored = store(ws, user, "home", read.view, existing);
  return { ok: true, view: opaque<ViewsPublishResponse["view"]>(stored.view) } satisfies ViewsPublishResponse;
};

export const viewMethods: Record<string, MethodSpec> = {
  "views.open": { token: "bot", run: open },
  "views.update": { token: "bot", run: update },
  "views.publish": { token: "bot", run: publish },
};
