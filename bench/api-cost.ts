/**
 * (5) API cost per deploy, counted at the emulators' recorders: a workflow-mode staging deploy, a production deploy
 * gated by two approvals, and a rollback, each from its command to its final state and last message update. The
 * three run at once, each on its own repository and channel, so every call is attributed to one. Status polls (GET
 * of the run) are counted apart, per minute of deploy, with how many GitHub answered 304 Not Modified.
 */
import { join } from "node:path";
import { GantryConfig } from "../src/config/schema.js";
import { isFinal } from "../src/domain/deploy-state.js";
import type { Gantry } from "../src/gantry.js";
import type { RecordedCall } from "../sandbox/http/recorder.js";
import type { SlackSigningClient } from "../sandbox/slack/signing-client.js";
import type { Deployment } from "../src/domain/deployment.js";
import { row, type Row, type Section } from "./report.js";
import { round } from "./stats.js";
import { addRepos, APPROVERS, clearCalls, signingClient, startInProcessGantry, USER, type Emulators } from "./world.js";

const POLL_OPS = new Set(["actions/get-workflow-run", "repos/list-deployment-statuses"]);
const TARGET = 4;

interface Cost {
  github: number;
  slack: number;
  polls: number;
  notModified: number;
  minutes: number;
  githubOps: string[];
  slackMethods: string[];
}

function costConfig(quick: boolean): GantryConfig {
  return GantryConfig.parse({
    timezone: "UTC",
    // Production's defaults in a full run; shorter (and runs shorter alike) for --quick.
    polling: quick ? { interval: "500ms", maxInterval: "3s" } : { interval: "5s", maxInterval: "30s" },
    services: {
      "cost-a": { repo: "bench/cost-a", workflow: "deploy.yml", environments: { staging: {} } },
      "cost-b": {
        repo: "bench/cost-b",
        workflow: "deploy.yml",
        environments: { production: { approvals: { required: 2, approvers: ["@approvers"], expiresAfter: "1h" } } },
      },
      "cost-c": { repo: "bench/cost-c", workflow: "deploy.yml", environments: { production: {} } },
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function latest(g: Gantry, service: string, environment: string): Promise<Deployment> {
  for (;;) {
    const [d] = await g.store.history(service, environment, 1);
    if (d) return d;
    await sleep(20);
  }
}

async function until(
  g: Gantry,
  id: number,
  pred: (d: Deployment) => boolean,
  timeoutMs = 180_000,
): Promise<Deployment> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await g.store.getDeployment(id);
    if (d && pred(d)) return d;
    if (Date.now() > end) throw new Error(`deploy ${id} stuck in ${d?.state}`);
    await sleep(20);
  }
}

/** Waits until neither emulator has seen a call for `quietMs`. */
async function settled(em: Emulators, quietMs = 500): Promise<void> {
  let seen = -1;
  while (seen !== em.gh.calls.length + em.slack.calls.length) {
    seen = em.gh.calls.length + em.slack.calls.length;
    await sleep(quietMs);
  }
}

interface Scenario {
  name: string;
  repo: string;
  channel: string;
  /** Slack calls that name no channel (group lookups, response_url answers) belong to the gated deploy. */
  unnamed: boolean;
  /** Votes cast: issue 18's Slack target is 4 calls plus one per vote. */
  votes: number;
  run(client: SlackSigningClient, g: Gantry): Promise<Deployment>;
}

/** Waits for the deploy's GitHub phase: from when it is first seen queued, to its end. */
async function watch(g: Gantry, id: number): Promise<{ d: Deployment; minutes: number }> {
  const queued = await until(g, id, (x) => x.state === "queued" || isFinal(x.state));
  const t0 = Date.now();
  const d = isFinal(queued.state) ? queued : await until(g, id, (x) => isFinal(x.state));
  return { d, minutes: Math.max(1e-9, (Date.now() - t0) / 60_000) };
}

function count(em: Emulators, s: Scenario, minutes: number): Cost {
  const gh = em.gh.calls.filter(
    (c: RecordedCall) => !c.unexpected && (c.path === `/repos/${s.repo}` || c.path.startsWith(`/repos/${s.repo}/`)),
  );
  const polls = gh.filter((c) => POLL_OPS.has(c.operationId ?? ""));
  const rest = gh.filter((c) => !POLL_OPS.has(c.operationId ?? ""));
  const slack = em.slack.calls.filter(
    (c) =>
      !c.unexpected &&
      c.method !== "auth.test" &&
      (c.args.channel === undefined ? s.unnamed : c.args.channel === s.channel),
  );
  return {
    github: rest.length,
    slack: slack.length,
    polls: polls.length,
    notModified: polls.filter((c) => c.status === 304).length,
    minutes,
    githubOps: rest.map((c) => `${c.method} ${c.operationId}`),
    slackMethods: slack.map((c) => c.method),
  };
}

async function command(client: SlackSigningClient, name: string, text: string, channel: string): Promise<void> {
  const res = await client.command(USER, name, text, { channel });
  if (res.status !== 200 || res.body !== "") throw new Error(`${name} ${text} refused: ${res.body}`);
}

const SCENARIOS: Scenario[] = [
  {
    name: "workflow-mode staging deploy",
    repo: "bench/cost-a",
    channel: "C0COSTA",
    unnamed: false,
    votes: 0,
    async run(client, g) {
      await command(client, "/deploy", "cost-a main to staging", "C0COSTA");
      return latest(g, "cost-a", "staging");
    },
  },
  {
    name: "gated production deploy (2 approvals)",
    repo: "bench/cost-b",
    channel: "C0COSTB",
    unnamed: true,
    votes: APPROVERS.length,
    async run(client, g) {
      await command(client, "/deploy", "cost-b main to production", "C0COSTB");
      const d = await until(
        g,
        (await latest(g, "cost-b", "production")).id,
        (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null,
      );
      for (const approver of APPROVERS) {
        await client.blockAction(approver, {
          actionId: "approve_deploy",
          value: String(d.id),
          message: { channel: d.slackChannel!, ts: d.slackTs! },
        });
      }
      return d;
    },
  },
  {
    name: "rollback",
    repo: "bench/cost-c",
    channel: "C0COSTC",
    unnamed: false,
    votes: 0,
    async run(client, g) {
      const before = await latest(g, "cost-c", "production");
      await command(client, "/rollback", "cost-c production", "C0COSTC");
      for (;;) {
        const d = await latest(g, "cost-c", "production");
        if (d.id !== before.id) return d;
        await sleep(20);
      }
    },
  },
];

export async function apiCost(em: Emulators, quick: boolean): Promise<Section> {
  const config = costConfig(quick);
  addRepos(em, config);
  for (const s of SCENARIOS) em.slack.addChannel({ id: s.channel, name: s.channel.toLowerCase() });
  const run = quick ? { queuedMs: 300, runMs: 2700 } : { queuedMs: 2000, runMs: 28_000 };
  let fast = true;
  em.gh.setRunScript(() => (fast ? { queuedMs: 5, runMs: 20 } : run));
  const g = await startInProcessGantry(em, config, join(em.dir, "cost.db"));
  const client = signingClient(em, g.url);
  const costs: Record<string, Cost> = {};
  try {
    // Two good deploys of cost-c first (fast, not counted), so there is one to roll back.
    for (let i = 0; i < 2; i++) {
      em.gh.addCommit("bench/cost-c", { message: `change ${i}`, branch: "main" });
      await command(client, "/deploy", "cost-c main to production", "C0COSTC");
      await until(g, (await latest(g, "cost-c", "production")).id, (x) => isFinal(x.state));
    }
    await settled(em, 200);
    fast = false;
    clearCalls(em);
    const done = await Promise.all(SCENARIOS.map(async (s) => watch(g, (await s.run(client, g)).id)));
    await settled(em);
    for (const [i, s] of SCENARIOS.entries()) {
      if (done[i]!.d.state !== "succeeded") throw new Error(`${s.name} ended ${done[i]!.d.state}`);
      costs[s.name] = count(em, s, done[i]!.minutes);
    }
  } finally {
    clearCalls(em);
    await g.stop();
  }
  const rows: Row[] = SCENARIOS.filter((s) => costs[s.name]).flatMap(({ name, votes }) => {
    const c = costs[name]!;
    const slackTarget = TARGET + votes;
    return [
      row(`${name}: GitHub / Slack calls outside polling`, `${c.github} / ${c.slack}`, "", {
        text: `≤ ${TARGET} / ≤ ${slackTarget}`,
        ok: c.github <= TARGET && c.slack <= slackTarget,
      }),
      row(`${name}: status polls per minute (304s)`, `${round(c.polls / c.minutes)} (${c.notModified} of ${c.polls})`),
    ];
  });
  return {
    title: "5. API cost per deploy",
    rows,
    notes: [
      `Polling ${config.polling.interval} to ${config.polling.maxInterval}; runs queued ${run.queuedMs} ms, then running ${run.runMs} ms; minutes of deploy counted from dispatch (queued) to the end.`,
      ...Object.entries(costs).map(
        ([name, c]) => `${name}: GitHub ${c.githubOps.join(", ")}; Slack ${c.slackMethods.join(", ")}`,
      ),
    ],
    details: costs,
  };
}
