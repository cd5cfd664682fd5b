/**
 * One workspace: Gantry's bot token belongs to one Slack workspace (auth.test says which, and which Enterprise Grid
 * organization if any), and only requests from it are served. A Slack app's signing secret is shared by every
 * workspace it is installed in, so a valid signature alone does not say the request is from Gantry's own people.
 * Every team and organization id a request names must be the installed one; anything else is refused, audited,
 * acknowledged (a command with words saying why) and goes no further than this global middleware.
 */
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/types.js";
import { otherWorkspaceText, WORKSPACE_UNKNOWN_TEXT } from "./messages/workspace-refusal.js";
import type { SlackText } from "./mrkdwn.js";

export interface SlackWorkspace {
  teamId: string;
  enterpriseId?: string;
}

interface AuthTest {
  team_id?: string;
  enterprise_id?: string;
}

/** The installed workspace, learned from auth.test and then kept; asked again while Slack has not answered. */
export class InstalledWorkspace {
  private known: SlackWorkspace | undefined;
  private asking: Promise<SlackWorkspace | undefined> | undefined;

  constructor(
    private readonly authTest: () => Promise<AuthTest>,
    private readonly log: Logger,
  ) {}

  /** The workspace, or undefined when Slack has not said within `waitMs` (the question stays open). */
  async get(waitMs: number): Promise<SlackWorkspace | undefined> {
    if (this.known) return this.known;
    this.asking ??= this.authTest()
      .then((r) => {
        if (!r.team_id) throw new Error("auth.test named no team");
        this.known = { teamId: r.team_id, ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}) };
        this.log.info({ workspace: this.known }, "serving one Slack workspace");
        return this.known;
      })
      .catch((err: unknown) => (this.log.warn({ err }, "could not learn the Slack workspace"), undefined))
      .finally(() => (this.asking = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
    try {
      return await Promise.race([this.asking, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What a request says about where it comes from. Only values that are there count; ids that are not strings never match. */
export interface Claim {
  kind: string;
  user: string | undefined;
  teams: unknown[];
  enterprises: unknown[];
}

type Loose = Record<string, unknown> | undefined;
const field = (o: unknown, key: string): unknown =>
  typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined;
const present = (values: unknown[]): unknown[] => values.filter((v) => v !== undefined && v !== null);
/** A claimed value as words for the log: strings as they are, anything else by its type (an object's own
 * `toString` may be a string, and then String() throws). */
const shown = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : `(${typeof v})`);

export function claimOf(body: Loose): Claim {
  const team = field(body, "team");
  const user = field(body, "user");
  const authorizations = field(body, "authorizations");
  const firstAuth = Array.isArray(authorizations) ? (authorizations[0] as unknown) : undefined;
  const userId = field(body, "user_id") ?? field(user, "id") ?? field(field(body, "event"), "user");
  return {
    kind: field(body, "command") !== undefined ? "command" : shown(field(body, "type") ?? "unknown"),
    user: typeof userId === "string" ? userId : undefined,
    teams: present([
      field(body, "team_id"),
      field(team, "id"),
      field(user, "team_id"),
      field(firstAuth, "team_id"),
      field(field(body, "view"), "app_installed_team_id"),
    ]),
    enterprises: present([
      field(body, "enterprise_id"),
      field(field(body, "enterprise"), "id"),
      field(team, "enterprise_id"),
      field(firstAuth, "enterprise_id"),
    ]),
  };
}

/** Why a claim is not the installed workspace's, or undefined when it is. */
export function foreign(claim: Claim, installed: SlackWorkspace): string | undefined {
  if (claim.teams.length === 0) return "no workspace named";
  if (claim.teams.some((t) => t !== installed.teamId)) return "another workspace";
  if (claim.enterprises.some((e) => e !== installed.enterpriseId)) return "another organization";
  return undefined;
}

export interface OneWorkspaceDeps {
  workspace: InstalledWorkspace;
  store: Pick<Store, "audit">;
  clock: Clock;
  log: Logger;
  /** How long a request waits for auth.test when the workspace is not known yet; inside Slack's 3 s. */
  waitMs?: number;
}

/** Bolt global middleware: requests from the installed workspace go on; others are refused here. */
export function oneWorkspace(deps: OneWorkspaceDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const claim = claimOf(args.body as Loose);
    const installed = await deps.workspace.get(deps.waitMs ?? 1_500);
    const reason = installed ? foreign(claim, installed) : "installed workspace not known yet";
    if (!reason) return args.next();
    // The id that does not match, for the audit log and the answer; else the one that was named.
    const odd = (values: unknown[], own: string | undefined) => {
      const v = values.find((x) => x !== own) ?? values[0];
      return v === undefined ? undefined : shown(v).slice(0, 40);
    };
    const detail = {
      reason,
      kind: claim.kind,
      team: odd(claim.teams, installed?.teamId),
      enterprise: odd(claim.enterprises, installed?.enterpriseId),
    };
    deps.log.warn(detail, "Slack request refused: not from the installed workspace");
    // In the audit log before Slack hears back, so whoever sent it can already find it there.
    await deps.store
      .audit({ actor: claim.user ?? "unknown", action: "request.refused", detail, at: deps.clock.now().toISOString() })
      .catch((err: unknown) => deps.log.warn({ err }, "could not audit a refused request"));
    await refuse(args, claim.kind, installed ? otherWorkspaceText(detail) : WORKSPACE_UNKNOWN_TEXT);
  };
}

/** Acknowledges without acting: words for a command, no options for a suggestion, nothing for the rest. */
async function refuse(args: AnyMiddlewareArgs, kind: string, text: SlackText): Promise<void> {
  const ack = (args as { ack?: (answer?: unknown) => Promise<void> }).ack;
  if (!ack) return; // events: Bolt has acknowledged them already
  if (kind === "command") return ack({ response_type: "ephemeral", text: text.mrkdwn });
  if (kind === "block_suggestion") return ack({ options: [] });
  return ack();
}
