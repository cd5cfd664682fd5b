/**
 * Attack: text Gantry did not write (a branch name, a commit message, an author, a lock reason, GitHub's error
 * words) carries Slack's control sequences, so that what Gantry posts pings the channel, pings a group or a stranger,
 * or shows a link of the attacker's. Every message Slack ends up holding is checked: the blocks, the `text` fallback
 * that notifications show, thread replies, ephemeral answers and direct messages.
 */
import { afterEach, describe, expect, it } from "vitest";
import { gatedConfig, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";
import { Conversation, forgedTokens, gantrysOwn, newest } from "./support.js";

let h: Harness | undefined;
let talk: Conversation;
stopAfterEach(() => h);
afterEach(() => {
  h = undefined;
});

async function start(): Promise<Harness> {
  h = await startHarness({ config: gatedConfig() });
  talk = new Conversation(h);
  return h;
}

const BROADCAST = "<!channel>";
const EVIL = {
  message: `<!here> hotfix for <@${USERS.mallory}>, see <https://evil.example.com/login|the runbook> & <!subteam^S0PLATFORM>`,
  author: { name: "<!everyone>", email: "x@example.com", login: "<!everyone>" },
};

/** Slack sends what was typed with &, < and > escaped. */
const typed = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function noForgedTokens(): void {
  const forged = forgedTokens(talk.shown(), gantrysOwn([USERS.alice, USERS.bob, USERS.carol]));
  expect(forged).toEqual([]);
}

describe("mrkdwn injection", () => {
  it("a branch named <!channel>, with a commit whose message and author hold mentions and a link, pings nobody", async () => {
    h = await start();
    h.gh.addCommit("acme/checkout-api", { ...EVIL, branch: BROADCAST });
    h.gh.setRunScript(() => ({ hold: true }));
    await talk.send(USERS.alice, "/deploy", typed(`checkout-api ${BROADCAST} to staging`));
    const id = await newest(h);
    const running = await h.until(id, (d) => d.state === "in_progress" && d.slackTs !== null);

    // The environment is busy: bob's refusal names the running deploy's ref.
    expect(await talk.answer(USERS.bob, "/deploy", typed(`checkout-api ${BROADCAST} to staging`))).toContain(
      "already deploying",
    );
    expect(await talk.answer(USERS.alice, "/deploy", "status checkout-api")).toContain("In progress");
    h.gh.completeRun(Number(running.runId), "success");
    await h.finished(id);
    expect(await talk.answer(USERS.alice, "/deploy", "history checkout-api")).toContain("Latest deploys");
    noForgedTokens();
  });

  it("a ref GitHub does not know, named to ping everyone, fails in words that ping nobody", async () => {
    h = await start();
    await talk.send(USERS.alice, "/deploy", typed("checkout-api <!everyone> to staging"));
    const done = await h.finished(await newest(h));
    expect(done.state).toBe("failed");
    expect(done.reason).toContain("<!everyone>");
    noForgedTokens();
  });

  it("approvals that start over because the branch moved announce it without pinging the channel", async () => {
    h = await start();
    h.gh.addCommit("acme/checkout-api", { message: "first", branch: BROADCAST });
    await talk.send(USERS.alice, "/deploy", typed(`checkout-api ${BROADCAST} to production`));
    const id = await newest(h);
    const pending = await h.until(
      id,
      (d) => d.state === "pending_approval" && d.slackTs !== null && d.changeSummary !== null,
    );
    h.gh.addCommit("acme/checkout-api", { ...EVIL, branch: BROADCAST });
    const vote = (user: string) =>
      h!.client.blockAction(user, {
        actionId: "approve_deploy",
        value: String(id),
        message: { channel: pending.slackChannel!, ts: pending.slackTs! },
      });
    await vote(USERS.carol);
    await vote(USERS.bob);
    await h.slack.waitForMessage((m) => m.thread_ts === pending.slackTs && m.text.includes("start over"));
    await h.until(id, (d) => d.sha !== pending.sha && d.changeSummary !== null);
    await vote(USERS.carol);
    await vote(USERS.bob);
    expect((await h.finished(id)).state).toBe("succeeded");
    noForgedTokens();
  });

  it("a lock reason and a break-glass reason holding mentions ping nobody", async () => {
    h = await start();
    expect(
      await talk.answer(
        USERS.alice,
        "/deploy",
        typed("lock checkout-api staging for 1h <!here> load test, ask <@U0MALLORY>"),
      ),
    ).toContain("Locked");
    expect(await talk.answer(USERS.bob, "/deploy", "checkout-api main to staging")).toContain("is locked by");
    expect(await talk.answer(USERS.bob, "/deploy", "status")).toContain("locked by");
    expect(await talk.answer(USERS.bob, "/deploy", "unlock checkout-api staging")).toContain("Unlocked");
    await h.slack.waitForMessage((m) => m.text.includes("is unlocked by"));
    noForgedTokens();
  });

  it("a ref with backticks stays inside its code span", async () => {
    h = await start();
    const ref = "fix`_it_`<!here>";
    h.gh.addCommit("acme/checkout-api", { message: "ok", branch: ref });
    await talk.send(USERS.alice, "/deploy", typed(`checkout-api ${ref} to staging`));
    const done = await h.finished(await newest(h));
    expect(done.state).toBe("succeeded");
    for (const r of talk.shown()) {
      for (const text of [r.text, ...r.blocks]) {
        expect(text).not.toContain("`_it_`");
        expect((text.match(/`/g) ?? []).length % 2, text).toBe(0);
      }
    }
    noForgedTokens();
  });
});
