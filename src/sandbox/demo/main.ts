import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../../errors.js";
import { runPrompt } from "./prompt.js";
import { startDemo } from "./start.js";
import { ensureDatabase } from "../../store/pg-db.js";

/**
 * `npm run demo`: the Slack, GitHub and Jira emulators on loopback, Gantry against them with the demo config and a
 * SQLite file under .demo/, the playground at /playground, and a prompt to type slash commands as a demo user.
 */
async function main(): Promise<void> {
  const dataDir = process.env.GANTRY_DEMO_DIR ?? ".demo";
  // `--postgres [url]`: the demo on PostgreSQL (default: GANTRY_DATABASE_URL, else a local gantry_demo, made if missing).
  const flag = process.argv.indexOf("--postgres");
  const pgArg = flag >= 0 && /^postgres(ql)?:\/\//.test(process.argv[flag + 1] ?? "") ? process.argv[flag + 1] : undefined;
  const databaseUrl = flag >= 0 ? (pgArg ?? process.env.GANTRY_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/gantry_demo") : process.env.GANTRY_DATABASE_URL;
  if (databaseUrl) await ensureDatabase(databaseUrl);
  const demo = await startDemo({
    dataDir,
    port: Number(process.env.PORT ?? 3000),
    speed: Number(process.env.GANTRY_DEMO_SPEED ?? "1"),
    logLevel: process.env.LOG_LEVEL ?? "warn",
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  const { slack, gh, jira, gantry, client } = demo;
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
  const prompt = !process.argv.includes("--no-prompt");
  console.log(
    [
      `Gantry demo: Gantry on ${gantry.url}; emulators: Slack ${slack.url}, GitHub ${gh.url}, Jira ${jira.url}`,
      `State in ${demo.dbPath}${demo.seeded ? ` (seeded with ${demo.seeded} production deployments over 12 weeks)` : ""}. Config: ${demo.configPath}`,
      "",
      `  Playground (Slack in your browser): http://localhost:${port}/playground`,
      "",
      prompt
        ? "Or type here. Try: /deploy checkout-api main to staging   ·   /deploy checkout-api fail-now to staging   ·   help"
        : "No prompt (--no-prompt): Ctrl-C stops the demo.",
      "",
    ].join("\n"),
  );
  if (!prompt) {
    // Only the playground: run until Ctrl-C or a stop signal.
    await new Promise<void>((resolve) => ["SIGINT", "SIGTERM"].forEach((sig) => process.once(sig, () => resolve())));
  } else {
    await runPrompt({ slack, client, gantry, jira, interactive: process.stdin.isTTY === true });
  }
  await demo.stop();
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${describeError(err)}`);
  process.exit(1);
});
