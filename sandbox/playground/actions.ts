import type { Logger } from "../../src/log.js";
import type { SlackEmulator } from "../slack/emulator.js";
import type { SlackSigningClient } from "../slack/signing-client.js";
import type { PlaygroundState } from "./state.js";

/** What the page asks for: each is something a person does in Slack's client. */
export type PageAction =
  | { type: "command"; user: string; channel: string; text: string }
  | { type: "button"; user: string; channel: string; ts: string; actionId: string; value?: string; blockId?: string }
  | { type: "view-button"; user: string; viewId: string; actionId: string; value?: string; blockId?: string }
  | {
      type: "enter";
      user: string;
      viewId: string;
      blockId: string;
      actionId: string;
      entry: string | { text: { type: "plain_text"; text: string }; value: string };
    }
  | {
      type: "submit";
      user: string;
      viewId: string;
      values: Record<string, Record<string, string | { text: { type: "plain_text"; text: string }; value: string }>>;
    }
  | { type: "close"; user: string; viewId: string }
  | { type: "suggest"; user: string; viewId: string; blockId: string; actionId: string; value: string }
  | { type: "home"; user: string };

export interface ActionDeps {
  slack: SlackEmulator;
  client: SlackSigningClient;
  state: PlaygroundState;
  log: Logger;
}

/** What the page shows about an action besides the workspace changes it causes. */
export interface ActionResult {
  /** Slack's client shows this when the app answers with an HTTP error. */
  error?: string;
  /** external_select suggestions. */
  options?: unknown[];
}

const SLASH = /^(\/[a-z][a-z-]*)(?:\s+([\s\S]*))?$/;

/** Plays the person's part through the signing client, exactly as Slack would deliver it to Gantry. */
export async function perform(deps: ActionDeps, action: PageAction): Promise<ActionResult> {
  switch (action.type) {
    case "command":
      return command(deps, action);
    case "button":
      return button(deps, action);
    default:
      return viewAction(deps, action);
  }
}

async function command(deps: ActionDeps, a: Extract<PageAction, { type: "command" }>): Promise<ActionResult> {
  const m = SLASH.exec(a.text.trim());
  if (!m) return { error: "Type a slash command, e.g. /deploy checkout-api main to staging" };
  const res = await deps.client.command(a.user, m[1]!, (m[2] ?? "").trim(), { channel: a.channel });
  if (res.status !== 200) return { error: `${m[1]} failed with the error "dispatch_failed" (HTTP ${res.status})` };
  const body = res.json as { text?: string; blocks?: unknown[]; response_type?: string } | undefined;
  if (body && (body.text || body.blocks)) deps.state.addAck(a.user, a.channel, body);
  return {};
}

async function button(deps: ActionDeps, a: Extract<PageAction, { type: "button" }>): Promise<ActionResult> {
  const click = {
    actionId: a.actionId,
    ...(a.value !== undefined ? { value: a.value } : {}),
    ...(a.blockId ? { blockId: a.blockId } : {}),
  };
  const ack = deps.state.findAck(a.user, a.ts);
  if (ack) {
    // An acknowledgement's ephemeral never went through the Web API, so the emulator cannot locate it; Slack sends
    // such clicks with the ephemeral container and no message, which is what we build here.
    const payload = deps.client.blockActionPayload(a.user, click, { channel: a.channel });
    const { message: _message, ...rest } = payload;
    const body = new URLSearchParams({
      payload: JSON.stringify({
        ...rest,
        container: {
          type: "message",
          message_ts: a.ts,
          channel_id: a.channel,
          is_ephemeral: ack.visibleTo !== undefined,
        },
      }),
    }).toString();
    return answered(await deps.client.send(body));
  }
  return answered(await deps.client.blockAction(a.user, { ...click, message: { channel: a.channel, ts: a.ts } }));
}

function answered(res: { status: number }): ActionResult {
  return res.status === 200 ? {} : { error: `Gantry did not accept the click (HTTP ${res.status})` };
}

async function viewAction(
  deps: ActionDeps,
  a: Exclude<PageAction, { type: "command" | "button" }>,
): Promise<ActionResult> {
  const { client, slack } = deps;
  switch (a.type) {
    case "home":
      return answered(await client.appHomeOpened(a.user));
    case "view-button":
      return answered(
        await client.viewButton(a.user, {
          view: a.viewId,
          actionId: a.actionId,
          ...(a.value !== undefined ? { value: a.value } : {}),
          ...(a.blockId ? { blockId: a.blockId } : {}),
        }),
      );
    case "enter": {
      // Selects go through viewSelect, which also tells the app when Slack would (dispatching selects).
      const res = await client.viewSelect(a.user, {
        view: a.viewId,
        actionId: a.actionId,
        blockId: a.blockId,
        option: a.entry,
      });
      return res ? answered(res) : {};
    }
    case "suggest": {
      const res = await client.blockSuggestion(a.user, {
        view: a.viewId,
        actionId: a.actionId,
        blockId: a.blockId,
        value: a.value,
      });
      return res.status === 200
        ? { options: res.options }
        : { error: `Gantry did not answer the suggestions (HTTP ${res.status})`, options: [] };
    }
    case "close":
      slack.closeView(a.viewId);
      return {};
    case "submit": {
      for (const [blockId, fields] of Object.entries(a.values)) {
        for (const [actionId, entry] of Object.entries(fields)) slack.enter(a.viewId, actionId, entry, blockId);
      }
      const res = await client.viewSubmission(a.user, { id: a.viewId });
      // Slack's client refuses empty required fields itself, under the field, without asking the app.
      if (res.clientErrors)
        slack.applySubmissionAnswer(a.viewId, { response_action: "errors", errors: res.clientErrors });
      else if (res.status !== 200) return { error: `Gantry did not accept the form (HTTP ${res.status})` };
      return {};
    }
  }
}
