/**
 * Sends a team's notices where its `notify` rules say: channels once each, direct messages to users and to the members
 * of user groups once each. A notice that cannot be sent somewhere is logged and the others still go.
 */
import type { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { GantryConfig } from "../config/schema.js";
import type { DeployEvents } from "../deploy/ports.js";
import type { Deployment } from "../domain/deployment.js";
import { routeNotice, type Notice, type NoticeRoute } from "../domain/notify.js";
import type { InFlight } from "../in-flight.js";
import { finishedReply } from "./messages/deploy-message.js";
import { originsOf } from "./mrkdwn.js";
import type { PostedMessage, SlackMessage, SlackPort } from "./port.js";

export interface NoticePorts {
  config: GantryConfig;
  slack: SlackPort;
  log: Logger;
}

/** The teams that list a service, each with where this notice goes for it. */
export function routesFor(config: GantryConfig, n: Notice): { team: string; route: NoticeRoute }[] {
  return Object.entries(config.teams)
    .filter(([, t]) => n.event === "digest" || (n.service !== undefined && t.services.includes(n.service)))
    .map(([team, t]) => ({ team, route: routeNotice(t.notify, n) }));
}

/** Everyone a route names, as Slack conversations: channels, then users (group members expanded), each once. */
async function recipients(ports: NoticePorts, route: NoticeRoute, skip: readonly string[]): Promise<string[]> {
  const users = new Set(route.users);
  for (const group of route.groups) {
    try {
      for (const member of await ports.slack.usergroupMembers(group)) users.add(member);
    } catch (err) {
      ports.log.warn({ group, err }, "could not read a user group for a notice");
    }
  }
  return [...route.channels, ...users].filter((to) => !skip.includes(to));
}

/** Posts the message to each recipient; returns what was posted, in order. */
export async function deliver(
  ports: NoticePorts,
  route: NoticeRoute,
  message: SlackMessage,
  skip: readonly string[] = [],
): Promise<PostedMessage[]> {
  const posted: PostedMessage[] = [];
  for (const to of await recipients(ports, route, skip)) {
    try {
      posted.push(await ports.slack.postMessage(to, message));
    } catch (err) {
      ports.log.warn({ to, err }, "could not send a notice");
    }
  }
  return posted;
}

/**
 * A deploy of Gantry's own reached a final state: the teams' matching rules get the notice. Without a matching rule
 * nothing more is sent (the deploy's own message and thread reply already tell its channel), and a rule naming that
 * channel does not repeat it there.
 */
export async function noticeDeployFinished(
  ports: NoticePorts & { clock: { now(): Date }; githubWeb?: string; jira?: { host: string } },
  d: Deployment,
): Promise<void> {
  const n: Notice = {
    event: "deploy",
    service: d.service,
    environment: d.environment,
    state: d.state,
    requester: d.requester,
  };
  const message = finishedReply(d, ports.clock.now(), originsOf({ github: ports.githubWeb, jira: ports.jira?.host }));
  const sent = new Set<string>();
  for (const { route } of routesFor(ports.config, n)) {
    if (route.fallback) continue;
    const skip = [...sent, ...(d.slackChannel ? [d.slackChannel] : [])];
    for (const p of await deliver(ports, route, message, skip)) sent.add(p.channel);
    route.channels.forEach((c) => sent.add(c));
    route.users.forEach((u) => sent.add(u));
  }
}

/** Every final state of a deploy of Gantry's own is routed by the notify rules; the work is tracked for shutdown. */
export function registerDeployNotices(
  ports: Parameters<typeof noticeDeployFinished>[0] & { events: EventEmitter<DeployEvents> },
  inFlight: InFlight,
): void {
  ports.events.on("finished", (d) => {
    void inFlight
      .track(noticeDeployFinished(ports, d))
      .catch((err: unknown) => ports.log.warn({ deployId: d.id, err }, "could not send the deploy's notices"));
  });
}

/** A notice whose default (no rule matched) is the team's channel: outside deploys and verification alerts. */
export async function noticeToTeams(ports: NoticePorts, n: Notice, message: SlackMessage): Promise<void> {
  const sent = new Set<string>();
  for (const { team, route } of routesFor(ports.config, n)) {
    const channel = ports.config.teams[team]!.channel;
    const target: NoticeRoute = route.fallback ? { ...route, channels: [channel] } : route;
    for (const p of await deliver(ports, target, message, [...sent])) sent.add(p.channel);
    target.channels.forEach((c) => sent.add(c));
  }
}
