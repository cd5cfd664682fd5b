import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Gantry } from "../../src/gantry.js";
import type { JiraEmulator } from "../jira/emulator.js";
import type { SlackEmulator } from "../slack/emulator.js";
import type { SlackSigningClient } from "../slack/signing-client.js";
import { postWeeklyDigest } from "../../src/jobs/weekly-digest.js";
import { TerminalView } from "./terminal.js";
import { DEMO_CHANNELS, DEMO_USERS } from "./world.js";

export interface PromptOptions {
  slack: SlackEmulator;
  client: SlackSigningClient;
  gantry: Gantry;
  jira: JiraEmulator;
  /** Not interactive (piped input): each command waits until every deploy it started has ended. */
  interactive: boolean;
}

const HELP = `Demo commands:
  /deploy …, /promote …, /rollback …, /dora …   type a slash command as the current user
  as <user>          switch user: ${DEMO_USERS.map((u) => `${u.name} (${u.role})`).join(", ")}
  press <n>          press button [n] of a message
  users              list the demo users
  digest             post this week's DORA digest to #payments (once a week, as on schedule)
  audit              the audit log, newest last
  jira               the change tickets in the Jira emulator
  help               this help
  quit               stop the demo`;

/** Waits until nothing is on its way: every deploy has ended or waits for people (approvals). */
async function settle(gantry: Gantry): Promise<void> {
  for (;;) {
    const changed = once(gantry.events, "changed");
    const busy = (await gantry.store.listLive()).filter(
      (d) => d.state !== "pending_approval" || !d.slackTs || !d.changeSummary,
    );
    if (busy.length === 0) return;
    await changed;
  }
}

/** How the prompt ended: `quit` (typed, or Ctrl-C) stops the demo; `eof` (standard input closed) leaves it serving. */
export type PromptEnd = "quit" | "eof";

export async function runPrompt(opts: PromptOptions): Promise<PromptEnd> {
  let user: (typeof DEMO_USERS)[number] = DEMO_USERS[0];
  const channel = DEMO_CHANNELS[0];
  const view = new TerminalView(
    (text) => process.stdout.write(text),
    () => user.id,
  );
  // What the channel already holds (the digest posted at start-up, say), then everything new as it happens.
  for (const message of opts.slack.messages(channel.id)) view.onMessage({ kind: "posted", message });
  opts.slack.on("message", (event) => view.onMessage(event));
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: opts.interactive });
  let end: PromptEnd = "eof";
  // Ctrl-C at an interactive prompt reaches readline, not the process: it means quit.
  rl.on("SIGINT", () => {
    end = "quit";
    rl.close();
  });
  const prompt = () => `${user.name} in #${channel.name}> `;
  // Piped input gets no prompt from readline; `handle` echoes each line after the prompt instead.
  const showPrompt = () => {
    if (!opts.interactive) return;
    rl.setPrompt(prompt());
    rl.prompt();
  };
  showPrompt();

  const handle = async (line: string): Promise<boolean> => {
    const input = line.trim();
    if (!opts.interactive && input) process.stdout.write(`${prompt()}${input}\n`);
    if (!input) return true;
    if (input === "quit" || input === "exit") return false;
    if (input === "help") return (console.log(HELP), true);
    if (input === "users")
      return (DEMO_USERS.forEach((u) => console.log(`  ${u.name.padEnd(8)} ${u.id}  ${u.role}`)), true);
    if (input === "audit") return (await printAudit(opts.gantry), true);
    if (input === "digest") {
      const outcome = await postWeeklyDigest(opts.gantry.ports, "payments");
      if (outcome !== "posted")
        console.log(`  (the digest for last week was ${outcome}: scroll up, or see .demo/files/)`);
      return true;
    }
    if (input === "jira") return (printJira(opts.jira), true);
    const as = /^as\s+(\S+)$/.exec(input);
    if (as) {
      const next = DEMO_USERS.find((u) => u.name === as[1]!.replace(/^@/, ""));
      if (!next) return (console.log(`No demo user ${as[1]}. Try: ${DEMO_USERS.map((u) => u.name).join(", ")}`), true);
      user = next;
      return true;
    }
    const press = /^press\s+(\d+)$/.exec(input);
    if (press) {
      const button = view.buttons[Number(press[1]) - 1];
      if (!button) return (console.log(`No button [${press[1]}].`), true);
      // The click is acknowledged before Gantry acts on it: wait for its first visible effect, then for the rest.
      const effect = once(opts.slack, "message", { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      await opts.client.blockAction(user.id, {
        actionId: button.actionId,
        ...(button.value ? { value: button.value } : {}),
        message: { channel: button.channel, ts: button.ts },
      });
      if (!opts.interactive) await effect.then(() => settle(opts.gantry));
      return true;
    }
    const slash = /^(\/[a-z]+)\s*(.*)$/.exec(input);
    if (!slash) return (console.log(`Not a slash command. Type help for what the demo understands.`), true);
    const res = await opts.client.command(user.id, slash[1]!, slash[2]!, { channel: channel.id });
    if (res.status !== 200) console.log(`  (Slack would show an error: HTTP ${res.status})`);
    else if (res.body.trim()) view.showAck(JSON.parse(res.body) as { text?: string; blocks?: unknown[] });
    if (!opts.interactive) await settle(opts.gantry);
    return true;
  };

  for await (const line of rl) {
    let goOn = true;
    try {
      goOn = await handle(line);
    } catch (err) {
      console.log(`  demo error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!goOn) {
      end = "quit";
      break;
    }
    showPrompt();
  }
  rl.close();
  if (!opts.interactive) await settle(opts.gantry);
  return end;
}

async function printAudit(gantry: Gantry): Promise<void> {
  for (const e of await gantry.store.listAudit()) {
    const where = [e.service, e.environment].filter(Boolean).join("/");
    const deploy = e.deploymentId ? ` #${e.deploymentId}` : "";
    console.log(
      `  ${e.at.slice(11, 19)}  ${e.actor.padEnd(10)} ${e.action.padEnd(24)} ${where}${deploy} ${JSON.stringify(e.detail)}`,
    );
  }
}

function printJira(jira: JiraEmulator): void {
  for (const issue of jira.issues.filter((i) => i.comments.length > 0 || i.key.startsWith("CHG"))) {
    console.log(`  ${issue.key} [${issue.status}] ${issue.summary}`);
    for (const c of issue.comments) console.log(`      💬 ${c.text}`);
  }
}
