/** `gantry config check --explain <environment> <state>`: which notify rules a sample notice matches, and where it goes. */
import type { GantryConfig } from "../config/schema.js";
import { NOTICE_EVENTS, routeNotice, type NoticeEvent, type NoticeRule } from "../domain/notify.js";

export interface ExplainQuery {
  environment: string;
  state: string;
  event: NoticeEvent;
  service?: string;
}

const DEFAULTS: Record<NoticeEvent, string> = {
  deploy: "nothing beyond the deploy's own message and thread reply",
  outside: "the team channel",
  verification: "the team channel",
  digest: "the team channel",
};

function describeRule(rule: NoticeRule): string {
  const parts = (["events", "services", "environments", "states"] as const)
    .filter((k) => rule[k]?.length)
    .map((k) => `${k}: ${rule[k]!.join(", ")}`);
  return parts.length ? parts.join("; ") : "every notice";
}

/** Lines explaining, team by team, what a notice of `q` would do. */
export function explainNotices(config: GantryConfig, q: ExplainQuery): string[] {
  const lines = [`a ${q.event} notice for ${q.service ?? "any service"} in ${q.environment}, state ${q.state}:`];
  for (const [team, t] of Object.entries(config.teams)) {
    const services = t.services.filter((s) => !q.service || s === q.service);
    if (q.event !== "digest" && services.length === 0) continue;
    const route = routeNotice(t.notify, {
      event: q.event,
      environment: q.environment,
      state: q.state,
      ...(services.length === 1 ? { service: services[0] } : q.service ? { service: q.service } : {}),
      requester: "requester",
    });
    lines.push(`  ${team} (${services.join(", ") || "no services"}):`);
    if (route.fallback) {
      lines.push(
        `    no rule matches: ${DEFAULTS[q.event].replace("the team channel", `the team channel ${t.channel}`)}`,
      );
      continue;
    }
    for (const i of route.matched) {
      const rule = t.notify[i]!;
      lines.push(
        `    rule ${i + 1} (${describeRule(rule)}) → ${rule.to.length ? rule.to.join(", ") : "nobody (quiet)"}`,
      );
    }
    if (route.quiet) {
      lines.push("    a quiet rule matches: nothing is sent");
      continue;
    }
    const dms = [
      ...route.users.map((u) => (u === "requester" ? "whoever asked" : u)),
      ...route.groups.map((g) => `members of ${g}`),
    ];
    const where = [
      route.channels.length ? `channels ${route.channels.join(", ")}` : "",
      dms.length ? `direct messages to ${dms.join(", ")}` : "",
    ].filter(Boolean);
    lines.push(`    sent once each to: ${where.length ? where.join("; ") : "nobody"}`);
  }
  return lines;
}

export function parseEvent(value: string | undefined): NoticeEvent | undefined {
  if (value === undefined) return "deploy";
  return (NOTICE_EVENTS as readonly string[]).includes(value) ? (value as NoticeEvent) : undefined;
}
