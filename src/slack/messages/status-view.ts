import { envOf, serviceNamed } from "../../config/lookup.js";
import { verifyPlan } from "../../config/verify-schema.js";
import { formatSince, shortSha } from "../../domain/format.js";
import type { Ports } from "../../deploy/ports.js";
import type { Deployment } from "../../domain/deployment.js";
import { bold, code, join, mrkdwn, when, type SlackText } from "../mrkdwn.js";
import type { SlackMessage } from "../port.js";
import { stateLabel } from "./deploy-message.js";
import { who } from "./requester.js";
import { bakeLeftMs } from "./verification-section.js";
import { duration } from "./verification-words.js";

function line(d: Deployment, now: string): SlackText {
  const ref = d.ref ? mrkdwn`${code(d.ref)} ` : "";
  return mrkdwn`${ref}${code(shortSha(d.sha))} by ${who(d.requester)}, ${formatSince(d.finishedAt ?? d.createdAt, now)} ago (#${d.id})`;
}

/** A verifying deploy's time left, by the stored bake clock. */
function bakeLeft(config: Ports["config"], d: Deployment): SlackText | "" {
  const verify = envOf(config, d)?.verify;
  if (d.state !== "verifying" || !d.verification || !verify) return "";
  return mrkdwn` · ${duration(bakeLeftMs(d.verification, verifyPlan(verify)))} left`;
}

/** `/deploy status [<service>]`: what is live in each environment, and what is running now. */
export async function statusView(
  ports: Pick<Ports, "config" | "store" | "clock">,
  only?: string,
): Promise<SlackMessage> {
  const now = ports.clock.now().toISOString();
  const names = only ? [only] : Object.keys(ports.config.services);
  const [deployed, live, locks] = await Promise.all([
    ports.store.currentlyDeployed(only),
    ports.store.listLive(),
    ports.store.listLocks(),
  ]);
  const sections = names.map((service) => {
    const envs = Object.keys(serviceNamed(ports.config, service)!.environments);
    const rows = envs.map((env) => {
      const current = deployed.find((d) => d.service === service && d.environment === env);
      const running = live.find((d) => d.service === service && d.environment === env);
      const here = current ? line(current, now) : mrkdwn`_nothing deployed by Gantry yet_`;
      const runningLine = running
        ? mrkdwn`\n      ${stateLabel(running.state)}: ${code(running.ref || "default branch")} by ${who(running.requester)} (#${running.id})${bakeLeft(ports.config, running)}`
        : "";
      const lock = locks.find((l) => l.service === service && l.environment === env);
      const lockLine = lock
        ? mrkdwn`\n      :lock: locked by ${who(lock.holder)} until ${when(lock.expiresAt)}: ${lock.reason}`
        : "";
      return mrkdwn`  • ${bold(env)}: ${here}${runningLine}${lockLine}`;
    });
    return join([bold(service), ...rows], "\n");
  });
  return { text: join(sections, "\n\n") };
}

/** `/deploy history <service> [<env>]`: the latest deploys, newest first. */
export async function historyView(
  ports: Pick<Ports, "store" | "clock">,
  service: string,
  environment?: string,
): Promise<SlackMessage> {
  const now = ports.clock.now().toISOString();
  const rows = await ports.store.history(service, environment, 10);
  const scope = environment ? mrkdwn`${bold(service)} in ${bold(environment)}` : bold(service);
  if (rows.length === 0)
    return { text: mrkdwn`No deploys of ${scope} yet. Start one with ${code(`/deploy ${service} to <env>`)}.` };
  const lines = rows.map((d) => mrkdwn`• ${stateLabel(d.state)} ${bold(d.environment)} — ${line(d, now)}`);
  return { text: join([mrkdwn`Latest deploys of ${scope}:`, ...lines], "\n") };
}
