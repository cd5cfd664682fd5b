import { createHash } from "node:crypto";
import { weekStart } from "../../src/domain/dora/time.js";
import type { VerificationRecord } from "../../src/domain/verify/record.js";
import type { Store } from "../../src/store/types.js";
import type { JiraEmulator } from "../jira/emulator.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PEOPLE = ["U0ALICE", "U0BOB", "U0CAROL"];
const AUTHORS = ["alice", "bob", "carol"];
const WORK = [
  "Tidy checkout retries",
  "Faster card tokenisation",
  "Receipt emails",
  "Fraud rules update",
  "Refund flow",
  "Currency rounding",
];

/** A small deterministic generator, so every fresh demo tells the same twelve-week story. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha = (text: string) => createHash("sha1").update(text).digest("hex");

/** What each service really runs now: a commit the GitHub emulator has, so promotions can compare against it. */
export type LiveRefs = Record<string, { ref: string; sha: string }>;

/**
 * Twelve weeks of production history for the demo team, written through the store like real deploys:
 * 2–5 deployments a week per service, commits hours to days old, an occasional rollback or hotfix, and incidents in
 * the Jira emulator that the incident sync picks up. Only on a fresh demo database.
 */
export async function seedHistory(
  store: Store,
  jira: JiraEmulator,
  now: Date,
  tz: string,
  live: LiveRefs = {},
): Promise<number> {
  if ((await store.ledger([{ service: "checkout-api", environment: "production" }], "2000-01-01T00:00:00Z")).length > 0)
    return 0;
  const rnd = random(42);
  const thisWeek = weekStart(now, tz).getTime();
  let made = 0;
  for (const service of ["checkout-api", "billing-worker"]) {
    let previous: { id: number; at: number } | undefined;
    for (let w = 12; w >= 1; w--) {
      const monday = thisWeek - w * 7 * DAY;
      const count = 2 + Math.floor(rnd() * 4);
      const days = [...new Set(Array.from({ length: count }, () => Math.floor(rnd() * 5)))].sort();
      for (const day of days) {
        const at = monday + day * DAY + (9 + Math.floor(rnd() * 8)) * HOUR + Math.floor(rnd() * 60) * 60_000;
        const hotfix = previous !== undefined && at - previous.at < 2 * DAY && rnd() < 0.15;
        const newest = w === 1 && day === days.at(-1);
        const id = await seedDeploy(store, service, at, made, hotfix, rnd, newest ? live[service] : undefined);
        made++;
        // Last week always has one of each failure, so the digest has something to explain.
        const lastWeek = w === 1 && day === days[1];
        if (previous && ((lastWeek && service === "checkout-api") || rnd() < 0.06))
          await markRolledBack(store, previous.id, at);
        if (previous && ((lastWeek && service === "billing-worker") || rnd() < 0.08)) {
          jira.addIssue({
            project: "OPS",
            issueType: "Incident",
            summary: `${service}: elevated errors after a deploy`,
            components: [service],
            created: new Date(previous.at + (1 + rnd() * 20) * HOUR).toISOString(),
            resolutiondate: new Date(previous.at + (22 + rnd() * 30) * HOUR).toISOString(),
            status: "Done",
          });
        }
        previous = { id, at };
      }
    }
  }
  const canary = live["checkout-api"];
  if (canary) await seedCanary(store, canary, now.getTime() - DAY);
  return made;
}

/**
 * What the canary runs at the start: production's release, verified there a day ago. An automatic rollback needs a
 * good deploy to go back to, as it would in a real install that has been running a while.
 */
async function seedCanary(store: Store, live: { ref: string; sha: string }, at: number): Promise<void> {
  const started = new Date(at - 5 * 60_000).toISOString();
  const verifiedAt = new Date(at).toISOString();
  const created = await store.createDeployment({
    key: "demo_checkout-api_canary",
    service: "checkout-api",
    environment: "canary",
    ref: live.ref,
    sha: live.sha,
    requester: PEOPLE[0]!,
    runner: "workflow",
    slackChannel: null,
    at: new Date(at - 6 * 60_000).toISOString(),
  });
  if (!created.ok) return;
  const id = created.deployment.id;
  await store.patch(id, { dispatchedAt: started }, started);
  const verification: VerificationRecord = {
    startedAt: started,
    bake: { startedAt: Date.parse(started), lastAt: at, observedMs: 60_000, heldMs: 0, readings: 12, streaks: {} },
    baselines: {},
    checks: [],
    unseen: null,
    queries: 36,
    outcome: { kind: "verified", at: verifiedAt },
    rollbackId: null,
  };
  await store.transition(
    id,
    ["requested"],
    "succeeded",
    { startedAt: started, finishedAt: verifiedAt, verification, verifiedAt },
    { actor: "gantry", action: "deploy.succeeded", detail: { seeded: true }, at: verifiedAt },
  );
}

async function seedDeploy(
  store: Store,
  service: string,
  at: number,
  n: number,
  hotfix: boolean,
  rnd: () => number,
  live?: { ref: string; sha: string },
): Promise<number> {
  const head = live?.sha ?? sha(`${service}-${n}`);
  const requester = PEOPLE[n % PEOPLE.length]!;
  const started = at - (3 + rnd() * 10) * 60_000;
  // checkout-api's production is gated: asked for, then approved an hour or two later (its approval stage).
  const gated = service === "checkout-api";
  const asked = gated ? started - (0.5 + rnd() * 3) * HOUR : started;
  const created = await store.createDeployment({
    key: `demo_${service}_${n}`,
    service,
    environment: "production",
    ref: live?.ref ?? `v1.${Math.floor(n / 10)}.${n % 10}`,
    sha: head,
    requester,
    runner: service === "billing-worker" ? "deployment" : "workflow",
    slackChannel: null,
    hotfix,
    at: new Date(asked).toISOString(),
    ...(gated ? { state: "pending_approval" as const } : {}),
  });
  if (!created.ok) throw new Error(`demo history: ${service} is busy`);
  const id = created.deployment.id;
  if (gated) {
    const approved = new Date(started).toISOString();
    await store.transition(
      id,
      ["pending_approval"],
      "requested",
      {},
      { actor: "gantry", action: "deploy.approved", at: approved },
    );
  }
  await store.patch(id, { dispatchedAt: new Date(started).toISOString() }, new Date(started).toISOString());
  const finished = new Date(at).toISOString();
  await store.transition(
    id,
    ["requested"],
    "succeeded",
    { startedAt: new Date(started).toISOString(), finishedAt: finished },
    {
      actor: "gantry",
      action: "deploy.succeeded",
      detail: { seeded: true },
      at: finished,
    },
  );
  const commits = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => ({
    sha: i === 0 ? head : sha(`${service}-${n}-${i}`),
    committedAt: new Date(at - (2 + rnd() * 70) * HOUR).toISOString(),
    author: AUTHORS[(n + i) % AUTHORS.length]!,
    message: `PAY-${100 + ((n * 3 + i) % 40)} ${WORK[(n + i) % WORK.length]}`,
  }));
  await store.recordCommits(id, commits);
  // Most changes came through a pull request (coding, then review, then merged a little before the deploy was asked).
  for (const c of commits) {
    const committed = Date.parse(c.committedAt);
    const merged = Math.min(asked - 0.2 * HOUR, committed + (1 + rnd() * 20) * HOUR);
    const pull =
      rnd() < 0.85
        ? {
            number: 100 + n,
            firstCommitAt: new Date(committed - (2 + rnd() * 30) * HOUR).toISOString(),
            openedAt: new Date(committed + 0.1 * HOUR).toISOString(),
            mergedAt: new Date(Math.max(merged, committed + 0.2 * HOUR)).toISOString(),
          }
        : null;
    await store.recordPull(c.sha, pull, finished);
  }
  return id;
}

async function markRolledBack(store: Store, id: number, at: number): Promise<void> {
  await store.transition(
    id,
    ["succeeded"],
    "rolled_back",
    {},
    { actor: "gantry", action: "deploy.rolled_back", detail: { seeded: true }, at: new Date(at).toISOString() },
  );
}
