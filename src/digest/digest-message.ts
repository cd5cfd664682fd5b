import type { KnownBlock } from "@slack/types";
import { change, failedDeployments, perService, slowestChanges, sparkline, weeklyTrend, DEFINITIONS } from "../domain/dora/index.js";
import { prepareLedger } from "../domain/dora/ledger.js";
import type { DoraInput } from "../domain/dora/report.js";
import type { DoraReport, Level } from "../domain/dora/types.js";
import { escapeMrkdwn, formatDuration, localDate, shortSha } from "../domain/format.js";
import type { SlackMessage } from "../slack/port.js";

const LEVEL: Record<Level, string> = { elite: ":star2: elite", high: ":large_green_circle: high", medium: ":large_yellow_circle: medium", low: ":red_circle: low" };

export const level = (l: Level | null): string => (l ? LEVEL[l] : "—");
const seconds = (s: number | null): string => (s === null ? "—" : formatDuration(s * 1000));
const percent = (v: number | null): string => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 1): string => (v === null ? "—" : Number(v.toFixed(digits)).toString());

function delta(value: number | null, format: (v: number) => string): string {
  if (value === null || value === 0) return value === 0 ? " (=)" : "";
  return ` (${value > 0 ? "+" : "−"}${format(Math.abs(value))})`;
}

/** The four keys (and rework) as Slack fields, each with its level and the change against the week before. */
export function metricFields(cur: DoraReport, prev?: DoraReport): { type: "mrkdwn"; text: string }[] {
  const c = prev ? change(prev, cur) : undefined;
  return [
    {
      type: "mrkdwn",
      text:
        `*Deployment frequency*\n${cur.deployments} deployments on ${cur.deploymentDays} days${delta(c?.deployments ?? null, String)}\n` +
        `median ${num(cur.deploymentFrequency.medianDeployDaysPerWeek)} days/week · ${level(cur.deploymentFrequency.level)}`,
    },
    {
      type: "mrkdwn",
      text: `*Lead time for changes*\nmedian ${seconds(cur.leadTime.medianSeconds)}${delta(c?.leadTimeSeconds ?? null, (v) => seconds(v))} over ${cur.leadTime.commits} commits · ${level(cur.leadTime.level)}`,
    },
    {
      type: "mrkdwn",
      text: `*Change failure rate*\n${percent(cur.changeFailureRate.value)} (${cur.changeFailureRate.failed} failed)${delta(c?.changeFailureRate ?? null, (v) => percent(v))} · ${level(cur.changeFailureRate.level)}`,
    },
    {
      type: "mrkdwn",
      text: `*Failed deployment recovery time*\nmedian ${seconds(cur.recoveryTime.medianSeconds)} over ${cur.recoveryTime.restored} restored · ${level(cur.recoveryTime.level)}`,
    },
    { type: "mrkdwn", text: `*Rework rate*\n${percent(cur.reworkRate.value)}` },
  ];
}

/** Everything the digest shows, computed once from the ledger. */
export function digestData(raw: DoraInput) {
  // Prepare the ledger once; every view below reads the same one.
  const { deployments, incidents, ...params } = raw;
  const input = { ...params, ledger: prepareLedger(deployments, incidents) };
  const trend = weeklyTrend(input, 12);
  const report = trend.at(-1)!.report;
  const previous = trend.at(-2)?.report;
  return {
    report,
    previous,
    trend,
    services: perService(input),
    slowest: slowestChanges(input, 3),
    failed: failedDeployments(input),
  };
}
export type DigestData = ReturnType<typeof digestData>;

function trendLines(trend: DigestData["trend"]): string {
  const line = (label: string, values: (number | null)[]) => `\`${sparkline(values)}\` ${label}`;
  return [
    line("deployment days", trend.map((t) => t.report.deploymentDays)),
    line("median lead time", trend.map((t) => t.report.leadTime.medianSeconds)),
    line("change failure rate", trend.map((t) => t.report.changeFailureRate.value)),
    line("median recovery time", trend.map((t) => t.report.recoveryTime.medianSeconds)),
  ].join("\n");
}

/** The weekly digest as Block Kit: metrics with levels and change, a sparkline trend, services, slow changes, failures. */
/** `repoUrl` gives a service's repository web address (github.com or Enterprise Server), for commit links. */
export function digestMessage(team: string, data: DigestData, repoUrl: (service: string) => string | undefined, timezone: string): SlackMessage {
  const { report } = data;
  const from = localDate(report.window.from, timezone);
  const title = `DORA digest for ${team}: week of ${from}`;
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: title } }];
  if (report.deployments === 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `:zzz: A quiet week: no production deployments for *${escapeMrkdwn(team)}*.` } });
  }
  blocks.push({ type: "section", fields: metricFields(report, data.previous) });
  blocks.push({ type: "section", text: { type: "mrkdwn", text: `*12-week trend* (oldest → newest)\n${trendLines(data.trend)}` } });
  const rows = data.services.map(
    (s) =>
      `• *${escapeMrkdwn(s.service)}*: ${s.report.deployments} deploys · lead ${seconds(s.report.leadTime.medianSeconds)} · ` +
      `CFR ${percent(s.report.changeFailureRate.value)} · recovery ${seconds(s.report.recoveryTime.medianSeconds)}`,
  );
  if (rows.length) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*By service*\n${rows.join("\n")}` } });
  if (data.slowest.length) {
    const slow = data.slowest.map((c) => {
      const repo = repoUrl(c.service);
      const sha = repo ? `<${repo}/commit/${c.commit.sha}|${shortSha(c.commit.sha)}>` : `\`${shortSha(c.commit.sha)}\``;
      return `• ${sha} ${escapeMrkdwn(c.commit.message.split("\n")[0]!.slice(0, 80))} — ${seconds(c.leadSeconds)} to production (${escapeMrkdwn(c.service)})`;
    });
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Slowest changes*\n${slow.join("\n")}` } });
  }
  if (data.failed.length) {
    const failed = data.failed.map((f) => {
      const why = f.reasons.map((r) => r.replace("_", " ")).join(", ");
      const incidents = f.incidents.map((i) => i.key).join(", ");
      const restored = f.restoredAt ? `restored after ${seconds(f.recoverySeconds)}` : "not restored yet";
      return `• ${escapeMrkdwn(f.deployment.service)} \`${shortSha(f.deployment.sha)}\` (${why}${incidents ? `: ${incidents}` : ""}) — ${restored}`;
    });
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Failed deployments*\n${failed.join("\n")}` } });
  }
  blocks.push({ type: "divider" });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: escapeMrkdwn(DEFINITIONS).slice(0, 2900) }] });
  const text = `${title}: ${report.deployments} deployments, lead time ${seconds(report.leadTime.medianSeconds)}, CFR ${percent(report.changeFailureRate.value)}`;
  return { text, blocks };
}
