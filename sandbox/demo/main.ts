import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeError, isGantryError } from "../../src/errors.js";
import { parseDemoArgs } from "./args.js";
import { runPrompt } from "./prompt.js";
import { startDemo, type Demo } from "./start.js";
import { ensureDatabase } from "../../src/store/pg-db.js";

/**
 * `npm run demo`: the Slack, GitHub, Jira and Prometheus emulators on loopback, Gantry against them with the demo config and a
 * SQLite file under .demo/, the playground at /playground, and a prompt to type slash commands as a demo user.
 */
async function main(): Promise<void> {
  const args = parseDemoArgs(process.argv.slice(2), process.env);
  if ("error" in args) {
    console.error(`demo: ${args.error}`);
    process.exit(2);
  }
  const dataDir = process.env.GANTRY_DEMO_DIR ?? ".demo";
  if (args.databaseUrl) await ensureDatabase(args.databaseUrl);
  const demo = await startDemo({
    dataDir,
    port: args.port,
    speed: Number(process.env.GANTRY_DEMO_SPEED ?? "1"),
    logLevel: process.env.LOG_LEVEL ?? "warn",
    ...(args.databaseUrl ? { databaseUrl: args.databaseUrl } : {}),
  }).catch((err: unknown) => {
    if (!isGantryError(err, "port_in_use")) throw err;
    console.error(
      `demo: port ${args.port} is already in use. Stop what listens there, or pick another: npm run demo -- --port 3100 (or PORT=3100)`,
    );
    process.exit(1);
  });
  stopOnSignals(demo);
  const { slack, gh, jira, prometheus, gantry, client } = demo;
  // Files the bot uploads (the digest's chart) land here, so you can open them.
  const saveFiles = (files: { id: string }[]) => {
    for (const f of files) {
      const file = slack.files().find((x) => x.id === f.id);
      if (!file) continue;
      mkdirSync(join(dataDir, "files"), { recursive: true });
      writeFileSync(join(dataDir, "files", file.name), file.bytes);
      console.log(`          (saved ${join(dataDir, "files", file.name)})`);
    }
  };
  slack.messages().forEach((m) => saveFiles(m.files ?? []));
  slack.on("message", ({ message }) => saveFiles(message.files ?? []));
  const port = new URL(gantry.url).port;
  const prompt = args.prompt;
  console.log(
    [
      `Gantry demo: Gantry on ${gantry.url}; emulators: Slack ${slack.url}, GitHub ${gh.url}, Jira ${jira.url}, Prometheus ${prometheus.url}`,
      `State in ${demo.dbPath}${demo.seeded ? ` (seeded with ${demo.seeded} production deployments over 12 weeks)` : ""}. Config: ${demo.configPath}`,
      "",
      `  Playground (Slack in your browser): http://localhost:${port}/playground`,
      "",
      prompt
        ? "Or type here. Try: /deploy checkout-api bad-release to canary (it rolls itself back)   ·   /deploy checkout-api main to canary (verified, then promoted)   ·   /deploy checkout-api fail-now to staging   ·   help"
        : "No prompt (--no-prompt): Ctrl-C stops the demo.",
      "",
    ].join("\n"),
  );
  if (prompt) {
    const ended = await runPrompt({ slack, client, gantry, jira, interactive: process.stdin.isTTY === true });
    if (ended === "quit") return void (await stopAndExit(demo));
    // Standard input closed (a script, a container without -it, nohup): the playground goes on, as with --no-prompt.
    console.log(
      `\nStandard input is closed, so the prompt has ended; the playground goes on at http://localhost:${port}/playground. Ctrl-C or SIGTERM stops the demo.`,
    );
  }
  // Until Ctrl-C or a stop signal (stopOnSignals).
}

let stopping: Promise<void> | undefined;
/** Stops everything the demo started (Gantry, then the emulators), once, and exits. */
function stopAndExit(demo: Demo): Promise<void> {
  stopping ??= demo.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`demo: stopping failed: ${describeError(err)}`);
      process.exit(1);
    },
  );
  return stopping;
}

function stopOnSignals(demo: Demo): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAndExit(demo));
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${describeError(err)}`);
  process.exit(1);
});
