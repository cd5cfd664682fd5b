import { formatSince, shortSha, escapeMrkdwn } from "../../domain/format.js";
import type { Ports } from "../../deploy/ports.js";
import type { Deployment } from "../../store/types.js";
import type { SlackMessage } from "../port.js";
import { stateLabel } from "./deploy-message.js";

function line(d: Deployment, now: string): string {
  const ref = d.ref ? `\`${escapeMrkdwn(d.ref)}\` ` : "";
  return `${ref}\`${shortSha(d.sha)}\` by <@${d.requester}>, ${formatSince(d.finishedAt ?? d.createdAt, now)} ago (#${d.id})`;
}

/** `/deploy status [<service>]`: what is live in each environment, and what is running now. */
export async function statusView(ports: Pick<Ports, "config" | "store" | "clock">, only?: string): Promise<SlackMessage> {
  const now = ports.clock.now().toISOString();
  const names = only ? [only] : Object.keys(ports.config.services);
  const [deployed, live, locks] = await Promise.all([ports.store.currentlyDeployed(only), ports.store.listLive(), ports.store.listLocks()]);
  const sections = names.map((service) => {
    const envs = Object.keys(ports.config.services[service]!.environments);
    const rows = envs.map((env) => {
      const current = deployed.find((d) => d.service === service && d.environment === env);
      const running = live.find((d) => d.service === service && d.environment === env);
      const here = current ? line(current, now) : "_nothing deployed by Gantry yet_";
      const runningLine = running ? `\n      ${stateLabel(running.state)}: \`${escapeMrkdwn(running.ref || "default branch")}\` by <@${running.requester}> (#${running.id})` : "";
      const lock = locks.find((l) => l.service === service && l.environment === env);
      const lockLine = lock ? `\n      :lock: locked by <@${lock.holder}> until ${lock.expiresAt.slice(0, 16).replace("T", " ")} UTC: ${escapeMrkdwn(lock.reason)}` : "";
      return `  • *${env}*: ${here}${runningLine}${lockLine}`;
    });
    return [`*${service}*`, ...rows].join("\n");
  });
  return { text: sections.join("\n\n") };
}

/** `/deploy history <service> [<env>]`: the latest deploys, newest first. */
export async function historyView(
  ports: Pick<Ports, "store" | "clock">,
  service: string,
  environment?: string,
): Promise<SlackMessage> {
  const now = ports.clock.now().toISOString();
  const rows = await ports.store.history(service, environment, 10);
  const scope = environment ? `*${service}* in *${environment}*` : `*${service}*`;
  if (rows.length === 0) return { text: `No deploys of ${scope} yet. Start one with \`/deploy ${service} to <env>\`.` };
  const lines = rows.map((d) => `• ${stateLabel(d.state)} *${d.environment}* — ${line(d, now)}`);
  return { text: [`Latest deploys of ${scope}:`, ...lines].join("\n") };
}
