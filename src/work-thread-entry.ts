/**
 * The work thread (GANTRY_WORKER_THREAD=on): a worker-role Gantry on the main thread's store, so launching, tracking,
 * messages, boards and jobs never run on the event loop that answers Slack. The main thread holds the store's claim
 * and serves every endpoint; this one listens on loopback only, for nothing but its own probes.
 */
import { parentPort, workerData } from "node:worker_threads";
import { describeError } from "./errors.js";
import { startGantry } from "./gantry.js";
import { jiraFromEnv } from "./jira/from-env.js";
import { createLogger } from "./log.js";
import { createMetrics } from "./metrics/index.js";
import type { FromThread, ToThread, WorkThreadData } from "./work-thread-protocol.js";

const port = parentPort!;
const data = workerData as WorkThreadData;
const say = (m: FromThread) => port.postMessage(m);
const log = createLogger(data.env.LOG_LEVEL).child({ thread: "work" });
// The process's own figures (CPU, heap, event loop) come from the main thread's registry.
const metrics = createMetrics({ log, defaultMetrics: false });

try {
  const jira = await jiraFromEnv(data.env, metrics);
  const gantry = await startGantry({
    env: { ...data.env, GANTRY_ROLE: "worker", GANTRY_WORKER_THREAD: "off", PORT: 0, GANTRY_METRICS_PORT: undefined },
    config: data.config,
    log,
    metrics,
    claim: false,
    host: "127.0.0.1",
    replicaId: data.replica,
    handoffs: { everyMs: 1_000 },
    ...(data.github ? { github: data.github } : {}),
    ...(data.replicas ? { replicas: data.replicas } : {}),
    ...(data.shutdownMs !== undefined ? { shutdownMs: data.shutdownMs } : {}),
    ...(data.githubWeb ? { githubWeb: data.githubWeb } : {}),
    ...(jira ? { jira } : {}),
  });
  gantry.events.on("changed", (d) => say({ type: "changed", d }));
  gantry.events.on("finished", (d) => say({ type: "finished", d }));
  port.on("message", (m: ToThread) => {
    if (m.type === "handoff") void gantry.handoffs?.poke();
    if (m.type === "drawn") void gantry.drawn().then(() => say({ type: "drawn", n: m.n }));
    if (m.type === "metrics")
      void metrics.registry.getMetricsAsJSON().then(
        (list) => say({ type: "metrics", n: m.n, metrics: list }),
        () => say({ type: "metrics", n: m.n, metrics: [] }),
      );
    if (m.type === "stop")
      void gantry.stop().then(({ abandoned }) => {
        say({ type: "stopped", abandoned });
        port.close();
      });
  });
  say({ type: "ready" });
} catch (err) {
  log.fatal({ err }, "work thread could not start");
  say({ type: "failed", error: describeError(err) });
  port.close();
}
