import type { Tracker } from "../deploy/tracker.js";
import type { AppPorts } from "../ports.js";
import { askPromotions } from "./ask-promotions.js";
import { teamTimezone } from "../domain/dora/targets.js";
import { expireApprovals } from "./expire-approvals.js";
import { expireLocks } from "./expire-locks.js";
import { finishRollbacks } from "./finish-rollbacks.js";
import { fillPullRequests } from "./fill-pulls.js";
import { forgetDeliveries } from "./forget-deliveries.js";
import type { Job } from "./schedule.js";
import { syncIncidents } from "./sync-incidents.js";
import { catchUpDigests, postWeeklyDigest } from "./weekly-digest.js";

/** Cron only schedules: every job is a plain function the tests call directly. */
export function minuteJobs(ports: AppPorts & { tracker: Tracker }): Job[] {
  // Interval jobs run in UTC: a local zone's repeated autumn hour would fire each of them once, not twice.
  const utc = "UTC";
  const jobs: Job[] = [
    { name: "expire-approvals", schedule: "* * * * *", timezone: utc, run: () => expireApprovals(ports) },
    { name: "expire-locks", schedule: "* * * * *", timezone: utc, run: () => expireLocks(ports) },
    { name: "ask-promotions", schedule: "* * * * *", timezone: utc, run: () => askPromotions(ports) },
    { name: "finish-rollbacks", schedule: "* * * * *", timezone: utc, run: () => finishRollbacks(ports) },
    { name: "forget-deliveries", schedule: "17 * * * *", timezone: utc, run: () => forgetDeliveries(ports) },
    { name: "digest-catch-up", schedule: "*/5 * * * *", timezone: utc, run: () => catchUpDigests(ports) },
    { name: "fill-pull-requests", schedule: "*/15 * * * *", timezone: utc, run: () => fillPullRequests(ports) },
  ];
  if (ports.config.incidents && ports.jira)
    jobs.push({ name: "sync-incidents", schedule: "*/15 * * * *", timezone: utc, run: () => syncIncidents(ports) });
  for (const [team, cfg] of Object.entries(ports.config.teams)) {
    if (!cfg.digest.enabled) continue;
    jobs.push({
      name: `digest-${team}`,
      schedule: cfg.digest.schedule,
      timezone: teamTimezone(ports.config, team),
      run: () => postWeeklyDigest(ports, team),
    });
  }
  return jobs;
}
