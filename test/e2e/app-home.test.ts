import { describe, expect, it } from "vitest";
import type { GantryConfig } from "../../src/config/schema.js";
import type { EmulatedView } from "../../sandbox/slack/types.js";
import { listButtons } from "../../sandbox/slack/buttons.js";
import { HomeBoards } from "../../src/slack/home/boards.js";
import type { Deployment } from "../../src/domain/deployment.js";
import { CHANNEL, gatedConfig, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

const config = (): GantryConfig =>
  gatedConfig({ teams: { payments: { channel: CHANNEL, services: ["checkout-api"] } } });

async function deploy(user: string, text: string): Promise<Deployment> {
  const res = await h.client.command(user, "/deploy", text, { channel: CHANNEL });
  expect(res.body).toBe("");
  const [d] = await h.gantry.store.history("checkout-api", undefined, 1);
  return d!;
}

async function pendingProduction(): Promise<Deployment> {
  const d = await deploy(USERS.alice, "checkout-api main to production");
  return h.until(d.id, (x) => x.state === "pending_approval" && x.slackTs !== null && x.changeSummary !== null);
}

/** Opens the Home tab as `user` and waits for the board Gantry publishes for it. */
async function openHome(user: string): Promise<EmulatedView> {
  const before = h.slack.homeView(user)?.updates ?? -1;
  const res = await h.client.appHomeOpened(user);
  expect(res.status).toBe(200);
  return h.slack.waitForView((v) => v.kind === "home" && v.user === user && v.updates > before);
}

const text = (v: EmulatedView | undefined) => JSON.stringify(v?.view.blocks ?? []);
const votes = (v: EmulatedView | undefined) =>
  listButtons(v?.view.blocks as unknown[]).filter(
    (b) => b.actionId === "approve_deploy" || b.actionId === "reject_deploy",
  );
const dm = (user: string, words: string) =>
  h.slack.waitForMessage((m) => m.channel === `D${user.slice(1)}` && m.text.includes(words));

describe("App Home board", () => {
  it("shows what is live where, who deployed it, locks, and the approvals each person may vote on", async () => {
    h = await startHarness({ config: config() });
    const staged = await h.finished((await deploy(USERS.alice, "checkout-api main to staging")).id);
    const lock = await h.client.command(USERS.alice, "/deploy", 'lock checkout-api staging for 1h "load test"', {
      channel: CHANNEL,
    });
    expect(lock.answer?.text).toContain("Locked");
    const pending = await pendingProduction();

    const bob = await openHome(USERS.bob);
    const board = text(bob);
    expect(board).toContain("*checkout-api* · *staging*");
    expect(board).toContain(`\`main\` \`${staged.sha!.slice(0, 7)}\` by <@${USERS.alice}>`);
    expect(board).toContain(`:lock: locked by <@${USERS.alice}> until`);
    expect(board).toContain("load test");
    expect(board).toContain("Waiting for you");
    expect(board).toContain(`asked by <@${USERS.alice}>`);
    expect(board).toContain("0 of 2 approvals");
    expect(board).toContain(`Waiting for approval: \`main\` by <@${USERS.alice}> (#${pending.id})`);
    expect(board).toContain("DORA, last 4 weeks");
    expect(votes(bob).map((b) => [b.actionId, b.value])).toEqual([
      ["approve_deploy", String(pending.id)],
      ["reject_deploy", String(pending.id)],
    ]);
    // The staging cell offers Unlock (it is locked), production Lock…; the board opens the deploy form too.
    expect(listButtons(bob.view.blocks as unknown[]).map((b) => b.actionId)).toEqual([
      "open_deploy_form",
      "approve_deploy",
      "reject_deploy",
      "unlock_env",
      "open_lock_form",
    ]);
    expect(board).toContain("You have not deployed anything yet");

    // The requester sees her deploys but nothing to vote on; an outsider sees no request either.
    const alice = await openHome(USERS.alice);
    expect(votes(alice)).toEqual([]);
    expect(text(alice)).toContain("Nothing is waiting for you");
    expect(text(alice)).toContain(`*checkout-api* → *production* \`main\``);
    expect(text(alice)).toContain(`(#${staged.id})`);
    const mallory = await openHome(USERS.mallory);
    expect(votes(mallory)).toEqual([]);
    expect(text(mallory)).toContain("Nothing is waiting for you");

    const published = h.slack.calls.filter((c) => c.method === "views.publish");
    expect(published.map((c) => (c.response as { ok: boolean }).ok)).toEqual(published.map(() => true));
    expect(published.every((c) => (c.args.view as { blocks: unknown[] }).blocks.length <= 100)).toBe(true);
  });

  it("approves from the board like from the channel, refuses the requester's own click, and redraws the boards", async () => {
    h = await startHarness({ config: config() });
    const d = await pendingProduction();
    await openHome(USERS.bob);
    await openHome(USERS.carol);
    await openHome(USERS.alice);

    const bobVoted = h.slack.waitForView((v) => v.kind === "home" && v.user === USERS.bob && votes(v).length === 0);
    const res = await h.client.viewButton(USERS.bob, { view: "home", actionId: "approve_deploy", value: String(d.id) });
    expect(res.status).toBe(200);
    await dm(USERS.bob, `Approved #${d.id}. 1 more needed.`);
    expect((await h.gantry.store.votes(d.id)).map((v) => v.voter)).toEqual([USERS.bob]);
    // The channel message shows the vote, as after a click there.
    await h.slack.waitForMessage(
      (m) => m.ts === d.slackTs && JSON.stringify(m.blocks).includes(`approved by <@${USERS.bob}>`),
    );
    // Bob's board drops what he voted on; Carol's shows the count.
    await bobVoted;
    await h.slack.waitForView(
      (v) => v.kind === "home" && v.user === USERS.carol && text(v).includes("1 of 2 approvals"),
    );

    // Alice's board has no Approve for her own request; a click forged from the Home tab is refused all the same.
    const forged = h.client.payloads.viewButton(USERS.carol, {
      view: "home",
      actionId: "approve_deploy",
      value: String(d.id),
    });
    forged.user = { id: USERS.alice, username: "alice", name: "alice", team_id: forged.user.team_id! };
    await h.client.send(new URLSearchParams({ payload: JSON.stringify(forged) }).toString());
    await dm(USERS.alice, "you cannot approve it yourself");
    const refused = (await h.gantry.store.listAudit({ deploymentId: d.id })).filter((a) => a.action === "vote.refused");
    expect(refused).toMatchObject([{ actor: USERS.alice, detail: { why: "self_approval" } }]);

    await h.client.viewButton(USERS.carol, { view: "home", actionId: "approve_deploy", value: String(d.id) });
    const done = await h.finished(d.id);
    expect(done.state).toBe("succeeded");
    // Everyone who opened the board sees production live, without opening it again.
    for (const user of [USERS.alice, USERS.bob, USERS.carol]) {
      await h.slack.waitForView(
        (v) =>
          v.kind === "home" &&
          v.user === user &&
          text(v).includes(`by <@${USERS.alice}>, <!date^`) &&
          text(v).includes(`(#${d.id})`) &&
          !text(v).includes("Waiting for approval"),
      );
    }
  });

  it("opens the reject modal from the board and rejects with the reason", async () => {
    h = await startHarness({ config: config() });
    const d = await pendingProduction();
    await openHome(USERS.dave);
    await h.client.viewButton(USERS.dave, { view: "home", actionId: "reject_deploy", value: String(d.id) });
    const modal = await h.slack.waitForView((v) => v.kind === "modal" && v.user === USERS.dave);
    expect(modal.view.callback_id).toBe("reject_deploy_modal");
    h.slack.enter(modal.id, "reason", "Black Friday traffic");
    const res = await h.client.viewSubmission(USERS.dave);
    expect([res.status, res.body]).toEqual([200, ""]);
    expect((await h.until(d.id, (x) => x.state === "rejected")).reason).toBe("rejected: Black Friday traffic");
    await h.slack.waitForView((v) => v.kind === "home" && v.user === USERS.dave && votes(v).length === 0);
  });

  it("redraws the boards of recent viewers when a deploy moves or a lock is taken", async () => {
    h = await startHarness({ config: config() });
    const first = await openHome(USERS.bob);
    expect(text(first)).toContain("_nothing deployed by Gantry yet_");
    const d = await deploy(USERS.alice, "checkout-api main to staging");
    const done = await h.finished(d.id);
    const live = await h.slack.waitForView(
      (v) =>
        v.user === USERS.bob &&
        v.kind === "home" &&
        text(v).includes(`\`main\` \`${done.sha!.slice(0, 7)}\` by <@${USERS.alice}>, <!date^`),
    );
    expect(text(live)).not.toMatch(/In progress|Queued|Requested/);

    await h.client.command(USERS.alice, "/deploy", "lock checkout-api production for 2h", { channel: CHANNEL });
    const locked = await h.slack.waitForView(
      (v) => v.user === USERS.bob && v.kind === "home" && text(v).includes(`:lock: locked by <@${USERS.alice}>`),
    );
    expect(locked.updates).toBeGreaterThan(live.updates);
    await h.client.command(USERS.alice, "/deploy", "unlock checkout-api production", { channel: CHANNEL });
    await h.slack.waitForView(
      (v) => v.user === USERS.bob && v.kind === "home" && v.updates > locked.updates && !text(v).includes(":lock:"),
    );
  });

  it("keeps within views.publish's rate limit: boards past it wait, one per person, without blocking the others", async () => {
    h = await startHarness({ config: config() });
    const boards = new HomeBoards(h.gantry.ports, { perMinute: 2 });
    try {
      const users = [USERS.alice, USERS.bob, USERS.carol, USERS.dave, USERS.mallory];
      for (const user of users) await boards.opened(user);
      await h.slack.waitForCall(
        (c) => c.method === "views.publish" && h.slack.calls.filter((x) => x.method === "views.publish").length === 2,
      );
      expect(boards.backlog).toBe(3);
      // Redrawing again replaces what waits instead of queueing more.
      for (const user of users) await boards.opened(user);
      expect(boards.backlog).toBe(3);
      expect(h.slack.calls.filter((c) => c.method === "views.publish")).toHaveLength(2);
    } finally {
      await boards.stop();
    }
  });

  it("publishes the board in Socket Mode too", async () => {
    h = await startHarness({ config: config(), socketMode: true });
    await h.slack.socket.connected();
    const ack = await h.slack.socket.sendEvent(h.client.payloads.appHomeOpened(USERS.bob));
    expect(ack.envelope_id).toBeTruthy();
    const board = await h.slack.waitForView((v) => v.kind === "home" && v.user === USERS.bob);
    expect(text(board)).toContain("Waiting for you");
  });
});
