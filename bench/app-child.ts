/**
 * One app under load, in a process of its own so the emulators and the load generator (in the bench's process) do
 * not share its event loop: `node --import tsx bench/app-child.ts gantry|bare`. Gantry reads its environment like
 * main does (readEnv) and its config as JSON from BENCH_CONFIG, tuned like the harness (no write spacing: the
 * emulator needs none). The bare app is Bolt on createBolt's receiver, acknowledging /deploy and nothing else.
 * Logs go to stdout at LOG_LEVEL, as in production; `READY <url>` is printed once listening.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GantryConfig } from "../src/config/schema.js";
import { readEnv } from "../src/env.js";
import { startGantry } from "../src/gantry.js";
import { createLogger } from "../src/log.js";
import { createBolt } from "../src/slack/bolt-app.js";

const env = readEnv();
const log = createLogger(env.LOG_LEVEL);

async function gantry(): Promise<string> {
  const config = GantryConfig.parse(JSON.parse(process.env.BENCH_CONFIG ?? "{}"));
  // BENCH_HOLD_MS: deploy work held up to this long while Slack is busy (an experiment: see BENCHMARKS.md, issue 18).
  const hold = process.env.BENCH_HOLD_MS ? { ackFirst: { maxWaitMs: Number(process.env.BENCH_HOLD_MS) } } : {};
  const g = await startGantry({
    env,
    config,
    log,
    github: { writeSpacingMs: 0, retryBaseMs: 5, timeoutMs: 10_000 },
    ...hold,
  });
  process.once("SIGTERM", () => void g.stop().then(() => process.exit(0)));
  return g.url;
}

async function bare(): Promise<string> {
  const bolt = createBolt({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET!,
    slackApiUrl: env.SLACK_API_URL!,
    log,
  });
  bolt.app.command("/deploy", async ({ ack }) => {
    await ack();
  });
  const http = bolt.http!;
  const server = createServer((req, res) => http.requestListener(req, res));
  await new Promise<void>((resolve) => server.listen(env.PORT, "127.0.0.1", resolve));
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const url = process.argv[2] === "bare" ? await bare() : await gantry();
// SIGUSR2: a full collection (node --expose-gc), then `HEAP <used bytes>`, to tell growth that stays from garbage.
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`HEAP ${process.memoryUsage().heapUsed}\n`);
});
process.stdout.write(`READY ${url}\n`);
