import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "./clock.js";
import type { GantryConfig } from "./config/schema.js";
import type { DeployEvents } from "./deploy/ports.js";
import type { AppPorts } from "./ports.js";
import { SlackNotifier } from "./slack/notifier.js";
import type { Tracker } from "./deploy/tracker.js";
import { createTracking } from "./tracking.js";
import { drawn, warmUp } from "./deploy/index.js";
import { groupsNamed } from "./config/lookup.js";
import { InFlight } from "./in-flight.js";
import { ackFirstFor, type AckFirstOptions } from "./ack-first.js";
import { runShutdown, SHUTDOWN_DEADLINE_MS } from "./shutdown.js";
import type { Leader } from "./jobs/leader.js";
import { startScheduler } from "./jobs/scheduler.js";
import { HANDOFF_DEFAULTS, HandoffWorker, type HandoffWorkerOptions } from "./deploy/handoff-worker.js";
import { handingOver, rolePlan, workThreadData, type Role } from "./roles.js";
import { WorkThread } from "./work-thread.js";
import { tellRequester } from "./slack/tell.js";
import type { JiraPort } from "./jira/port.js";
import { checkMetricsConfigured } from "./config/metrics-check.js";
import { metricsSourceFromEnv } from "./metrics-source/prometheus-env.js";
import type { PrometheusSourceOptions } from "./metrics-source/prometheus.js";
import { githubWebhookRoute, GITHUB_WEBHOOK_PATH, type GitHubWebhookRoute } from "./github/webhooks/index.js";
import { createMetrics, type GantryMetrics } from "./metrics/index.js";
import { opsServers } from "./metrics/ops-servers.js";
import { githubAuth, type Env } from "./env.js";
import { pacedOctokit, type PacerTuning } from "./github/rate-wiring.js";
import { OctokitActions } from "./github/octokit-actions.js";
import { OctokitDeployments } from "./github/octokit-deployments.js";
import { OctokitSource } from "./github/octokit-source.js";
import { createRunners } from "./runners/registry.js";
import { githubWebBase } from "./github/web-url.js";
import type { Logger } from "./log.js";
import { createBolt } from "./slack/bolt-app.js";
import { MetadataSeal } from "./slack/forms/sealed-metadata.js";
import { HomeBoards } from "./slack/home/boards.js";
import { registerDeployNotices } from "./slack/notices.js";
import { entryPointNames, registerSlack } from "./slack/register.js";
import { measuredSlack } from "./slack/measured-slack.js";
import { claimStore, openStore } from "./store/open-store.js";
import type { Store } from "./store/types.js";
import { replicaId, type ReplicaTuning } from "./replica.js";
import { atPath, createHttpServer, listen, type HttpLimits, type Route } from "./http-server.js";
import { slackEdgeFor, SLACK_EVENTS_PATH } from "./slack/http-edge.js";
import { InstalledWorkspace, oneWorkspace } from "./slack/one-workspace.js";
import { answerUnmatched } from "./slack/unmatched.js";

export interface GantryOptions {
  env: Env;
  config: GantryConfig;
  log: Logger;
  clock?: Clock;
  /** Tuning for tests and the demo: GitHub's write spacing and retry base, in ms. */
  github?: { writeSpacingMs?: number; retryBaseMs?: number; timeoutMs?: number; budget?: PacerTuning };
  /** Jira, when configured; built from JIRA_* by main. */
  jira?: { port: JiraPort; host: string };
  /** Tuning of the metrics source (PROMETHEUS_URL) for tests and the demo: timeouts and retry waits. */
  prometheus?: Pick<PrometheusSourceOptions, "timeoutMs" | "retries" | "retryBaseMs" | "retryMaxWaitMs">;
  /** Prometheus metrics; one is made when not given. */
  metrics?: GantryMetrics;
  /** Run the minute jobs (approval and lock expiry) on their schedule; tests call the jobs directly. */
  schedule?: boolean;
  /** This replica's id on the leases it takes; default GANTRY_REPLICA_ID, else the host name. */
  replicaId?: string;
  /** How replicas share the scheduler and polling; the defaults suit production, tests shorten them. */
  replicas?: Partial<ReplicaTuning>;
  /** Extra HTTP routes (the demo's playground), tried before Bolt; answer true when the request was handled. */
  routes?: Route;
  /** How long deploy work waits for Slack to be quiet (see AckFirst); the bench measures with other settings. */
  ackFirst?: Partial<AckFirstOptions>;
  /** How often a worker reads the handed-over deploys (GANTRY_ROLE), and how many it runs at once. */
  handoffs?: Partial<Omit<HandoffWorkerOptions, "tellFor">>;
  /** false: the store is claimed by the process already (the work thread: the main thread holds the claim). */
  claim?: false;
  /** Header and request timeouts of the HTTP server; tests shorten them. */
  http?: Partial<HttpLimits>;
  /** How long stop() waits for running work before it abandons it; SHUTDOWN_DEADLINE_MS by default. */
  shutdownMs?: number;
  /** The address to listen on: every interface by default (a container's port is mapped to it); the demo's is loopback. */
  host?: string;
  /**
   * GitHub's web address, where Gantry links to runs and deployments; default: the one that goes with
   * GITHUB_API_URL. The emulators answer on loopback but play github.com, so the sandbox says so here.
   */
  githubWeb?: string;
}

export interface Gantry {
  /** Base URL of Gantry's HTTP server (Slack events at /slack/events). */
  url: string;
  store: Store;
  ports: AppPorts;
  events: EventEmitter<DeployEvents>;
  /** The GitHub webhook route, when GITHUB_WEBHOOK_SECRET is set. */
  githubWebhooks?: GitHubWebhookRoute;
  /** Settles when the start-up work (the digest catch-up) is done. */
  startup: Promise<void>;
  /** Settles once the start-up lookups (user groups, default branches) are cached; never rejects. */
  warmed: Promise<void>;
  tracker: Tracker;
  /** Who runs the scheduled jobs: one replica at a time holds the `scheduler` lease. */
  leader: Leader;
  replica: string;
  /** GANTRY_ROLE: what this process does. */
  role: Role;
  /** Where this process takes the deploy work web replicas hand over (workers, and `all` on PostgreSQL). */
  handoffs?: HandoffWorker;
  /**
   * Settles once every slash command acknowledged so far is decided: its deploy recorded (or refused, and the refusal
   * sent). The deciding runs after the acknowledgement when it needs Slack or GitHub.
   */
  decided(): Promise<void>;
  /** Settles once the work after every acknowledgement so far is done (here, or handed over to a worker). */
  settled(): Promise<void>;
  /** Settles once every deploy message change asked for so far is drawn in Slack (or Slack refused it). */
  drawn(): Promise<void>;
  /** Stops within the shutdown deadline; `abandoned` names what was still running when it passed. */
  stop(): Promise<{ abandoned: string[] }>;
}

/** Wires Gantry together and starts it: store, GitHub and Slack clients, listeners, HTTP server, tracker. */
export async function startGantry(opts: GantryOptions): Promise<Gantry> {
  const { env, config, log } = opts;
  checkMetricsConfigured(config, env);
  const replica = opts.replicaId ?? replicaId({ GANTRY_REPLICA_ID: env.GANTRY_REPLICA_ID });
  // Before the store opens (and migrates): a second process on the same state stops here, saying what to do.
  const claim = opts.claim === false ? { release: async () => {} } : await claimStore(env, replica, log);
  const store = openStore(env, log);
  const clock = opts.clock ?? systemClock;
  const metrics = opts.metrics ?? createMetrics({ log });
  metrics.observeStore(store, () => clock.now().getTime());
  const octokit = pacedOctokit(
    { baseUrl: env.GITHUB_API_URL, auth: githubAuth(env), log, metrics, ...opts.github },
    store.rateBudgets(),
  );
  const bolt = createBolt({
    botToken: env.SLACK_BOT_TOKEN,
    ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    log,
  });
  const events = new EventEmitter<DeployEvents>();
  const slack = measuredSlack(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, log, metrics, store.usergroups());
  const githubWeb = opts.githubWeb ?? githubWebBase(env.GITHUB_API_URL);
  const source = new OctokitSource(octokit);
  const githubActions = new OctokitActions(octokit, { retryBaseMs: opts.github?.retryBaseMs });
  const githubDeployments = new OctokitDeployments(octokit);
  const ports: AppPorts = {
    config,
    source,
    runners: createRunners({ source, githubActions, githubDeployments }),
    githubDeployments,
    slack,
    notifier: new SlackNotifier(slack, { clock, githubWeb, jiraHost: opts.jira?.host, teams: { config, log } }),
    groups: slack,
    store,
    clock,
    log,
    metrics,
    events,
    githubWeb,
    ...(opts.jira ? { jira: opts.jira } : {}),
  };
  const onRequest = (status: string, failed: boolean) => metrics.externalCall("prometheus", status, failed);
  const metricsSource = metricsSourceFromEnv(env, { ...opts.prometheus, onRequest });
  if (metricsSource) ports.metricsSource = metricsSource;
  const threaded = env.GANTRY_WORKER_THREAD === "on" && env.GANTRY_ROLE === "all";
  const plan = rolePlan(threaded ? "web" : env.GANTRY_ROLE, env.GANTRY_DATABASE_URL !== undefined);
  const thread = threaded ? new WorkThread(workThreadData(opts, replica), events, log) : undefined;
  if (thread) metrics.alsoFrom(() => thread.metrics());
  const passive = !plan.runsWork;
  const { tracker, tuning } = createTracking(ports, { replica, env, replicas: opts.replicas, passive });
  const inFlight = new InFlight();
  const seal = new MetadataSeal(env.SLACK_SIGNING_SECRET ?? env.SLACK_APP_TOKEN ?? env.SLACK_BOT_TOKEN);
  const decisions = new InFlight();
  const ackFirst = ackFirstFor(env.GANTRY_ACK_FIRST, opts.ackFirst);
  const handOver = plan.handsOver ? { handOver: handingOver(store, thread) } : {};
  const handlerPorts = { ...ports, tracker, inFlight, decisions, seal, ackFirst, ...handOver };
  // Before any listener: a request from another workspace goes no further.
  const workspace = new InstalledWorkspace(() => bolt.app.client.auth.test(), log);
  bolt.app.use(oneWorkspace({ workspace, store, clock, log }));
  bolt.app.use(answerUnmatched(entryPointNames(), log));
  const home = new HomeBoards(ports);
  registerDeployNotices(ports, inFlight);
  registerSlack(bolt.app, handlerPorts, home);
  const githubWebhooks = env.GITHUB_WEBHOOK_SECRET
    ? githubWebhookRoute(handlerPorts, env.GITHUB_WEBHOOK_SECRET)
    : undefined;

  let ready = false;
  const { ops, metricsServer } = opsServers({
    env,
    metrics,
    store,
    replica,
    now: () => clock.now(),
    log,
    slackAuthTest: async () => (await bolt.app.client.auth.test()).ok === true,
    shuttingDown: () => !ready,
  });
  const slackEdge = slackEdgeFor(bolt.http, env.SLACK_SIGNING_SECRET, { log, answering: () => ackFirst.begin() });
  const server = createHttpServer({
    routes: [
      ops,
      ...(opts.routes ? [opts.routes] : []),
      ...(githubWebhooks ? [atPath(GITHUB_WEBHOOK_PATH, githubWebhooks)] : []),
      ...(slackEdge && plan.answersSlack ? [atPath(SLACK_EVENTS_PATH, slackEdge)] : []),
    ],
    log,
    ...(opts.http ? { limits: opts.http } : {}),
  });
  const host = opts.host ?? "0.0.0.0";
  let resumed = 0;
  try {
    await Promise.all([workspace.get(10_000), thread?.start()]);
    // Before any request is taken: a deploy still `requested` now was left by a Gantry that stopped, not launched here.
    if (plan.runsWork) resumed = await tracker.resumeAll();
    await listen(server, env.PORT, host);
    if (metricsServer) await listen(metricsServer, env.GANTRY_METRICS_PORT ?? 0, host);
  } catch (err) {
    // A port in use stops start-up; nothing it opened may outlive it (the demo stops its emulators and says why).
    server.close();
    await Promise.all([tracker.stop(), thread?.stop()]);
    await store.close();
    await claim.release();
    throw err;
  }
  if (!bolt.http && plan.answersSlack) await bolt.app.start();
  if (plan.runsWork) tracker.startScan();
  const tellFor = (at: Parameters<typeof tellRequester>[1]) => tellRequester(ports, at);
  const handoffs = plan.takesHandoffs
    ? new HandoffWorker({ ...ports, tracker }, store.handoffs(), { ...HANDOFF_DEFAULTS, ...opts.handoffs, tellFor })
    : undefined;
  handoffs?.start();
  // In the background: the groups and default branches the config names are cached before a deploy needs them.
  const warmed = warmUp(ports, groupsNamed(config));
  const run = opts.schedule !== false && plan.runsWork;
  const { leader, jobs, catchUp } = startScheduler({ ...ports, tracker }, { replica, tuning, run });
  ready = true;
  const port = (server.address() as AddressInfo).port;
  log.info({ port, socketMode: !bolt.http, resumed, replica, role: env.GANTRY_ROLE }, "gantry started");

  return {
    url: `http://127.0.0.1:${port}`,
    store,
    ports,
    startup: catchUp,
    warmed,
    events,
    tracker,
    leader,
    replica,
    role: env.GANTRY_ROLE,
    ...(handoffs ? { handoffs } : {}),
    decided: () => decisions.drain(),
    settled: () => inFlight.drain(),
    drawn: () => Promise.all([drawn(ports.store), thread?.drawn()]).then(() => undefined),
    ...(githubWebhooks ? { githubWebhooks } : {}),
    async stop() {
      ready = false;
      const servers = [server, ...(metricsServer ? [metricsServer] : [])];
      const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const s of servers) s.closeAllConnections();
      // What was acknowledged finishes (and hands its deploy to the tracker) before anything closes, unless a vendor
      // hangs past the deadline: then the store closes anyway and the next start picks the deploys up.
      const { abandoned } = await runShutdown(
        [
          { name: "http server", run: () => closed },
          { name: "socket mode", run: () => (bolt.http || !plan.answersSlack ? undefined : bolt.app.stop()) },
          { name: "acknowledged work", run: () => (ackFirst.release(), inFlight.drain()) },
          { name: "home boards", run: () => home.stop() },
          { name: "webhooks", run: () => githubWebhooks?.idle() },
          { name: "digest catch-up", run: () => catchUp },
          { name: "handed-over work", run: () => handoffs?.stop() },
          { name: "jobs", run: () => jobs.stop() },
          { name: "leader", run: () => leader.stop() },
          { name: "tracker", run: () => tracker.stop() },
          { name: "work thread", run: () => thread?.stop() },
          { name: "store", run: () => store.close() },
          { name: "claim", run: () => claim.release() },
        ],
        opts.shutdownMs ?? SHUTDOWN_DEADLINE_MS,
        log,
      );
      log.info({ abandoned }, "gantry stopped");
      return { abandoned };
    },
  };
}
