import { EventEmitter } from "node:events";
import pino from "pino";
import { parseConfig } from "../../src/config/load.js";
import { askToDeploy } from "../../src/deploy/ask.js";
import type { LaunchPorts } from "../../src/deploy/launch.js";
import type { MessagePlace, Notice, Notifier, VerificationAlert } from "../../src/deploy/notifier.js";
import type { DeployEvents } from "../../src/deploy/ports.js";
import type { DeployView } from "../../src/deploy/view.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";

/** Everything the notifier was asked to say, in order: the use cases' words stay data here. */
export class RecordingNotifier implements Notifier {
  readonly said: { to: string; what: string; notice?: Notice; view?: DeployView; alert?: VerificationAlert }[] = [];

  async postDeploy(d: Deployment, view: DeployView): Promise<MessagePlace> {
    this.said.push({ to: d.slackChannel!, what: "postDeploy", view });
    return { channel: d.slackChannel!, ts: `${d.id}.0001` };
  }
  async updateDeploy(d: Deployment, view: DeployView): Promise<void> {
    this.said.push({ to: d.slackChannel!, what: "updateDeploy", view });
  }
  async deployEnded(d: Deployment): Promise<void> {
    this.said.push({ to: d.slackChannel!, what: "deployEnded" });
  }
  async verificationEnded(d: Deployment): Promise<void> {
    this.said.push({ to: d.slackChannel!, what: "verificationEnded" });
  }
  async verificationAlert(d: Deployment, alert: VerificationAlert): Promise<void> {
    this.said.push({ to: d.slackChannel!, what: "verificationAlert", alert });
  }
  async inThread(d: Deployment, notice: Notice): Promise<void> {
    this.said.push({ to: d.slackChannel!, what: "inThread", notice });
  }
  async toUser(user: string, notice: Notice): Promise<void> {
    this.said.push({ to: user, what: "toUser", notice });
  }
  async permalink(): Promise<string | undefined> {
    return undefined;
  }
  refusesPosting(): boolean {
    return false;
  }
}

export const NOW = new Date("2026-12-01T10:00:00.000Z");

/** Two services: checkout-api (staging → production by promotion, with approvals) and billing (approvals, no chain). */
export const CONFIG_YAML = `
timezone: UTC
services:
  checkout-api:
    repo: acme/checkout-api
    workflow: deploy.yml
    environments:
      dev: {}
      staging: {}
      production:
        promoteFrom: staging
        approvals: { required: 1, approvers: [U0BOB] }
  billing:
    repo: acme/billing
    workflow: deploy.yml
    environments:
      production:
        approvals: { required: 1, approvers: [U0BOB, U0ALICE] }
      frozen:
        freeze:
          - { cron: "0 0 * * *", duration: 1d, reason: "year-end freeze" }
`;

/**
 * The use cases' ports over small fakes: a real in-memory SQLite store, a fixed clock, a recording notifier, and
 * no GitHub or tracker (the tests here stop where a deploy would launch).
 */
export function deployPorts(yaml = CONFIG_YAML): LaunchPorts & { notifier: RecordingNotifier } {
  const unused = new Proxy(
    {},
    {
      get: (_target, name) => () => {
        throw new Error(`not expected in this test: ${String(name)}`);
      },
    },
  );
  return {
    config: parseConfig(yaml, "test"),
    source: unused as LaunchPorts["source"],
    runners: unused as LaunchPorts["runners"],
    githubDeployments: unused as LaunchPorts["githubDeployments"],
    tracker: unused as LaunchPorts["tracker"],
    notifier: new RecordingNotifier(),
    groups: { usergroupMembers: async () => [] },
    store: openSqliteStore(":memory:"),
    clock: { now: () => NOW },
    log: pino({ level: "silent" }),
    events: new EventEmitter<DeployEvents>(),
  };
}

/** Marks a recorded deploy as having succeeded where it went, as the tracker would at its end. */
export async function succeed(ports: LaunchPorts, d: Deployment): Promise<Deployment> {
  const done = await ports.store.transition(
    d.id,
    [d.state],
    "succeeded",
    { finishedAt: NOW.toISOString() },
    { actor: "gantry", action: `${d.kind}.succeeded`, detail: {}, at: NOW.toISOString() },
  );
  return done!;
}

/** Alice's deploy of billing's main (sha pinned) to `environment`, asked through the use case; it must be accepted. */
export async function askBilling(ports: ReturnType<typeof deployPorts>, environment: string): Promise<Deployment> {
  const asked = await askToDeploy(ports, {
    service: "billing",
    environment,
    ref: "main",
    sha: "b".repeat(40),
    requester: "U0ALICE",
    channel: "C0DEPLOYS",
    kind: "deploy",
  });
  if (!asked.ok) throw new Error(`refused: ${asked.refusal.refused}`);
  return asked.deployment;
}
