import { approvalPolicyOf, envOf, serviceNamed } from "../../config/lookup.js";
import type { GantryConfig } from "../../config/schema.js";
import { verifyPlan } from "../../config/verify-schema.js";
import type { VerifyPlan } from "../../domain/verify/types.js";
import { bakeLeftMs, heldChecks } from "../messages/verification-section.js";
import type { Ports } from "../../deploy/ports.js";
import { mayAct } from "../../deploy/request.js";
import { authorsOf, checkVoter, tally, type ApprovalPolicy } from "../../domain/approval.js";
import type { DeployState } from "../../domain/deploy-state.js";
import type { Deployment, Lock } from "../../domain/deployment.js";
import { teamLevels, type TeamDora } from "./dora-levels.js";

/** A verifying deploy's bake: time left by the stored clock (null without a plan), and each check's latest state. */
export interface BoardVerifying {
  leftMs: number | null;
  held: boolean;
  failAfter: number | null;
  checks: { name: string; status: "ok" | "breach" | "no_data" | "waiting"; streak: number }[];
}

export interface BoardCell {
  environment: string;
  live?: { id: number; ref: string; sha: string | null; by: string; at: string };
  running?: { id: number; state: DeployState; ref: string; by: string; verifying?: BoardVerifying };
  lock?: { holder: string; reason: string; expiresAt: string };
}

export interface BoardService {
  name: string;
  cells: BoardCell[];
}

export interface WaitingItem {
  id: number;
  service: string;
  environment: string;
  ref: string;
  sha: string | null;
  requester: string;
  approved: number;
  required: number;
  breakGlass: boolean;
  expiresAt: string | null;
}

export interface RecentItem {
  id: number;
  kind: Deployment["kind"];
  service: string;
  environment: string;
  ref: string;
  sha: string | null;
  state: DeployState;
  at: string;
}

export type { TeamDora } from "./dora-levels.js";

/** Everything one person's App Home shows. Built from a snapshot shared by everyone's boards. */
export interface BoardModel {
  services: BoardService[];
  waiting: WaitingItem[];
  recent: RecentItem[];
  dora: TeamDora[];
}

/** What every board is made of, read once per refresh however many people have the board open. */
export interface BoardSnapshot {
  services: BoardService[];
  pending: { d: Deployment; policy: ApprovalPolicy; approved: string[]; authors: string[] | undefined }[];
  latest: Deployment[];
  dora: TeamDora[];
}

const RECENT_PER_SERVICE = 30;
const RECENT_SHOWN = 5;

function verifyingOf(d: Deployment, plan: VerifyPlan | undefined): BoardVerifying | undefined {
  const v = d.verification;
  if (d.state !== "verifying" || !v) return undefined;
  return {
    leftMs: plan ? bakeLeftMs(v, plan) : null,
    held: heldChecks(v, plan).length > 0,
    failAfter: plan?.failAfter ?? null,
    checks: v.checks.map((c) => ({
      name: c.name,
      status: c.last?.status ?? "waiting",
      streak: v.bake.streaks[c.name] ?? 0,
    })),
  };
}

function runningOf(d: Deployment, config: GantryConfig): NonNullable<BoardCell["running"]> {
  const verify = envOf(config, d)?.verify;
  const verifying = verifyingOf(d, verify ? verifyPlan(verify) : undefined);
  return { id: d.id, state: d.state, ref: d.ref, by: d.requester, ...(verifying ? { verifying } : {}) };
}

function cellOf(
  env: string,
  service: string,
  deployed: Deployment[],
  live: Deployment[],
  locks: Lock[],
  config: GantryConfig,
): BoardCell {
  const current = deployed.find((d) => d.service === service && d.environment === env);
  const running = live.find((d) => d.service === service && d.environment === env);
  const lock = locks.find((l) => l.service === service && l.environment === env);
  return {
    environment: env,
    ...(current
      ? {
          live: {
            id: current.id,
            ref: current.ref,
            sha: current.sha,
            by: current.requester,
            at: current.finishedAt ?? current.createdAt,
          },
        }
      : {}),
    ...(running ? { running: runningOf(running, config) } : {}),
    ...(lock ? { lock: { holder: lock.holder, reason: lock.reason, expiresAt: lock.expiresAt } } : {}),
  };
}

export async function loadSnapshot(ports: Pick<Ports, "config" | "store" | "clock">): Promise<BoardSnapshot> {
  const names = Object.keys(ports.config.services);
  const [deployed, live, locks, pendingRows, histories, dora] = await Promise.all([
    ports.store.currentlyDeployed(),
    ports.store.listLive(),
    ports.store.listLocks(),
    ports.store.listPendingApprovals(),
    Promise.all(names.map((s) => ports.store.history(s, undefined, RECENT_PER_SERVICE))),
    teamLevels(ports),
  ]);
  const services = names.map((name) => ({
    name,
    cells: Object.keys(serviceNamed(ports.config, name)!.environments).map((env) =>
      cellOf(env, name, deployed, live, locks, ports.config),
    ),
  }));
  const pending: BoardSnapshot["pending"] = [];
  for (const d of pendingRows) {
    const policy = approvalPolicyOf(ports.config, d);
    if (!policy || !d.sha) continue;
    const count = tally(await ports.store.votes(d.id), d.sha, policy.required);
    pending.push({ d, policy, approved: count.approvedBy, authors: authorsOf(d.changeSummary, ports.config.people) });
  }
  const latest = histories.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  return { services, pending, latest, dora };
}

/** One person's board: the pending approvals they may vote on (and have not yet), and their own latest deploys. */
export async function boardFor(
  ports: Pick<Ports, "groups">,
  snapshot: BoardSnapshot,
  user: string,
): Promise<BoardModel> {
  const waiting: WaitingItem[] = [];
  for (const { d, policy, approved, authors } of snapshot.pending) {
    // The same rule that refuses a click decides who sees the request: approvers only, not the requester (nor authors).
    if (
      approved.includes(user) ||
      !checkVoter(policy, user, d.requester, await mayAct(ports, policy.approvers, user), authors).ok
    )
      continue;
    waiting.push({
      id: d.id,
      service: d.service,
      environment: d.environment,
      ref: d.ref,
      sha: d.sha,
      requester: d.requester,
      approved: approved.length,
      required: policy.required,
      breakGlass: policy.breakGlass,
      expiresAt: d.expiresAt,
    });
  }
  const recent = snapshot.latest
    .filter((d) => d.requester === user)
    .slice(0, RECENT_SHOWN)
    .map((d) => ({
      id: d.id,
      kind: d.kind,
      service: d.service,
      environment: d.environment,
      ref: d.ref,
      sha: d.sha,
      state: d.state,
      at: d.finishedAt ?? d.createdAt,
    }));
  return { services: snapshot.services, waiting, recent, dora: snapshot.dora };
}
