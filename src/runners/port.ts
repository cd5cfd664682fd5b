/**
 * The runner port: what Gantry needs from whatever runs a deploy (a GitHub Actions workflow, GitHub Deployments,
 * and later GitLab CI or Argo CD). Gantry finds a deploy's runner by the deploy's `runner` (the service's `mode`),
 * and talks to it only through this port. Each runner lives in its own folder under src/runners/ and is listed in
 * registry.ts; docs/deploy-backends.md tells how to add one.
 */
import type { Service } from "../config/schema.js";
import type { RunProgress } from "../domain/deploy-state.js";
import type { DeployMode, Deployment } from "../domain/deployment.js";

/** What a runner told about where a deploy's run lives: its id (the deploy's `runId`) and its page (`runUrl`). */
export interface RunLink {
  runId?: string;
  runUrl?: string;
}

/** A read of a run: its progress in Gantry's words and what it told about its link. */
export interface RunRead {
  progress: RunProgress;
  link: RunLink;
}

/** A conditional read: `changed: false` when the runner says nothing changed since `etag`. */
export type RunReadResult = { changed: true; read: RunRead; etag: string | null } | { changed: false };

export interface Runner {
  /** Who runs the deploys, for people: "GitHub" (as in "no news from GitHub for 30m"). */
  readonly vendor: string;
  /** What a run is called, for people: "workflow run", "deployment" (its link in Slack and Jira). */
  readonly noun: string;
  /** Why a deploy fails when the runner shows no run for it long after it was sent: in the vendor's words. */
  readonly noRunReason: string;
  /**
   * Starts the deploy's run, at most once: never sent twice, since a second could deploy twice. Calls `sending` just
   * before the request that may start the run goes out (Gantry notes the deploy as sent, so a restart looks for the
   * run instead of calling the deploy left behind). Returns what the runner told of the run, or `{}` when its answer
   * was lost (the tracker then finds the run by the deploy's key). Throws when the runner refused (the deploy fails
   * with the error's words).
   */
  start(service: Service, d: Deployment, sending: () => Promise<void>): Promise<RunLink>;
  /** The run that carries the deploy's key, once the runner shows it; undefined while it shows none. */
  findByKey(service: Service, d: Deployment): Promise<(RunLink & { runId: string }) | undefined>;
  /** The run's progress now; conditional on `etag` (from the last read) when the runner can tell "unchanged". */
  read(service: Service, d: Deployment, runId: string, etag: string | null): Promise<RunReadResult>;
  /**
   * Reads the run a webhook named, to confirm it: undefined when it is not this deploy's run (checked by key when the
   * deploy has no run id yet) or the runner does not have it.
   */
  confirm(service: Service, d: Deployment, runId: string): Promise<RunRead | undefined>;
  /** What the run reported it shipped (e.g. an image digest), if anything. */
  artifact(service: Service, d: Deployment): Promise<string | undefined>;
}

/** Every runner Gantry knows, by the config's `mode`. */
export type Runners = Readonly<Record<DeployMode, Runner>>;
