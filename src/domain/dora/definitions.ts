/** Plain-English definitions of the metrics, as computed here: for the digest footer and the README. */
export const METRIC_DEFINITIONS = {
  window:
    "Each metric covers [from, to) in the team's time zone; weeks run from Monday 00:00 local time (167 or 169 hours across a DST change). A deployment is a succeeded production deployment, counted when it finished.",
  deploymentFrequency:
    "Deployment frequency: deployments, and deployment days (local calendar days with at least one). Level from the median deployment days per week over the 12 weeks ending with the window's last week, weeks without deployments counting as 0.",
  leadTime:
    "Lead time for changes: median time from each deployed commit's commit time to its deployment; non-positive values are left out.",
  changeFailureRate:
    "Change failure rate: failed deployments ÷ deployments. A deployment failed if it was rolled back, an incident links to it, or the next deployment of its service is a hotfix.",
  incidentLinking:
    "Incident links: an incident naming a deployment's id, SHA (7+ characters) or change ticket links to it; otherwise to the service's last deployment that finished before the incident was opened; earlier incidents link to nothing.",
  recoveryTime:
    "Failed deployment recovery time: median time from a failed deployment to restoration (its incidents all resolved, or without incidents the service's next deployment), over failures restored in the window.",
  reworkRate: "Rework rate: (rollback + hotfix deployments) ÷ deployments.",
  medians: "Medians are interpolated: with an even count, the mean of the two middle values.",
} as const;

/** The definitions as one plain-text block, one line each. */
export const DEFINITIONS: string = Object.values(METRIC_DEFINITIONS).join("\n");
