/** `gantry dora --team <t> [--service <s>] [--weeks N] [--at <ISO>] [--json|--csv]`: DORA from the ledger. */
import { loadDoraInput } from "../digest/dora-input.js";
import { computeDora } from "../domain/dora/report.js";
import { teamTimezone } from "../domain/dora/targets.js";
import { weekStart } from "../domain/dora/time.js";
import { STAGES, type DoraReport } from "../domain/dora/types.js";
import type { CliCommand, CliIo } from "./types.js";
import { openWorkspace, parseOptions } from "./options.js";

const USAGE = [
  "usage: gantry dora --team <team> [--service <service>] [--weeks N] [--at <ISO time>] [--json|--csv]",
  "       the window is the last N weeks (default 4), from Monday 00:00 in the team's time zone until now (or --at)",
];

/** Flat rows for CSV: one metric per line. */
function csv(r: DoraReport): string[] {
  const rows: [string, unknown][] = [
    ["deployments", r.deployments],
    ["deployment_days", r.deploymentDays],
    ["median_deploy_days_per_week", r.deploymentFrequency.medianDeployDaysPerWeek],
    ["median_deploy_days_per_month", r.deploymentFrequency.medianDeployDaysPerMonth],
    ["deployment_frequency_level", r.deploymentFrequency.level],
    ["lead_time_median_seconds", r.leadTime.medianSeconds],
    ["lead_time_commits", r.leadTime.commits],
    ["lead_time_level", r.leadTime.level],
    ["change_failure_rate", r.changeFailureRate.value],
    ["failed_deployments", r.changeFailureRate.failed],
    ["change_failure_rate_level", r.changeFailureRate.level],
    ["recovery_median_seconds", r.recoveryTime.medianSeconds],
    ["restored", r.recoveryTime.restored],
    ["recovery_level", r.recoveryTime.level],
    ["rework_rate", r.reworkRate.value],
    ["rework_deployments", r.reworkRate.rework],
    ["rollbacks", r.reworkRate.rollbacks],
    ["hotfixes", r.reworkRate.hotfixes],
    ["forward_fixes", r.reworkRate.forwardFixes],
    ["failed_verifications", r.verification.failedVerifications],
    ["automatic_rollbacks", r.verification.automaticRollbacks],
    ["detection_median_seconds", r.verification.detection.medianSeconds],
    ["detections", r.verification.detection.detected],
    ["caught_before_production", r.verification.caughtBeforeProduction],
    ...STAGES.flatMap((s): [string, unknown][] => [
      [`${s}_median_seconds`, r.stages[s].medianSeconds],
      [`${s}_p90_seconds`, r.stages[s].p90Seconds],
      [`${s}_changes`, r.stages[s].changes],
    ]),
    ["bottleneck_stage", r.stages.bottleneck],
    ["changes_without_pull_request", r.stages.withoutPullRequest],
    ["batch_median_commits", r.batchSize.medianCommits],
    ["batch_p90_commits", r.batchSize.p90Commits],
    ["large_deployments", r.batchSize.large.deployments],
    ["large_change_failure_rate", r.batchSize.large.changeFailureRate],
    ["small_deployments", r.batchSize.small.deployments],
    ["small_change_failure_rate", r.batchSize.small.changeFailureRate],
  ];
  return ["metric,value", ...rows.map(([k, v]) => `${k},${v ?? ""}`)];
}

export async function doraCli(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(
    args,
    {
      team: { type: "string" },
      service: { type: "string" },
      weeks: { type: "string" },
      at: { type: "string" },
      json: { type: "boolean" },
      csv: { type: "boolean" },
    },
    io,
    USAGE,
  );
  if (!values) return 2;
  const team = values.team as string | undefined;
  const weeks = Number(values.weeks ?? 4);
  if (!team || !Number.isInteger(weeks) || weeks < 1) return (USAGE.forEach((l) => io.err(l)), 2);
  const { config, store } = openWorkspace(values, io);
  try {
    if (!config.teams[team])
      return (io.err(`gantry dora: unknown team \`${team}\`; teams: ${Object.keys(config.teams).join(", ")}`), 1);
    const now = values.at ? new Date(String(values.at)) : new Date();
    const tz = teamTimezone(config, team);
    const first = new Date(weekStart(now, tz).getTime() - (weeks - 1) * 7 * 86_400_000 + 12 * 3_600_000);
    const window = { from: weekStart(first, tz).toISOString(), to: now.toISOString() };
    const service = values.service as string | undefined;
    const report = computeDora(await loadDoraInput({ config, store }, team, window, service));
    if (values.csv) csv(report).forEach((line) => io.out(line));
    else if (values.json) io.out(JSON.stringify(report, null, 2));
    else {
      io.out(`DORA for ${service ?? team}, ${window.from} – ${window.to}`);
      csv(report)
        .slice(1)
        .forEach((line) => io.out(`  ${line.replace(",", ": ")}`));
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const doraCommand: CliCommand = {
  summary: "DORA metrics of a team or service from the ledger (--json, --csv)",
  usage: USAGE,
  run: doraCli,
};
