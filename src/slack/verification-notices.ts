/**
 * What the notifier says about a verification beyond the deploy's message: the thread reply (with the chart) when
 * it ends, and the alert to the people named in `alert:` and to the teams whose notify rules take `verification`.
 */
import type { Logger } from "pino";
import type { GantryConfig } from "../config/schema.js";
import type { VerificationAlert } from "../deploy/notifier.js";
import type { Deployment } from "../domain/deployment.js";
import type { Notice } from "../domain/notify.js";
import { GANTRY_ACTOR } from "../domain/verify/record.js";
import { bold, code, join, mrkdwn, user, type SlackText } from "./mrkdwn.js";
import { deployRefusalMessage } from "./messages/refusals.js";
import { who } from "./messages/requester.js";
import { outcomeLine } from "./messages/verification-section.js";
import { deliver, routesFor } from "./notices.js";
import type { SlackMessage, SlackPort } from "./port.js";
import { renderVerificationChart } from "./verification-chart.js";

export interface TeamNoticePorts {
  config: GantryConfig;
  log: Logger;
}

/** The thread reply at the end of a verification: how it ended, for the requester. */
export function verificationEndedMessage(d: Deployment): SlackMessage {
  const v = d.verification;
  const how = v?.outcome ? outcomeLine(d, v, v.outcome) : mrkdwn`verification ended.`;
  return { text: mrkdwn`${who(d.requester)} #${d.id} ${bold(d.service)} in ${bold(d.environment)}: ${how}` };
}

/** Posts the outcome in the deploy's thread, then the chart of each check over the bake under it. */
export async function postVerificationEnded(slack: SlackPort, d: Deployment): Promise<void> {
  if (!d.slackChannel) return;
  const thread = d.slackTs ?? undefined;
  await slack.postMessage(d.slackChannel, verificationEndedMessage(d), thread);
  const png = renderVerificationChart(d);
  if (!png) return;
  const names = d.verification!.checks.map((c) => c.name).join(", ");
  await slack.uploadFile(
    d.slackChannel,
    {
      filename: `verification-${d.id}.png`,
      title: `#${d.id} ${d.service} in ${d.environment}: verification`,
      bytes: png,
      altText: `Each check over the bake of #${d.id} with its limit: ${names}`,
    },
    thread,
  );
}

/** The people to alert as mentions: users as themselves, a group as its handle followed by its members. */
async function mentions(slack: SlackPort, people: readonly string[], log?: Logger): Promise<SlackText> {
  const parts: SlackText[] = [];
  for (const p of people) {
    if (!p.startsWith("@")) {
      parts.push(user(p));
      continue;
    }
    const members = await slack.usergroupMembers(p.slice(1)).catch((err: unknown) => {
      log?.warn({ group: p, err }, "could not read a user group for an alert");
      return [] as string[];
    });
    parts.push(members.length ? mrkdwn`${code(p)} (${join(members.map(user), " ")})` : code(p));
  }
  return join(parts, " ");
}

function whatGantryDoes(d: Deployment, a: VerificationAlert, now: Date): SlackText {
  const rollback = code(`/rollback ${d.service} ${d.environment}`);
  switch (a.action) {
    case "rolling_back":
      return a.rollbackId
        ? mrkdwn`Gantry is rolling back to the last good deploy on its own: #${a.rollbackId}.`
        : mrkdwn`Gantry is rolling back to the last good deploy on its own.`;
    case "rollback_refused": {
      const why = a.refusal ? mrkdwn` ${deployRefusalMessage(a.refusal, now).text}` : "";
      return mrkdwn`Gantry could not roll back on its own:${why} Once that is sorted out, type ${rollback}.`;
    }
    case "waiting": {
      const button = d.state === "verifying" ? mrkdwn`press *Roll back now* on its message, or ` : "";
      return mrkdwn`Gantry does not roll back here (\`onFailure: notify\`) and waits for a person: to roll back, ${button}type ${rollback}.`;
    }
  }
}

export async function verificationAlertMessage(
  slack: SlackPort,
  d: Deployment,
  a: VerificationAlert,
  now: Date,
  log?: Logger,
): Promise<SlackMessage> {
  const named = a.people.length ? mrkdwn`${await mentions(slack, a.people, log)} ` : "";
  return {
    text: mrkdwn`:rotating_light: ${named}#${d.id} ${bold(d.service)} in ${bold(d.environment)} failed verification: ${a.reason}. ${whatGantryDoes(d, a, now)}`,
  };
}

/** The alert in the deploy's thread, then to the teams' channels and people by their `verification` rules. */
export async function postVerificationAlert(
  slack: SlackPort,
  d: Deployment,
  alert: VerificationAlert,
  now: Date,
  teams?: TeamNoticePorts,
): Promise<void> {
  const message = await verificationAlertMessage(slack, d, alert, now, teams?.log);
  if (d.slackChannel) await slack.postMessage(d.slackChannel, message, d.slackTs ?? undefined);
  if (!teams) return;
  const notice: Notice = {
    event: "verification",
    service: d.service,
    environment: d.environment,
    state: d.state,
    ...(d.requester === GANTRY_ACTOR ? {} : { requester: d.requester }),
  };
  // As noticeToTeams, except that the deploy's own channel, which has just been told, is not told again.
  const sent = new Set<string>(d.slackChannel ? [d.slackChannel] : []);
  for (const { team, route } of routesFor(teams.config, notice)) {
    const target = route.fallback ? { ...route, channels: [teams.config.teams[team]!.channel] } : route;
    for (const p of await deliver({ ...teams, slack }, target, message, [...sent])) sent.add(p.channel);
    target.channels.forEach((c) => sent.add(c));
  }
}
