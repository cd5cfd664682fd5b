/**
 * Verification while it runs: a deploy whose run succeeded in an environment with `verify:` enters `verifying` with a
 * fresh record, and the tracker (under the deploy's poll lease) takes one reading every interval from the stored
 * record, so that a restart or another replica carries on where the last reading left off.
 */
import { envOf } from "../config/lookup.js";
import { verifyPlan } from "../config/verify-schema.js";
import { advance, isFinal, stateFromProgress, type DeployState, type RunProgress } from "../domain/deploy-state.js";
import type { Deployment, DeploymentPatch } from "../domain/deployment.js";
import { MISSING, advanceBake, startBake, type CheckVerdict, type VerifyPlan } from "../domain/verify/index.js";
import type { CheckTrace, VerificationRecord } from "../domain/verify/record.js";
import type { LaunchPorts } from "./launch.js";
import type { Ports } from "./ports.js";
import { publish } from "./progress.js";
import { artifactOf, failureReason } from "./remote.js";
import { endVerification } from "./verify-outcome.js";
import { readBaselines, readChecks } from "./verify-read.js";

/** The deploy's verification plan, when its environment has `verify:`. */
export function planOf(ports: Pick<Ports, "config">, d: Deployment): VerifyPlan | undefined {
  const verify = envOf(ports.config, d)?.verify;
  return verify && verifyPlan(verify);
}

/** A new record of these checks, its bake starting at `at` (ms). */
export function freshRecord(checks: readonly { name: string }[], at: number): VerificationRecord {
  return {
    startedAt: new Date(at).toISOString(),
    bake: startBake(at),
    baselines: {},
    checks: checks.map((c) => ({ name: c.name, points: [], last: null })),
    unseen: null,
    queries: 0,
    outcome: null,
    rollbackId: null,
    promotionId: null,
  };
}

/**
 * Where a run's news moves a deploy, and what goes with the move: on success the reported artifact, and in an
 * environment with `verify:` (rollbacks aside) the move is to `verifying` with a fresh record (baselines read once,
 * now). A deploy
 * being verified has no run left to hear from: only its metrics (or a person) end it.
 */
export async function moveForNews(
  ports: Ports,
  d: Deployment,
  progress: RunProgress,
): Promise<{ target: DeployState; patch: DeploymentPatch }> {
  const target = d.state === "verifying" ? d.state : advance(d.state, stateFromProgress(progress));
  if (target === d.state) return { target, patch: {} };
  if (target !== "succeeded")
    return { target, patch: isFinal(target) ? { reason: failureReason(progress) ?? null } : {} };
  const artifact = await artifactOf(ports, d);
  // A rollback restores a deploy that was good: restoring service comes first, so it is not verified again.
  const plan = d.kind === "rollback" ? undefined : planOf(ports, d);
  if (!plan) return { target, patch: artifact };
  const record = freshRecord(plan.checks, ports.clock.now().getTime());
  const read = await readBaselines(ports.metricsSource, plan, d);
  const verification: VerificationRecord = {
    ...record,
    baselines: read.baselines,
    queries: read.queries,
    unseen: read.unseen.length ? read.unseen.join("; ") : null,
  };
  return { target: "verifying", patch: { ...artifact, verification } };
}

function traced(plan: VerifyPlan, traces: readonly CheckTrace[], at: string, verdicts: CheckVerdict[]): CheckTrace[] {
  // Twice the bake at most (its deadline), one point per interval, and a few for readings that came early.
  const max = Math.ceil((2 * plan.bakeMs) / plan.intervalMs) + 2;
  return plan.checks.map((c) => {
    const before = traces.find((t) => t.name === c.name)?.points ?? [];
    const last = verdicts.find((v) => v.check === c.name) ?? null;
    const value = last && last.status !== "no_data" ? last.value : null;
    return { name: c.name, points: [...before, { at, value }].slice(-max), last };
  });
}

/** What a reading could not see: the source's failures, then each check the source answered with no data for. */
function unseenOf(failures: readonly string[], verdicts: readonly CheckVerdict[]): string | null {
  const empty = verdicts.flatMap((v) =>
    v.status === "no_data" && v.error === undefined ? [`no data for ${MISSING[v.missing]}${v.check}`] : [],
  );
  const all = [...failures, ...empty];
  return all.length ? all.join("; ") : null;
}

/**
 * One tick of a verifying deploy: takes a reading when one is due, stores it and redraws the message, or ends the
 * verification. Returns how long until the next reading is due, in ms, and whether this tick read (or ended) it.
 */
export async function watchVerifying(ports: LaunchPorts, d: Deployment): Promise<{ dueMs: number; read: boolean }> {
  const plan = planOf(ports, d);
  const now = ports.clock.now();
  const record = d.verification ?? freshRecord(plan?.checks ?? [], now.getTime());
  if (!plan) {
    // The config no longer verifies this environment: nothing can decide, so it ends as not verified.
    await endVerification(ports, d, record, {
      kind: "inconclusive",
      observedMs: 0,
      heldMs: 0,
      held: [],
      breaching: [],
    });
    return { dueMs: 0, read: true };
  }
  const due = record.bake.lastAt + plan.intervalMs;
  if (now.getTime() < due) return { dueMs: due - now.getTime(), read: false };
  const read = await readChecks(ports.metricsSource, plan, d, now, record.baselines);
  const { state, outcome } = advanceBake(plan, record.bake, now.getTime(), read.verdicts);
  const next: VerificationRecord = {
    ...record,
    bake: state,
    checks: traced(plan, record.checks, now.toISOString(), read.verdicts),
    unseen: unseenOf(read.unseen, read.verdicts),
    queries: record.queries + read.queries,
  };
  if (outcome.kind !== "baking") {
    await endVerification(ports, d, next, outcome);
    return { dueMs: plan.intervalMs, read: true };
  }
  // Only while it is still verifying: an Accept now or Roll back now that won meanwhile keeps its record.
  const stored = await ports.store.patch(d.id, { verification: next }, now.toISOString(), ["verifying"]);
  if (stored.state === "verifying") await publish(ports, stored);
  return { dueMs: plan.intervalMs, read: true };
}
