import type {
  AppsConnectionsOpenResponse,
  AuthTestResponse,
  UsergroupsListResponse,
  UsergroupsUsersListResponse,
  UsersInfoResponse,
} from "@slack/web-api";
import { fail, type Method, type MethodSpec } from "./methods.js";
import { bool, str } from "./request-body.js";
import type { EmulatedUser, EmulatedUsergroup } from "./types.js";

function tzOffsetSeconds(tz: string): number {
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" })
      .formatToParts(new Date())
      .find((p) => p.type === "timeZoneName")?.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
    if (!m) return 0;
    return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  } catch {
    return 0;
  }
}

function tzLabel(tz: string): string {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "long" }).formatToParts(new Date());
    return parts.find((p) => p.type === "timeZoneName")?.value ?? tz;
  } catch {
    return tz;
  }
}

const authTest: Method = (_args, { ws }) => {
  const { teamId, enterpriseId, teamDomain, botUserId, botId, appId } = ws.identity;
  return {
    ok: true,
    url: `https://${teamDomain}.slack.com/`,
    team: "Gantry Sandbox",
    user: ws.userName(botUserId) ?? "gantry",
    team_id: teamId,
    user_id: botUserId,
    bot_id: botId,
    app_id: appId,
    // Slack names the organization only for a workspace in an Enterprise Grid.
    ...(enterpriseId !== undefined ? { enterprise_id: enterpriseId } : {}),
    is_enterprise_install: false,
  } satisfies AuthTestResponse;
};

function apiUser(u: EmulatedUser, teamId: string) {
  const tz = u.tz ?? "UTC";
  const realName = u.realName ?? u.name;
  return {
    id: u.id,
    team_id: teamId,
    name: u.name,
    deleted: false,
    real_name: realName,
    tz,
    tz_label: tzLabel(tz),
    tz_offset: tzOffsetSeconds(tz),
    is_bot: u.isBot ?? false,
    is_app_user: false,
    is_admin: false,
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: u.name,
      display_name_normalized: u.name,
      team: teamId,
      ...(u.email !== undefined ? { email: u.email } : {}),
    },
  };
}

const usersInfo: Method = (args, { ws }) => {
  const user = ws.users.get(str(args, "user") ?? "");
  if (!user) return fail("user_not_found");
  return { ok: true, user: apiUser(user, ws.identity.teamId) } satisfies UsersInfoResponse;
};

function apiUsergroup(g: EmulatedUsergroup, teamId: string, includeUsers: boolean) {
  return {
    id: g.id,
    team_id: teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.name ?? g.handle,
    handle: g.handle,
    description: "",
    user_count: g.users.length,
    ...(includeUsers ? { users: [...g.users] } : {}),
  };
}

const usergroupsList: Method = (args, { ws }) => {
  const includeUsers = bool(args, "include_users");
  const usergroups = [...ws.usergroups.values()].map((g) => apiUsergroup(g, ws.identity.teamId, includeUsers));
  return { ok: true, usergroups } satisfies UsergroupsListResponse;
};

const usergroupsUsersList: Method = (args, { ws }) => {
  const group = ws.usergroups.get(str(args, "usergroup") ?? "");
  if (!group) return fail("no_such_subteam");
  return { ok: true, users: [...group.users] } satisfies UsergroupsUsersListResponse;
};

const connectionsOpen: Method = (_args, ctx) =>
  ({ ok: true, url: ctx.socketUrl() }) satisfies AppsConnectionsOpenResponse;

export const directoryMethods: Record<string, MethodSpec> = {
  "auth.test": { token: "bot", run: authTest },
  "users.info": { token: "bot", run: usersInfo },
  "usergroups.list": { token: "bot", run: usergroupsList },
  "usergroups.users.list": { token: "bot", run: usergroupsUsersList },
  "apps.connections.open": { token: "app", run: connectionsOpen },
};
