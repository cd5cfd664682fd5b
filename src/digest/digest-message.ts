import type { KnownBlock } from "@slack/types";
import {
  change,
  failedDeployments,
  perService,
  slowestChanges,
  sparkline,
  weeklyTrend,
  DEFINITIONS,
} from "../domain/dora/index.js";
import { prepareLedger } from "../domain/dora/ledger.js";
import { reportFrom, type DoraInput } from "../domain/dora/report.js";
import { STAGES, type DoraKeys, type DoraReport, type Level, type StageName } from "../domain/dora/types.js";
import { formatDuration, localDate, shortSha } from "../domain/format.js";
import { bold, code, context, fieldsSection, join, link, mrkdwn, section, type SlackText } from "../slack/mrkdwn.js";
import type { SlackMessage } from "../slack/port.js";

const LEVEL: Record<Level, string> = {
  elite: ":star2: elite",
  high: ":large_green_circle: high",
  medium: ":large_yellow_circle: medium",
  low: ":red_circle: low",
};

export const level = (l: Level | null): string => (l ? LEVEL[l] : "—");
const seconds = (s: number | null): string => (s === null ? "—" : formatDuration(s * 1000));
const percent = (v: number | null): string => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 1): string => (v === null ? "—" : Number(v.toFixed(digits)).toString());

const STAGE_WORDS: Record<StageName, string> = {
  coding: "coding",
  review: "in review",
  waiting: "waiting to be deployed",
  approval: "waiting for approval",
  deploy: "deploying",
  verification: "verifying",
};

function reworkText(r: DoraKeys["reworkRate"]): string {
  const kinds: [number, string][] = [
    [r.rollbacks, "rollback"],
    [r.hotfixes, "hotfix"],
    [r.forwardFixes, "forward fix"],
  ];
  const said = kinds
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}${n === 1 ? "" : word.endsWith("x") ? "es" : "s"}`);
  return said.length ? ` (${said.join(", ")})` : "";
}

/** The bottleneck in words, then each measured stage's median and p90; undefined when nothing could be measured. */
export function stagesText(r: DoraReport): SlackText | undefined {
  const s = r.stages;
  if (!s.bottleneck) return undefined;
  const top = s[s.bottleneck];
  const measured = STAGES.filter((name) => s[name].changes > 0).map(
    (name) => `${name} ${seconds(s[name].medianSeconds)} (p90 ${seconds(s[name].p90Seconds)})`,
  );
  const noPull = s.withoutPullRequest
    ? `\n${s.withoutPullRequest} changes had no pull request: no coding or review time for them.`
    : "";
  return mrkdwn`Most of your lead time is ${STAGE_WORDS[s.bottleneck]}: median ${seconds(top.medianSeconds)}.\n${measured.join(" · ")}${noPull}`;
}

export function batchText(r: DoraReport): SlackText | undefined {
  const b = r.batchSize;
  if (b.medianCommits === null) return undefined;
  const compare =
    b.large.deployments > 0
      ? ` · change failure rate ${percent(b.large.changeFailureRate)} for larger deploys, ${percent(b.small.changeFailureRate)} for the rest`
      : "";
  return mrkdwn`median ${num(b.medianCommits)} commits per deploy (p90 ${num(b.p90Commits)})${compare}`;
}

function delta(value: number | null, format: (v: number) => string): string {
  if (value === null || value === 0) return value === 0 ? " (=)" : "";
  return ` (${value > 0 ? "+" : "−"}${format(Math.abs(value))})`;
}

/** Below weekly the level comes from months, so the months are what the reader is shown. */
function frequencyText(f: DoraKeys["deploymentFrequency"]): string {
  const week = f.medianDeployDaysPerWeek;
  if (week === null || week >= 1 || f.medianDeployDaysPerMonth === null) return `${num(week)} days/week`;
  return `${num(week)} days/week, ${num(f.medianDeployDaysPerMonth)} days/month`;
}

/** The four keys (and rework) as Slack fields, each with its level and the change against the week before. */
export function metricFields(cur: DoraKeys, prev?: DoraKeys): SlackText[] {
  const c = prev ? change(prev, cur) : undefined;
  return [
    mrkdwn`*Deployment frequency*\n${cur.deployments} deployments on ${cur.deploymentDays} days${delta(c?.deployments ?? null, String)}\nmedian ${frequencyText(cur.deploymentFrequency)} · ${level(cur.deploymentFrequency.level)}`,
    mrkdwn`*Lead time for changes*\nmedian ${seconds(cur.leadTime.medianSeconds)}${delta(c?.leadTimeSeconds ?? null, (v) => seconds(v))} over ${cur.leadTime.commits} commits · ${level(cur.leadTime.level)}`,
    mrkdwn`*Change failure rate*\n${percent(cur.changeFailureRate.value)} (${cur.changeFailureRate.failed} failed)${delta(c?.changeFailureRate ?? null, (v) => percent(v))} · ${level(cur.changeFailureRate.level)}`,
    mrkdwn`*Failed deployment recovery time*\nmedian ${seconds(cur.recoveryTime.medianSeconds)} over ${cur.recoveryTime.restored} restored · ${level(cur.recoveryTime.level)}`,
    mrkdwn`*Rework rate*\n${percent(cur.reworkRate.value)}${reworkText(cur.reworkRate)}`,
  ];
}

/** Everything the digest shows, computed once from the ledger. */
export function digestData(raw: DoraInput) {
  // Prepare the ledger once; every view below reads the same one.
  const { deployments, incidents, ...params } = raw;
  const input = { ...params, ledger: prepareLedger(deployments, incidents) };
  const trend = weeklyTrend(input, 12);
  // The trend's weeks carry the four keys; the week reported also where its time went.
  const report = reportFrom(input.ledger, { ...input, window: trend.at(-1)!.week });
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

function trendLines(trend: DigestData["trend"]): SlackText {
  const line = (label: string, values: (number | null)[]) => mrkdwn`${code(sparkline(values))} ${label}`;
  return join(
    [
      line(
        "deployment days",
        trend.map((t) => t.report.deploymentDays),
      ),
      line(
        "median lead time",
        trend.map((t) => t.report.leadTime.medianSeconds),
      ),
      line(
        "change failure rate",
        trend.map((t) => t.report.changeFailureRate.value),
      ),
      line(
        "median recovery time",
        trend.map((t) => t.report.recoveryTime.medianSeconds),
      ),
    ],
    "\n",
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What verification on live metrics caught; undefined in a window where it caught nothing. */
export function verificationText(r: DoraReport): SlackText | undefined {
  const v = r.verification;
  if (v.failedVerifications === 0 && v.automaticRollbacks === 0) return undefined;
  const parts = [
    plural(v.failedVerifications, "failed verification"),
    plural(v.automaticRollbacks, "automatic rollback"),
  ];
  if (v.detection.detected > 0) parts.push(`median ${seconds(v.detection.medianSeconds)} from deploy to detection`);
  parts.push(`${plural(v.caughtBeforeProduction, "bad change")} caught before production`);
  return mrkdwn`${parts.join(" · ")}`;
}

/** The four keys and rework as fields, then where the time goes and the batch size: the digest's and /dora's. */
export function reportBlocks(report: DoraReport, previous?: DoraKeys): KnownBlock[] {
  const blocks: KnownBlock[] = [fieldsSection(metricFields(report, previous))];
  const verification = verificationText(report);
  if (verification) blocks.push(section(mrkdwn`*Verification on live metrics*\n${verification}`));
  const stages = stagesText(report);
  if (stages) blocks.push(section(mrkdwn`*Where the time goes*\n${stages}`));
  const batch = batchText(report);
  if (batch) blocks.push(section(mrkdwn`*Batch size*\n${batch}`));
  return blocks;
}

/**
 * The weekly digest as Block Kit: metrics with levels and change, a sparkline trend, services, slow changes, failures.
 * `repoUrl` gives a service's repository web address (github.com or Enterprise Server), for commit links.
 */
export function digestMessage(
  team: string,
  data: DigestData,
  repoUrl: (service: string) => string | undefined,
  timezone: string,
): SlackMessage {
  const { report } = data;
  const from = localDate(report.window.from, timezone);
  const title = `DORA digest for ${team}: week of ${from}`;
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: title } }];
  if (report.deployments === 0)
    blocks.push(section(mrkdwn`:zzz: A quiet week: no production deployments for ${bold(team)}.`));
  blocks.push(...reportBlocks(report, data.previous));
  blocks.push(section(mrkdwn`*12-week trend* (oldest → newest)\n${trendLines(data.trend)}`));
  const rows = data.services.map(
    (s) =>
      mrkdwn`• ${bold(s.service)}: ${s.report.deployments} deploys · lead ${seconds(s.report.leadTime.medianSeconds)} · CFR ${percent(s.report.changeFailureRate.value)} · recovery ${seconds(s.report.recoveryTime.medianSeconds)}`,
  );
  if (rows.length) blocks.push(section(mrkdwn`*By service*\n${join(rows, "\n")}`));
  if (data.slowest.length) {
    const slow = data.slowest.map((c) => {
      const repo = repoUrl(c.service);
      const sha = repo
        ? link(`${repo}/commit/${c.commit.sha}`, shortSha(c.commit.sha), [repo])
        : code(shortSha(c.commit.sha));
      return mrkdwn`• ${sha} ${c.commit.message.split("\n")[0]!.slice(0, 80)} — ${seconds(c.leadSeconds)} to production (${c.service})`;
    });
    blocks.push(section(mrkdwn`*Slowest changes*\n${join(slow, "\n")}`));
  }
  if (data.failed.length) {
    const failed = data.failed.map((f) => {
      const why = f.reasons.map((r) => r.replace("_", " ")).join(", ");
      const incidents = f.incidents.map((i) => i.key).join(", ");
      const restored = f.restoredAt ? `restored after ${seconds(f.recoverySeconds)}` : "not restored yet";
      return mrkdwn`• ${f.deployment.service} ${code(shortSha(f.deployment.sha))} (${why}${incidents ? `: ${incidents}` : ""}) — ${restored}`;
    });
    blocks.push(section(mrkdwn`*Failed deployments*\n${join(failed, "\n")}`));
  }
  blocks.push({ type: "divider" });
  blocks.push(context(mrkdwn`${DEFINITIONS.slice(0, 2900)}`));
  const text = mrkdwn`${title}: ${report.deployments} deployments, lead time ${seconds(report.leadTime.medianSeconds)}, CFR ${percent(report.changeFailureRate.value)}`;
  return { text, blocks };
}
