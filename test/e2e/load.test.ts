/**
 * Load on loopback: 500 signed slash commands from 50 concurrent clients. Correctness under load, not speed (how fast
 * Gantry acknowledges is measured by `npm run bench`): every command is answered, SQLite never reports itself busy,
 * and each accepted deploy is recorded once.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";
import { allDeploys, assertInvariants } from "../support/invariants.js";

let h: Harness | undefined;
beforeEach(async () => {
  h = await startHarness();
});
stopAfterEach(() => h);
afterEach(() => {
  h = undefined;
});

const TOTAL = 500;
const CLIENTS = 50;

interface Sent {
  i: number;
  text: string;
  status: number;
  body: string;
}

/** Valid deploys (to every target a deployer may use), status reads, help, and bad input that must record nothing. */
function commandFor(i: number): { user: string; text: string; deploy: boolean } {
  const users = [USERS.alice, USERS.bob, USERS.carol];
  const user = users[i % users.length]!;
  switch (i % 10) {
    case 0:
      return { user, text: "help", deploy: false };
    case 1:
      return { user, text: "status", deploy: false };
    case 2:
      return { user, text: "history checkout-api", deploy: false };
    case 3:
      return { user, text: "chekout-api main to staging", deploy: false };
    case 4:
      return { user: USERS.mallory, text: "checkout-api main to production", deploy: false };
    case 5:
    case 6:
      return { user, text: "checkout-api main to staging", deploy: true };
    case 7:
      return { user, text: "checkout-api main to production", deploy: true };
    default:
      return { user, text: "billing-worker main to staging", deploy: true };
  }
}

describe("load", () => {
  it("answers 500 signed commands from 50 concurrent clients, recording each accepted deploy once", async () => {
    const s = h!;
    s.gh.setRunScript(() => ({ queuedMs: 5, runMs: 20 }));
    const sent: Sent[] = [];
    let next = 0;
    const client = async (): Promise<void> => {
      for (let i = next++; i < TOTAL; i = next++) {
        const { user, text } = commandFor(i);
        const res = await s.client.command(user, "/deploy", text, { channel: CHANNEL });
        sent.push({ i, text, status: res.status, body: res.answer ? JSON.stringify(res.answer) : res.body });
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));

    expect(sent).toHaveLength(TOTAL);
    const bad = sent.filter((r) => r.status !== 200);
    expect(bad, JSON.stringify(bad.slice(0, 3))).toHaveLength(0);

    // An accepted deploy gets no answer of its own (its message follows in the channel); everything else is answered
    // ephemerally, in the acknowledgement or, when deciding needed Slack or GitHub, by response_url after it.
    const accepted = sent.filter((r) => commandFor(r.i).deploy && r.body === "");
    const refused = sent.filter((r) => commandFor(r.i).deploy && r.body !== "");
    for (const r of refused) expect(r.body).toMatch(/already deploying|"ephemeral"/);
    for (const r of sent.filter((x) => !commandFor(x.i).deploy)) expect(r.body, r.text).not.toBe("");
    expect(accepted.length).toBeGreaterThanOrEqual(3);

    // Wait for every accepted deploy to end, then check each was recorded once and nothing else was.
    const services = Object.keys(s.config.services);
    for (;;) {
      const live = (await allDeploys(s.gantry.store, services)).filter((d) => d.finishedAt === null);
      if (live.length === 0) break;
      await s.finished(live[0]!.id);
    }
    await s.gantry.drawn();
    const deploys = await assertInvariants(s);
    expect(deploys).toHaveLength(accepted.length);
    expect(deploys.every((d) => d.state === "succeeded")).toBe(true);
    expect(new Set(deploys.map((d) => d.key)).size).toBe(deploys.length);
    // Never two live deploys of one service and environment at once: each began after the previous one ended.
    for (const target of new Set(deploys.map((d) => `${d.service}/${d.environment}`))) {
      const mine = deploys.filter((d) => `${d.service}/${d.environment}` === target);
      for (let k = 1; k < mine.length; k++)
        expect(Date.parse(mine[k]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(mine[k - 1]!.finishedAt!));
    }

    const busy = s.logs.filter((l) => /SQLITE_BUSY|database is locked/i.test(l));
    expect(busy).toHaveLength(0);
  }, 30_000);
});
