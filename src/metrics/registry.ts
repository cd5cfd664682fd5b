/**
 * Gantry's Prometheus metrics (prom-client), on a registry of their own so that tests can make as many as they
 * like. Nothing here may break what it measures: every recorder swallows its own trouble.
 */
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from "prom-client";
import type { Logger } from "pino";
import { isFinal } from "../domain/deploy-state.js";
import type { Deployment } from "../domain/deployment.js";
import type { Store } from "../store/types.js";

/**
 * How a slash command ended, by a rule that needs no reading of the words Gantry answered with:
 * - `accepted`: the handler returned follow-up work (`after`), and that work ran without throwing;
 * - `answered`: the handler only acknowledged (help, status, history, and every refusal or usage hint);
 * - `error`: the handler, or its follow-up work, threw.
 */
export type CommandOutcome = "accepted" | "answered" | "error";

export type Vendor = "github" | "jira" | "slack" | "prometheus";

/** What the gauges read at scrape time: two cheap queries that the Store already has. */
export type MetricsStore = Pick<Store, "listPendingApprovals" | "listLocks"> & Partial<Pick<Store, "handoffs">>;

export interface MetricsOptions {
  /**
   * Read at scrape time for `gantry_pending_approvals` and `gantry_active_locks`; without it (and until
   * `observeStore` is called) they stay 0.
   */
  store?: MetricsStore;
  /** Tells live locks from expired ones not yet released by the minute job. Default `Date.now`. */
  now?: () => number;
  /** Where a failed store read at scrape time is reported (the gauges then keep their last value). */
  log?: Logger;
  /** Node's process metrics (`process_*`, `nodejs_*`). Default true. */
  defaultMetrics?: boolean;
}

export interface GantryMetrics {
  readonly registry: Registry;
  readonly commands: Counter<"command" | "outcome">;
  readonly deploys: Counter<"service" | "environment" | "kind" | "outcome">;
  readonly deployDuration: Histogram<"service" | "environment" | "outcome">;
  readonly ackLatency: Histogram<"command">;
  readonly externalRequests: Counter<"vendor" | "status">;
  readonly externalErrors: Counter<"vendor" | "status">;
  readonly pendingApprovals: Gauge;
  readonly activeLocks: Gauge;
  /**
   * Sets (or replaces) the store the gauges read at scrape time, for metrics made before the store is open;
   * `now` (Gantry's clock) replaces the option of the same name.
   */
  observeStore(store: MetricsStore, now?: () => number): void;
  /** One slash command handled: its outcome, and how long it took from the handler's start to the ack. */
  commandHandled(command: string, outcome: CommandOutcome): void;
  ackSent(command: string, seconds: number): void;
  /**
   * A deploy reached a final state. `rolled_back` is not counted: that deploy already counted when it
   * succeeded, and the rollback that undid it counts as a deploy of kind `rollback`.
   */
  deployEnded(d: Deployment): void;
  /** One request to a vendor's API; `failed` also counts it in `gantry_external_errors_total`. */
  externalCall(vendor: Vendor, status: string, failed: boolean): void;
  /** The exposition text, as Prometheus scrapes it, with the counts `alsoFrom` adds. */
  text(): Promise<string>;
  /**
   * Adds another registry's counters and histograms to this one's exposition (the work thread's, which makes the
   * vendor calls and ends the deploys); its gauges are left out, as this registry reads the same store.
   */
  alsoFrom(source: () => Promise<MetricObjectWithValues<MetricValue<string>>[]>): void;
  readonly contentType: string;
}

/** Slack must be acknowledged within 3 s. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
/** From seconds (a refusal at dispatch) to hours (a deploy that waited for approval, or timed out). */
const DEPLOY_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

export function createMetrics(opts: MetricsOptions = {}): GantryMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let now = opts.now ?? Date.now;
  let store = opts.store;
  const others: (() => Promise<MetricObjectWithValues<MetricValue<string>>[]>)[] = [];

  const commands = new Counter({
    name: "gantry_commands_total",
    help: "Slash commands handled, by command and outcome (accepted: follow-up work ran; answered: acknowledged only; error: threw).",
    labelNames: ["command", "outcome"] as const,
    registers,
  });
  const deploys = new Counter({
    name: "gantry_deploys_total",
    help: "Deploys that reached a final state, by service, environment, kind and outcome (the final state).",
    labelNames: ["service", "environment", "kind", "outcome"] as const,
    registers,
  });
  const deployDuration = new Histogram({
    name: "gantry_deploy_duration_seconds",
    help: "Time from a deploy's request to its final state.",
    labelNames: ["service", "environment", "outcome"] as const,
    buckets: DEPLOY_BUCKETS,
    registers,
  });
  const ackLatency = new Histogram({
    name: "gantry_ack_latency_seconds",
    help: "Time from a slash command handler's start until Slack was acknowledged.",
    labelNames: ["command"] as const,
    buckets: ACK_BUCKETS,
    registers,
  });
  const externalRequests = new Counter({
    name: "gantry_external_requests_total",
    help: "Requests to GitHub, Jira and Slack, by vendor and status (HTTP status, Slack's error code, ok, or network).",
    labelNames: ["vendor", "status"] as const,
    registers,
  });
  const externalErrors = new Counter({
    name: "gantry_external_errors_total",
    help: "Requests to GitHub, Jira and Slack that failed, by vendor and status.",
    labelNames: ["vendor", "status"] as const,
    registers,
  });
  const storeProblem = (gauge: string) => (err: unknown) =>
    opts.log?.warn({ err, gauge }, "metrics could not read the store");
  const pendingApprovals = new Gauge({
    name: "gantry_pending_approvals",
    help: "Deploys waiting for approval.",
    registers,
    async collect() {
      if (!store) return;
      await store
        .listPendingApprovals()
        .then((pending) => this.set(pending.length), storeProblem("gantry_pending_approvals"));
    },
  });
  const activeLocks = new Gauge({
    name: "gantry_active_locks",
    help: "Environments locked now (locks past their end are not counted).",
    registers,
    async collect() {
      if (!store) return;
      await store.listLocks().then((locks) => {
        const t = now();
        this.set(locks.filter((l) => Date.parse(l.expiresAt) > t).length);
      }, storeProblem("gantry_active_locks"));
    },
  });

  // Deploy work handed over that no worker has taken yet (GANTRY_ROLE=web): the age says whether the workers keep up.
  new Gauge({
    name: "gantry_handoff_oldest_seconds",
    help: "Age of the oldest deploy work a web replica handed over that no worker has taken yet (0 when none).",
    registers,
    async collect() {
      if (!store?.handoffs) return;
      await store
        .handoffs()
        .oldest()
        .then(
          (at) => this.set(at ? Math.max(0, (now() - Date.parse(at)) / 1000) : 0),
          storeProblem("gantry_handoff_oldest_seconds"),
        );
    },
  });

  const safely = (what: string, record: () => void): void => {
    try {
      record();
    } catch (err) {
      opts.log?.warn({ err, what }, "could not record a metric");
    }
  };

  return {
    registry,
    commands,
    deploys,
    deployDuration,
    ackLatency,
    externalRequests,
    externalErrors,
    pendingApprovals,
    activeLocks,
    observeStore: (s, clock) => {
      store = s;
      if (clock) now = clock;
    },
    commandHandled: (command, outcome) => safely("command", () => commands.inc({ command, outcome })),
    ackSent: (command, seconds) => safely("ack", () => ackLatency.observe({ command }, Math.max(0, seconds))),
    deployEnded: (d) =>
      safely("deploy", () => {
        if (!isFinal(d.state) || d.state === "rolled_back") return;
        deploys.inc({ service: d.service, environment: d.environment, kind: d.kind, outcome: d.state });
        const took = (Date.parse(d.finishedAt ?? "") - Date.parse(d.createdAt)) / 1000;
        if (Number.isFinite(took) && took >= 0) {
          deployDuration.observe({ service: d.service, environment: d.environment, outcome: d.state }, took);
        }
      }),
    externalCall: (vendor, status, failed) =>
      safely("external", () => {
        externalRequests.inc({ vendor, status });
        if (failed) externalErrors.inc({ vendor, status });
      }),
    text: async () => {
      if (!others.length) return registry.metrics();
      const extra = await Promise.all(others.map((source) => source().catch(() => [])));
      // The JSON spells the type as Prometheus does ("gauge"), whatever prom-client's declared enum says.
      const counts = extra.map((list) => list.filter((m) => String(m.type) !== "gauge"));
      return AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...counts]).metrics();
    },
    alsoFrom: (source) => void others.push(source),
    contentType: registry.contentType,
  };
}
