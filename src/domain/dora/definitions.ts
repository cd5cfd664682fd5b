/** Plain-English definitions of the metrics, as computed here: for the digest footer and docs/dora.md. */
export const METRIC_DEFINITIONS = {
  window:
    "Each metric covers [from, to) in the team's time zone; weeks run from Monday 00:00 local time (167 or 169 hours across a DST change). A deployment is a production deployment that succeeded or failed its verification, counted when it finished.",
  deploymentFrequency:
    "Deployment frequency: deployments, and deployment days (local calendar days with at least one). Elite and high from the median deployment days per week over the 12 weeks ending with the window's last week; below weekly, medium from the median deployment days per month over the window's last 3 calendar months (at least 1: between once a week and once a month), else low. Weeks or months without deployments count as 0.",
  leadTime:
    "Lead time for changes: median time from each deployed commit's commit time to the deployment it first reached production with (a commit listed again after a rollback counts once); non-positive values are left out. Each deployment's commits are counted from the deployment that succeeded before it.",
  changeFailureRate:
    "Change failure rate: failed deployments ÷ deployments. A deployment failed if it was rolled back, failed its verification on live metrics, an incident links to it, or the next deployment of its service is a hotfix. A deploy that failed verification reached production: it counts in deployments too.",
  incidentLinking:
    "Incident links: an incident naming a deployment's id, SHA (7+ characters) or change ticket links to it; otherwise to the service's last deployment that finished before the incident was opened; earlier incidents link to nothing.",
  recoveryTime:
    "Failed deployment recovery time: median time from a failed deployment to restoration (its incidents all resolved; without incidents, for a failed verification the end of the rollback that replaced it, else the service's next deployment), over failures restored in the window.",
  verification:
    "Verification: failed verifications and automatic rollbacks in production and the environments promoting into it; detection: median time from deploy to breach; caught before production: failed upstream (a canary), never succeeded where it promotes to.",
  reworkRate:
    "Rework rate: deployments that were unplanned fixes of production ÷ deployments: rollbacks, hotfixes, and forward fixes (the next deployment after one an incident made failed, while that incident was open).",
  stages:
    "Where the time goes, per change: coding (its pull request's first commit to opened), review (opened to merged), waiting (merged, or committed without a pull request, to the deploy being asked for), approval (asked to sent to the CI once approved, Gantry's own record), deploy (started to succeeded), verification (the bake). The bottleneck is the stage with the largest median share of a change's lead time.",
  batchSize:
    "Batch size: commits per deployment (rollbacks left out), median and p90; large deployments have more commits than the median, and their change failure rate is shown against the small ones'.",
  medians: "Medians are interpolated: with an even count, the mean of the two middle values.",
} as const;

/** The definitions as one plain-text block, one line each. */
export const DEFINITIONS: string = Object.values(METRIC_DEFINITIONS).join("\n");
