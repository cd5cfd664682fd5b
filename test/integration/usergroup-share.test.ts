/**
 * User group members shared by the replicas: what one replica read from Slack, another finds in the store instead of
 * asking Slack again, within the same TTL; past it, Slack is asked. Real WebClients against the Slack emulator, a
 * real SQLite file for two replicas' stores.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sandbox/slack/emulator.js";
import { WebSlack } from "../../src/slack/web-slack.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.js";
import { quietSlackLogger } from "../support/quiet-slack-logger.js";

const BOT = "xoxb-test";
const TTL = 60_000;

let slack: SlackEmulator;
let dir: string;
let stores: SqliteStore[];

beforeEach(async () => {
  slack = new SlackEmulator({ botToken: BOT });
  await slack.start();
  slack.addUsergroup({ id: "S1", handle: "platform", users: ["U1", "U2"] });
  dir = mkdtempSync(join(tmpdir(), "gantry-groups-"));
  const file = join(dir, "gantry.db");
  stores = [openSqliteStore(file), openSqliteStore(file)];
});

afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
  await slack.stop();
});

function replica(store: SqliteStore, now: () => number): WebSlack {
  const client = new WebClient(BOT, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logger: quietSlackLogger,
  });
  return new WebSlack(client, { usergroupTtlMs: TTL, now, share: store.usergroups() });
}

const lookups = () => slack.calls.filter((c) => c.method.startsWith("usergroups.")).length;

describe("user group members shared through the store", () => {
  it("are read from Slack once for every replica within the TTL, and again after it", async () => {
    let now = 1_800_000_000_000;
    const [a, b] = stores.map((s) => replica(s, () => now));
    expect(await a!.usergroupMembers("@platform")).toEqual(["U1", "U2"]);
    expect(lookups()).toBe(2);
    // b's own cache is cold: it finds a's answer in the store.
    expect(await b!.usergroupMembers("@platform")).toEqual(["U1", "U2"]);
    expect(lookups()).toBe(2);

    // Past the TTL of a's answer, b asks Slack, and shares what it hears.
    slack.addUsergroup({ id: "S1", handle: "platform", users: ["U3"] });
    now += TTL;
    expect(await b!.usergroupMembers("@platform")).toEqual(["U3"]);
    expect(lookups()).toBe(4);
    const c = replica(stores[0]!, () => now);
    expect(await c.usergroupMembers("@platform")).toEqual(["U3"]);
    expect(lookups()).toBe(4);
  });

  it("keep the newer answer, and ignore a row that does not parse", async () => {
    const share = stores[0]!.usergroups();
    await share.saveMembers("platform", { members: ["U2"], fetchedAt: 2_000 });
    await share.saveMembers("platform", { members: ["U1"], fetchedAt: 1_000 });
    expect(await share.loadMembers("platform")).toEqual({ members: ["U2"], fetchedAt: 2_000 });
    stores[0]!.db.prepare('UPDATE usergroup_members SET members = \'{"not":"a list"}\'').run();
    expect(await share.loadMembers("platform")).toBeUndefined();
    const fresh = replica(stores[1]!, () => 2_500);
    expect(await fresh.usergroupMembers("platform")).toEqual(["U1", "U2"]);
    expect(lookups()).toBe(2);
  });
});
