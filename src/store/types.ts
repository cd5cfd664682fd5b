import type { UsergroupShare } from "../domain/usergroup-share.js";
import type { HandoffQueue } from "../domain/handoff.js";
import type { RateBudgetShare } from "../domain/rate-budget.js";
import type { DeployState } from "../domain/deploy-state.js";
import type { Deployment, DeploymentPatch, Lock, NewDeployment, Transition, Vote } from "../domain/deployment.js";
import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../domain/dora/types.js";

export interface AuditInput {
  actor: string;
  action: string;
  deploymentId?: number | null;
  service?: string | null;
  environment?: string | null;
  detail?: Record<string, unknown>;
  at: string;
}

export interface AuditEvent extends Required<Omit<AuditInput, "detail">> {
  id: number;
  detail: Record<string, unknown>;
}

export interface LedgerTarget {
  service: string;
  environment: string;
}

export interface DigestRecord {
  team: string;
  weekStart: string;
  claimedAt: string;
  channel: string | null;
  ts: string | null;
  postedAt: string | null;
}

/** A production deployment found on GitHub rather than made by Gantry (backfill, or someone else's). */
export interface ImportedDeployment {
  /** `gh:<owner>/<repo>:<deployment id>`: unique, so importing twice adds nothing. */
  key: string;
  service: string;
  environment: string;
  ref: string;
  sha: string;
  creator: string;
  githubDeploymentId: number;
  url: string | null;
  createdAt: string;
  finishedAt: string;
  importedAt: string;
  /** Its commits, recorded in the same transaction: an import is all there or not at all. */
  commits?: readonly LedgerCommit[];
}

/** What DORA reads and writes: commits of deployments, incidents, and which digests went out. */
export interface LedgerStore {
  /** Stores a deployment's commits once; returns how many were new. */
  recordCommits(deploymentId: number, commits: readonly LedgerCommit[]): Promise<number>;
  /** Succeeded (and later rolled back) deployments of these targets that finished at or after `since`, oldest first. */
  ledger(targets: readonly LedgerTarget[], since: string): Promise<LedgerDeployment[]>;
  /** Up to `limit` commits of the target's production deploys whose pull request was never looked up, newest first. */
  commitsWithoutPulls(target: LedgerTarget, limit: number): Promise<string[]>;
  /** Records what GitHub said about a commit's pull request (null: none); a commit already recorded keeps its first answer. */
  recordPull(sha: string, pull: LedgerPull | null, at: string): Promise<void>;
  upsertIncidents(incidents: readonly LedgerIncident[], at: string): Promise<number>;
  incidents(services: readonly string[], since: string): Promise<LedgerIncident[]>;
  /**
   * True for the one caller that may post this team's digest for this week. A claim never completed and made before
   * `staleBefore` (its poster died mid-way) is taken over, so no digest is skipped.
   */
  claimDigest(team: string, weekStart: string, at: string, staleBefore?: string): Promise<boolean>;
  completeDigest(record: Required<Omit<DigestRecord, "claimedAt">>): Promise<void>;
  /** Gives a claim back when posting failed, so a later run tries again. */
  releaseDigest(team: string, weekStart: string): Promise<void>;
  getDigest(team: string, weekStart: string): Promise<DigestRecord | undefined>;
  /** Records a deployment found on GitHub with its commits, once (its key makes a second import a no-op). */
  importDeployment(d: ImportedDeployment): Promise<{ inserted: boolean; id: number }>;
}

/**
 * Leases: one holder at a time across replicas, for scheduled jobs and for polling one deploy's status.
 * A lease that is not renewed before it expires can be taken by another holder.
 */
export interface LeaseStore {
  /**
   * Takes the lease `name` for `holder` until `now + ttlMs`, or renews it when `holder` already has it.
   * Refused (false) while another holder's lease has not expired at `now`.
   */
  acquireLease(name: string, holder: string, now: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease back, if `holder` still has it. */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** Keys of Slack deliveries (a command's trigger_id, a click's action_ts), shared by every replica. */
export interface DeliveryStore {
  /** True for the first caller to offer `key`, on any replica; false for every repeat. One indexed insert. */
  firstDelivery(key: string, at: string): Promise<boolean>;
  /** Forgets keys seen before `before` (Slack stops retrying within minutes); returns how many. */
  forgetDeliveries(before: string): Promise<number>;
}

export type CreateResult = { ok: true; deployment: Deployment } | { ok: false; active: Deployment };

/** createUnlessLocked's answer: also the lock that kept the deploy out. */
export type GuardedCreateResult = CreateResult | { ok: false; lock: Lock };

export interface AuditFilter {
  since?: string;
  service?: string;
  deploymentId?: number;
}

/**
 * The repository Gantry keeps its state in. Async so that a PostgreSQL backend fits behind it unchanged.
 * Every state change is written in one transaction with its audit event.
 */
export interface Store extends LedgerStore, LeaseStore, DeliveryStore {
  /** The GitHub budget the replicas share (rate_budgets), keyed by a token's fingerprint. */
  rateBudgets(): RateBudgetShare;
  /** Deploy work web replicas hand over to the workers (GANTRY_ROLE). */
  handoffs(): HandoffQueue;
  /** User group members one replica read from Slack, for the others. */
  usergroups(): UsergroupShare;
  /** Records a new deploy in `requested`, unless one is already live for that service and environment. */
  createDeployment(input: NewDeployment): Promise<CreateResult>;
  /**
   * As createDeployment, but records nothing while anyone but `holder` has a lock on the target, expired or not
   * (whether an expired lock still counts is the caller's rule), and answers with that lock. The lock is looked at
   * before the live deploy. One round trip on PostgreSQL for what getLock then createDeployment would take two.
   */
  createUnlessLocked(input: NewDeployment, holder: string): Promise<GuardedCreateResult>;
  getDeployment(id: number): Promise<Deployment | undefined>;
  /** By the key GitHub carries for us (`gd_…`) or an imported deployment's `gh:…` key. */
  findByKey(key: string): Promise<Deployment | undefined>;
  findActive(service: string, environment: string): Promise<Deployment | undefined>;
  /** Every deploy not yet in a final state, oldest first. */
  listLive(): Promise<Deployment[]>;
  /**
   * Moves a deploy to `to` if it is in one of `from` (a conditional update), applying `patch` and writing `audit`
   * in the same transaction. Returns the updated deploy, or undefined if it was not in `from`.
   */
  transition(
    id: number,
    from: readonly DeployState[],
    to: DeployState,
    patch: DeploymentPatch,
    audit: Omit<AuditInput, "deploymentId" | "service" | "environment">,
  ): Promise<Deployment | undefined>;
  /**
   * Changes fields that are not the state (message ts, run id). With `onlyIn`, only while the deploy is in one of
   * those states (a conditional update); the deploy comes back as stored either way, so a caller sees who won.
   */
  patch(id: number, patch: DeploymentPatch, at: string, onlyIn?: readonly DeployState[]): Promise<Deployment>;
  /** Newest first. */
  history(service: string, environment?: string, limit?: number): Promise<Deployment[]>;
  /** The latest succeeded deploy of each service and environment. */
  currentlyDeployed(service?: string): Promise<Deployment[]>;
  transitions(id: number): Promise<Transition[]>;
  /** The latest succeeded deploy in an environment (not rolled back), optionally before a given deploy. */
  lastSucceeded(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined>;
  /** As lastSucceeded, among the deploys that were verified (or accepted by a person) only. */
  lastVerified(service: string, environment: string, beforeId?: number): Promise<Deployment | undefined>;
  /**
   * The succeeded deployment that finished last at or before `at` (other than `exceptId`): the previous successful
   * deployment in the order deployments succeeded, which is what a deployment's commits are counted from.
   */
  lastFinished(service: string, environment: string, at: string, exceptId?: number): Promise<Deployment | undefined>;
  /** Whether `sha` ever succeeded in the environment (and was not rolled back). */
  succeededWithSha(service: string, environment: string, sha: string): Promise<Deployment | undefined>;
  /** Pending approvals whose time ran out at `now`. */
  expiredApprovals(now: string): Promise<Deployment[]>;
  listPendingApprovals(): Promise<Deployment[]>;

  /** Records a vote once per voter and commit; `recorded: false` when it was already there. */
  castVote(deploymentId: number, vote: Vote): Promise<{ recorded: boolean }>;
  votes(deploymentId: number): Promise<Vote[]>;

  getLock(service: string, environment: string): Promise<Lock | undefined>;
  listLocks(): Promise<Lock[]>;
  /** Takes or renews a lock; refused (with the current lock) when someone else holds it. */
  acquireLock(lock: Omit<Lock, "warned">): Promise<{ ok: true; lock: Lock } | { ok: false; lock: Lock }>;
  /** Removes the lock and returns it with the users waiting for it (who are forgotten). */
  releaseLock(service: string, environment: string): Promise<{ lock: Lock; waiters: string[] } | undefined>;
  markLockWarned(service: string, environment: string): Promise<void>;
  addLockWaiter(service: string, environment: string, user: string, at: string): Promise<void>;

  audit(event: AuditInput): Promise<void>;
  listAudit(filter?: AuditFilter): Promise<AuditEvent[]>;
  close(): Promise<void>;
}
