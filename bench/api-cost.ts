/**
 * (5) API cost per deploy, counted at the emulators' recorders: a workflow-mode staging deploy, a production deploy
 * gated by two approvals, and a rollback. Each runs alone (the recorders are cleared before it) from its command to
 * its final state and the last message update. Status polls (GET of the run) are counted apart, per minute of deploy,
 * with how many GitHub answered 304 Not Modified.
 */
import { join } from "node:path";
import { GantryConfig } from "../src/config/schema.js";
import { isFinal } from "../src/domain/deploy-state.js";
import type { Gantry } from "../src/gantry.js";
import type { RecordedCall } from "../src/sandbox/http/recorder.js";
import type { SlackSigningClient } from "../src/sandbox/slack/signing-client.js";
import type { Deployment } from "../src/store/types.js";
import { row, type Row, type Section } from "./report.js";
import { round } from "./stats.js";
import { addRepos, APPROVERS, CHANNEL, clearCalls, signingClient, startInProcessGantry, USER, type Emulators } from "./world.js";

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
      "cost-b": { repo: "bench/cost-b", workflow: "deploy.yml", environments: { production: { approvals: { required: 2, approvers: ["@approvers"], expiresAfter: "1h" } } } },
      "cost-c": { repo: "bench/cost-c", workflow: "deploy.yml", environments: { production: {} } },
    },
  });
}

async function latest(g: Gantry, service: string, environment: string): Promise<Deployment> {
  for (;;) {
    const [d] = await g.store.history(service, environment, 1);
    if (d) return d;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function until(g: Gantry, id: number, pred: (d: Deployment) => boolean, timeoutMs = 120_000): Promise<Deployment> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await g.store.getDeployment(id);
    if (d && pred(d)) return d;
    if (Date.now() > end) throw new Error(`deploy ${id} stuck in ${d?.state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until neither emulator has seen a call for `quietMs`. */
async function settled(em: Emulators, quietMs = 500): Promise<void> {
  let seen = -1;
  while (seen !== em.gh.calls.length + em.slack.calls.length) {
    seen = em.gh.calls.length + em.slack.calls.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

function count(em: Emulators, d: Deployment): Cost {
  const gh = em.gh.calls.filter((c: RecordedCall) => !c.unexpected);
  const polls = gh.filter((c) => POLL_OPS.has(c.operationId ?? ""));
  const rest = gh.filter((c) => !POLL_OPS.has(c.operationId ?? ""));
  const slack = em.slack.calls.filter((c) => !c.unexpected && c.method !== "auth.test");
  const from = Date.parse(d.startedAt ?? d.createdAt);
  const minutes = Math.max(1e-9, (Date.parse(d.finishedAt ?? new Date().toISOString()) - from) / 60_000);
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

async function deployTo(em: Emulators, g: Gantry, client: SlackSigningClient, text: string, service: string, environment: string): Promise<Deployment> {
  const res = await client.command(USER, "/deploy", text, { channel: CHANNEL });
  if (res.body !== "") throw new Error(`deploy refused: ${res.body}`);
  const d = await latest(g, service, environment);
  return until(g, d.id, (x) => isFinal(x.state));
}

export async function apiCost(em: Emulators, quick: boolean): Promise<Section> {
  const config = costConfig(quick);
  addRepos(em, config);
  const run = quick ? { queuedMs: 300, runMs: 1700 } : { queuedMs: 1500, runMs: 8500 };
  let fast = false;
  em.gh.setRunScript(() => (fast ? { queuedMs: 5, runMs: 20 } : run));
  const g = await startInProcessGantry(em, config, join(em.dir, "cost.db"));
  const client = signingClient(em, g.url);
  const costs: Record<string, Cost> = {};
  try {
    clearCalls(em);
    const a = await deployTo(em, g, client, "cost-a main to staging", "cost-a", "staging");
    await settled(em);
    costs["workflow-mode staging deploy"] = count(em, a);

    clearCalls(em);
    const res = await client.command(USER, "/deploy", "cost-b main to production", { channel: CHANNEL });
    if (res.body !== "") throw new Error(`gated deploy refused: ${res.body}`);
    const pending = await until(g, (await latest(g, "cost-b", "production")).id, (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null);
    for (const approver of APPROVERS) {
      await client.blockAction(approver, { actionId: "approve_deploy", value: String(pending.id), message: { channel: pending.slackChannel!, ts: pending.slackTs! } });
    }
    const b = await until(g, pending.id, (x) => isFinal(x.state));
    await settled(em);
    costs["gated production deploy (2 approvals)"] = count(em, b);

    // Two good deploys of cost-c (fast, not counted), then roll the second back.
    fast = true;
    for (let i = 0; i < 2; i++) {
      em.gh.addCommit("bench/cost-c", { message: `change ${i}`, branch: "main" });
      await deployTo(em, g, client, "cost-c main to production", "cost-c", "production");
    }
    await settled(em, 200);
    fast = false;
    clearCalls(em);
    const back = await client.command(USER, "/rollback", "cost-c production", { channel: CHANNEL });
    if (back.status !== 200) throw new Error(`rollback refused: ${back.body}`);
    const r = await until(g, (await latest(g, "cost-c", "production")).id, (x) => x.kind === "rollback" && isFinal(x.state));
    await settled(em);
    costs["rollback"] = count(em, r);
  } finally {
    clearCalls(em);
    await g.stop();
  }
  const rows: Row[] = Object.entries(costs).flatMap(([name, c]) => [
    row(`${name}: GitHub / Slack calls outside polling`, `${c.github} / ${c.slack}`, "", { text: `≤ ${TARGET} / ≤ ${TARGET}`, ok: c.github <= TARGET && c.slack <= TARGET }),
    row(`${name}: status polls per minute (304s)`, `${round(c.polls / c.minutes)} (${c.notModified} of ${c.polls})`),
  ]);
  return {
    title: "5. API cost per deploy",
    rows,
    notes: [
      `Polling ${config.polling.interval} to ${config.polling.maxInterval}; runs queued ${run.queuedMs} ms, then running ${run.runMs} ms; deploy time from start to end.`,
      ...Object.entries(costs).map(([name, c]) => `${name}: GitHub ${c.githubOps.join(", ")}; Slack ${c.slackMethods.join(", ")}`),
    ],
    details: costs,
  };
}
