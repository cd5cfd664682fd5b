/**
 * What verification on live metrics did in a window: failed verifications, Gantry's automatic rollbacks, the median
 * time from a deploy reaching its environment to the breach's detection, and bad changes caught upstream (in a canary)
 * before they reached the environment the canary promotes into. Read over the measured environment and the
 * environments that promote into it, since catching a change early is the point of a canary. Pure.
 */
import { median } from "./median.js";
import { toMs } from "./time.js";
import type { LedgerDeployment, VerificationReport, Window } from "./types.js";

/** The deployments of the measured environments and of those that promote into them, and where each promotes. */
export interface PromotionPath {
  deployments: readonly LedgerDeployment[];
  /** service → environment → the environment it promotes into (its promoteTo, or the one naming it in promoteFrom). */
  promotesTo: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const inWindow = (iso: string, from: number, to: number): boolean => {
  const t = toMs(iso);
  return t >= from && t < to;
};

/** Per service and environment, the SHAs that succeeded there (a failed verification did not). */
function succeededShas(deployments: readonly LedgerDeployment[]): Set<string> {
  const out = new Set<string>();
  for (const d of deployments) if (!d.failedVerification) out.add(`${d.service}\u0000${d.environment}\u0000${d.sha}`);
  return out;
}

export function verificationReport(
  path: PromotionPath,
  window: Window,
  services: readonly string[] | null,
): VerificationReport {
  const from = toMs(window.from);
  const to = toMs(window.to);
  const own = (d: LedgerDeployment) => services === null || services.includes(d.service);
  const deps = path.deployments.filter((d) => own(d) && inWindow(d.finishedAt, from, to));
  const failed = deps.filter((d) => d.failedVerification);
  // Clocks disagree a little: a detection is never before the deploy.
  const detections = failed.flatMap((d) =>
    d.verification?.outcome === "failed"
      ? [Math.max(0, (toMs(d.verification.at) - toMs(d.verification.startedAt)) / 1000)]
      : [],
  );
  const succeeded = succeededShas(path.deployments);
  const caught = failed.filter((d) => {
    const later = path.promotesTo[d.service]?.[d.environment];
    return later !== undefined && !succeeded.has(`${d.service}\u0000${later}\u0000${d.sha}`);
  });
  return {
    failedVerifications: failed.length,
    automaticRollbacks: deps.filter((d) => d.kind === "rollback" && d.automatic === true).length,
    detection: { medianSeconds: median(detections), detected: detections.length },
    caughtBeforeProduction: caught.length,
  };
}
