import type { GitHubEmulator } from "../github/emulator.js";
import type { JiraEmulator } from "../jira/emulator.js";
import type { SlackEmulator } from "../slack/emulator.js";
import type { LiveRefs } from "./history.js";

/** The demo's people: who may deploy and approve where comes from gantry.demo.yml, as in a real install. */
export const DEMO_USERS = [
  { id: "U0ALICE", name: "alice", realName: "Alice Engineer", role: "engineer, in @platform and @release" },
  { id: "U0BOB", name: "bob", realName: "Bob Approver", role: "engineer, in @platform and @release" },
  { id: "U0CAROL", name: "carol", realName: "Carol Release-Manager", role: "release manager, in @release" },
  { id: "U0DAVE", name: "dave", realName: "Dave SRE", role: "SRE on call, break-glass approver" },
  { id: "U0MALLORY", name: "mallory", realName: "Mallory Contractor", role: "outsider, no production rights" },
] as const;

export const DEMO_CHANNELS = [{ id: "C0PAYMENTS", name: "payments" }] as const;

export const DEMO_GROUPS = [
  { id: "S0PLATFORM", handle: "platform", users: ["U0ALICE", "U0BOB"] },
  { id: "S0RELEASE", handle: "release", users: ["U0ALICE", "U0BOB", "U0CAROL"] },
] as const;

const AUTHORS = [
  { name: "Alice Engineer", email: "alice@acme.test", login: "alice" },
  { name: "Bob Approver", email: "bob@acme.test", login: "bob" },
];

export function seedSlack(slack: SlackEmulator): void {
  for (const u of DEMO_USERS) slack.addUser({ id: u.id, name: u.name, realName: u.realName, tz: "Europe/Berlin" });
  for (const c of DEMO_CHANNELS) slack.addChannel(c);
  for (const g of DEMO_GROUPS) slack.addUsergroup({ id: g.id, handle: g.handle, users: [...g.users] });
}

/**
 * Repositories with a little history, tags to deploy, `fail-*` branches whose runs fail, and `bad-*` branches that
 * deploy fine and then raise the error rate. Returns what production
 * runs at the start (v1.4.1 of checkout-api), for the seeded history to end on.
 */
export function seedGitHub(gh: GitHubEmulator, runMs: { queuedMs: number; runMs: number }): LiveRefs {
  const live: LiveRefs = {};
  gh.addRepo({ fullName: "acme/checkout-api", defaultBranch: "main", workflows: ["deploy.yml"] });
  gh.addRepo({ fullName: "acme/billing-worker", defaultBranch: "main" });
  const messages = [
    "PAY-101 Add idempotency keys to charge requests",
    "PAY-107 Retry card network timeouts once",
    "Bump node to 20.20",
    "PAY-112 Show the receipt number in confirmation emails",
  ];
  messages.forEach((message, i) => {
    const sha = gh.addCommit("acme/checkout-api", { message, author: AUTHORS[i % 2]!, branch: "main" });
    if (i === 1) {
      gh.setTag("acme/checkout-api", "v1.4.1", sha);
      live["checkout-api"] = { ref: "v1.4.1", sha };
    }
    if (i === 3) gh.setTag("acme/checkout-api", "v1.4.2", sha);
  });
  const head = gh.addCommit("acme/checkout-api", { message: "WIP: break the build on purpose", branch: "main" });
  gh.setBranch("acme/checkout-api", "fail-now", head);
  gh.setBranch("acme/checkout-api", "fail-migration", head);
  gh.addCommit("acme/checkout-api", { message: 'Revert "WIP: break the build on purpose"', branch: "main" });
  // Builds and deploys fine; then the canary's error rate climbs (metrics.ts) and Gantry rolls it back.
  const bad = gh.addCommit("acme/checkout-api", { message: "PAY-118 Cache card BIN lookups", branch: "main" });
  gh.setBranch("acme/checkout-api", "bad-release", bad);
  gh.setBranch("acme/checkout-api", "bad-cache", bad);
  gh.addCommit("acme/checkout-api", { message: 'Revert "PAY-118 Cache card BIN lookups"', branch: "main" });
  live["billing-worker"] = {
    ref: "main",
    sha: gh.addCommit("acme/billing-worker", { message: "BILL-8 Invoice numbering", branch: "main" }),
  };
  gh.addCommit("acme/billing-worker", { message: "BILL-9 Batch invoice exports", branch: "main" });
  gh.setRunScript(({ inputs }) => ({
    conclusion: (inputs.ref ?? "").startsWith("fail-") ? "failure" : "success",
    queuedMs: runMs.queuedMs,
    runMs: runMs.runMs,
  }));
  gh.setDeploymentScript(() => ({
    states: [
      { state: "queued", afterMs: runMs.queuedMs / 2 },
      { state: "in_progress", afterMs: runMs.queuedMs },
      { state: "success", afterMs: runMs.queuedMs + runMs.runMs },
    ],
  }));
  return live;
}

/** CHG holds change tickets; PAY holds the stories the demo commits mention, which get "deployed" comments. */
export function seedJira(jira: JiraEmulator): void {
  jira.addProject({ key: "CHG", name: "Change Management", issueTypes: ["Change"] });
  jira.addProject({ key: "PAY", name: "Payments", issueTypes: ["Story", "Bug"] });
  jira.addProject({ key: "OPS", name: "Operations", issueTypes: ["Incident"] });
  for (const [n, summary] of [
    [101, "Idempotency keys for charges"],
    [107, "Retry card network timeouts"],
    [112, "Receipt number in confirmation emails"],
    [118, "Cache card BIN lookups"],
  ] as const) {
    jira.addIssue({ key: `PAY-${n}`, project: "PAY", issueType: "Story", summary });
  }
}
