/**
 * fast-check generators for the fuzz test: what an attacker holding the signing secret (or the webhook secret) can
 * send. Each case is built from a realistic payload (the signing client's), then fields are dropped, retyped or
 * replaced; beside those, arbitrary JSON and form bodies under odd content types, and arbitrary GitHub events.
 */
import fc from "fast-check";
import { CHANNEL, USERS } from "./harness.js";
import type { Target } from "./security-target.js";

/** A Slack request to build against the running target (commands and clicks draw ids and response_urls from it). */
type Build = (t: Target) => { body: string; contentType: string | undefined };

export type FuzzCase =
  | { to: "slack"; kind: string; spec: unknown; build: Build }
  | { to: "github"; event: string; body: string; contentType: string };

/** A Slack case that prints as its data (fast-check shows counterexamples with this), not as its build function. */
function slack<T>(
  kind: string,
  spec: T,
  build: (spec: T, t: Target) => { body: string; contentType: string | undefined },
): FuzzCase {
  return {
    to: "slack",
    kind,
    spec,
    build: (t) => build(spec, t),
    [fc.toStringMethod]: () => `${kind} ${fc.stringify(spec)}`,
  } as FuzzCase;
}

const TEXTS = [
  "checkout-api main to staging",
  "checkout-api main to production",
  "checkout-api v1.2.3 to production --reason hotfix",
  "billing-worker main to staging",
  "unknown-service main to staging",
  "checkout-api main to constructor",
  "__proto__ main to staging",
  "checkout-api from staging to production",
  "checkout-api dev to production",
  "checkout-api production to 1",
  "checkout-api staging for 100000d",
  "help",
  "",
];
const NASTY = [
  "<!channel>",
  "<!here|x>",
  "$(touch /tmp/pwned)",
  "`id`",
  "a".repeat(5000),
  "\u0000\u202e",
  "&lt;&gt;&amp;",
  "%00",
  "../../etc/passwd",
  '{"$ne":1}',
];
const ACTION_IDS = [
  "approve_deploy",
  "reject_deploy",
  "cancel_deploy",
  "rollback_deploy",
  "retry_deploy",
  "verify_rollback",
  "verify_accept",
  "notify_unlock",
  "promote_deploy:production",
  "promote_deploy:staging",
  "promote_deploy:__proto__",
  "open_deploy_form",
  "open_lock_form",
  "unlock_env",
  "deploy_form_service",
  "deploy_form_ref",
  "no_such_action",
];
const VALUES = [
  "1",
  "2",
  "3",
  "0",
  "-1",
  "1e309",
  "99999999999999999999",
  "1:production",
  "1:constructor",
  "checkout-api:production",
  "checkout-api:__proto__",
  "__proto__",
  "constructor",
  "",
];
const CALLBACKS = ["deploy_form", "lock_form", "reject_deploy_modal", "no_such_view", ""];
const COMMANDS = ["/deploy", "/promote", "/rollback", "/dora", "/lock", "/nope"];
const TEAMS = ["T0GANTRY", "T0EVIL", ""];

const text = fc.oneof(fc.constantFrom(...TEXTS), fc.constantFrom(...NASTY), fc.string({ maxLength: 80 }));
const user = fc.oneof(fc.constantFrom(...Object.values(USERS)), fc.string({ maxLength: 12 }));
const value = fc.oneof(fc.constantFrom(...VALUES), fc.constantFrom(...NASTY), fc.string({ maxLength: 20 }));
/** A field replaced: dropped (undefined), or any JSON value where a string or object was. */
const replacement = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(...NASTY),
  fc.constantFrom(...TEAMS),
);

/** Applies up to three replacements at dotted paths of `payload` (in place), and returns it. */
function mutate(payload: Record<string, unknown>, changes: [string, unknown][]): Record<string, unknown> {
  for (const [path, v] of changes) {
    const keys = path.split(".");
    let at: unknown = payload;
    for (const k of keys.slice(0, -1))
      at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[k] : undefined;
    if (typeof at !== "object" || at === null) continue;
    const last = keys.at(-1)!;
    if (v === undefined) delete (at as Record<string, unknown>)[last];
    else (at as Record<string, unknown>)[last] = v;
  }
  return payload;
}
const changes = (paths: string[]) => fc.array(fc.tuple(fc.constantFrom(...paths), replacement), { maxLength: 3 });

const FORM = "application/x-www-form-urlencoded";
const interactive = (payload: object) => ({
  body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  contentType: FORM,
});

const command = fc
  .record({
    user,
    command: fc.constantFrom(...COMMANDS),
    text,
    changes: changes([
      "team_id",
      "user_id",
      "channel_id",
      "trigger_id",
      "response_url",
      "text",
      "command",
      "enterprise_id",
    ]),
  })
  .map((spec) =>
    slack("command", spec, (c, t) => {
      const payload = mutate(
        { ...t.client.slashCommandPayload(c.user, c.command, c.text, { channel: CHANNEL }) },
        c.changes,
      );
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(payload))
        if (v !== undefined) form.append(k, typeof v === "string" ? v : JSON.stringify(v));
      return { body: form.toString(), contentType: FORM };
    }),
  );

const click = fc
  .record({
    user,
    actionId: fc.oneof(fc.constantFrom(...ACTION_IDS), fc.string({ maxLength: 20 })),
    value,
    changes: changes([
      "user",
      "user.id",
      "user.team_id",
      "team",
      "team.id",
      "actions",
      "actions.0",
      "actions.0.action_id",
      "actions.0.value",
      "container",
      "channel",
      "message",
      "trigger_id",
      "response_url",
      "view",
      "enterprise",
    ]),
  })
  .map((spec) =>
    slack("block_actions", spec, (c, t) =>
      interactive(
        mutate(
          t.client.blockActionPayload(c.user, { actionId: c.actionId, value: c.value }) as unknown as Record<
            string,
            unknown
          >,
          c.changes,
        ),
      ),
    ),
  );

const viewState = fc.dictionary(
  fc.string({ maxLength: 12 }),
  fc.dictionary(
    fc.constantFrom(
      "deploy_form_service",
      "deploy_form_env",
      "deploy_form_ref",
      "deploy_form_reason",
      "lock_form_duration",
      "lock_form_reason",
      "reason",
    ),
    fc.oneof(
      fc.record({ type: fc.constant("plain_text_input"), value: fc.oneof(text, fc.constant(null)) }),
      fc.record({
        type: fc.constant("static_select"),
        selected_option: fc.oneof(fc.constant(null), fc.record({ value })),
      }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  ),
  { maxKeys: 4 },
);

const submission = fc
  .record({
    user,
    callbackId: fc.constantFrom(...CALLBACKS),
    metadata: fc.oneof(
      fc.constant(""),
      fc.json({ maxDepth: 2 }),
      fc.constantFrom('{"channel":"C0EVIL"}', '{"id":1}', "1", "checkout-api:production"),
    ),
    state: viewState,
    changes: changes([
      "user",
      "user.id",
      "team",
      "view",
      "view.state",
      "view.state.values",
      "view.callback_id",
      "view.private_metadata",
      "view.id",
    ]),
  })
  .map((spec) =>
    slack("view_submission", spec, (c) =>
      interactive(
        mutate(
          {
            type: "view_submission",
            team: { id: "T0GANTRY", domain: "gantry-sandbox" },
            user: { id: c.user, name: "x", team_id: "T0GANTRY" },
            api_app_id: "A0GANTRY",
            trigger_id: "1.2.3",
            view: {
              id: "V0FUZZ",
              type: "modal",
              callback_id: c.callbackId,
              private_metadata: c.metadata,
              state: { values: c.state },
              hash: "h",
              team_id: "T0GANTRY",
              app_id: "A0GANTRY",
              blocks: [],
            },
            response_urls: [],
          },
          c.changes,
        ),
      ),
    ),
  );

const suggestion = fc
  .record({
    user,
    actionId: fc.constantFrom("deploy_form_ref", "no_such_select"),
    query: text,
    metadata: fc.oneof(fc.constant(""), fc.json({ maxDepth: 2 })),
    state: viewState,
    changes: changes(["user", "user.id", "team", "view", "view.state", "value", "action_id"]),
  })
  .map((spec) =>
    slack("block_suggestion", spec, (c) =>
      interactive(
        mutate(
          {
            type: "block_suggestion",
            team: { id: "T0GANTRY" },
            user: { id: c.user, team_id: "T0GANTRY" },
            action_id: c.actionId,
            block_id: "b",
            value: c.query,
            view: {
              id: "V0FUZZ",
              callback_id: "deploy_form",
              private_metadata: c.metadata,
              state: { values: c.state },
            },
          },
          c.changes,
        ),
      ),
    ),
  );

const event = fc
  .record({
    user,
    tab: fc.constantFrom("home", "messages", "x"),
    type: fc.constantFrom("app_home_opened", "message", "app_mention", "url_verification"),
    changes: changes(["event", "event.user", "event.type", "team_id", "authorizations", "challenge"]),
  })
  .map((spec) =>
    slack("event", spec, (c) => ({
      body: JSON.stringify(
        mutate(
          {
            type: c.type === "url_verification" ? "url_verification" : "event_callback",
            team_id: "T0GANTRY",
            challenge: "c",
            event: { type: c.type, user: c.user, tab: c.tab, channel: `D${c.user}` },
            authorizations: [{ team_id: "T0GANTRY", enterprise_id: null }],
          },
          c.changes,
        ),
      ),
      contentType: "application/json",
    })),
  );

const CONTENT_TYPES = [
  FORM,
  "application/json",
  "application/json; charset=utf-8",
  `${FORM}; charset=utf-8`,
  "text/plain",
  "multipart/form-data; boundary=x",
  "",
  undefined,
];
const arbitraryJson = fc
  .record({ json: fc.jsonValue({ maxDepth: 4 }), asForm: fc.boolean(), contentType: fc.constantFrom(...CONTENT_TYPES) })
  .map((spec) =>
    slack("json", spec, (c) => ({
      body: c.asForm ? `payload=${encodeURIComponent(JSON.stringify(c.json))}` : JSON.stringify(c.json),
      contentType: c.contentType,
    })),
  );
const arbitraryForm = fc
  .record({
    fields: fc.array(
      fc.tuple(
        fc.constantFrom("payload", "command", "text", "ssl_check", "type", "user_id", "team_id", "trigger_id"),
        fc.string({ maxLength: 40 }),
      ),
      { maxLength: 6 },
    ),
    raw: fc.string({ maxLength: 60 }),
    contentType: fc.constantFrom(...CONTENT_TYPES),
  })
  .map((spec) =>
    slack("form", spec, (c) => ({
      body: c.fields.length ? new URLSearchParams(c.fields).toString() : c.raw,
      contentType: c.contentType,
    })),
  );

const sha = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 40, maxLength: 40 });
const runPayload = fc.record(
  {
    action: fc.constantFrom("completed", "requested", "in_progress", "created", "x"),
    workflow_run: fc.record(
      {
        id: fc.oneof(fc.integer(), fc.string()),
        head_sha: fc.oneof(sha, fc.string()),
        status: fc.constantFrom("completed", "queued", "in_progress"),
        conclusion: fc.constantFrom("success", "failure", null),
        html_url: fc.constantFrom(
          "https://github.com/acme/checkout-api/actions/runs/1",
          "javascript:alert(1)",
          "https://evil.example/|<!channel>",
        ),
        name: text,
        path: fc.constantFrom(".github/workflows/deploy.yml", "x"),
      },
      { requiredKeys: [] },
    ),
    deployment: fc.record(
      {
        id: fc.oneof(fc.integer(), fc.string()),
        sha: fc.oneof(sha, fc.string()),
        ref: text,
        environment: fc.constantFrom("production", "staging", "__proto__"),
        payload: fc.jsonValue({ maxDepth: 2 }),
        created_at: fc.oneof(
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? "x" : d.toISOString())),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    ),
    deployment_status: fc.record(
      {
        state: fc.constantFrom("success", "failure", "in_progress", "x"),
        log_url: fc.constantFrom("https://github.com/x", "https://evil.example/>|@channel"),
      },
      { requiredKeys: [] },
    ),
    repository: fc.record({ full_name: fc.constantFrom("acme/checkout-api", "acme/billing-worker", "evil/repo", "") }),
  },
  { requiredKeys: [] },
);
const webhook = fc
  .record({
    event: fc.oneof(
      fc.constantFrom("workflow_run", "deployment", "deployment_status", "ping", "push"),
      fc.string({ maxLength: 20 }),
    ),
    body: fc.oneof(runPayload, fc.jsonValue({ maxDepth: 3 })),
    asForm: fc.boolean(),
  })
  .map((c): FuzzCase => {
    const json = JSON.stringify(c.body);
    return c.asForm
      ? { to: "github", event: c.event, body: `payload=${encodeURIComponent(json)}`, contentType: FORM }
      : { to: "github", event: c.event, body: json, contentType: "application/json" };
  });

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { arbitrary: command, weight: 3 },
  { arbitrary: click, weight: 3 },
  { arbitrary: submission, weight: 2 },
  { arbitrary: suggestion, weight: 1 },
  { arbitrary: event, weight: 1 },
  { arbitrary: arbitraryJson, weight: 2 },
  { arbitrary: arbitraryForm, weight: 1 },
  { arbitrary: webhook, weight: 3 },
);
