import { describe, expect, it } from "vitest";
import { startHarness, testConfig, USERS, type Harness, stopAfterEach } from "../support/harness.js";
import { answer, click, command } from "./support.js";

let h: Harness;
stopAfterEach(() => h);

/** A click with a made-up value on a button Gantry answers, as any user can send it. */
async function forge(user: string, actionId: string, value: string): Promise<void> {
  const res = await h.client.blockAction(user, { actionId, value });
  expect(res.status).toBe(200);
}

const noInternalErrors = () =>
  expect(
    h.slack
      .ephemerals()
      .map((m) => m.text)
      .join("\n"),
  ).not.toMatch(/could not do that|internal error|Cannot read/);

describe("attack: names that are not configured (constructor, __proto__) in button values and commands", () => {
  it("answers a Promote button naming environment constructor or __proto__ with the normal unknown-environment answer", async () => {
    h = await startHarness({ config: testConfig() });
    const staging = (await command(h, USERS.alice, "/deploy", "checkout-api main to staging")).deploy!;
    for (const env of ["constructor", "__proto__", "toString"]) {
      await click(h, USERS.alice, staging, `promote_deploy:${env}`, `${staging.id}:${env}`);
      const refusal = await answer(h, USERS.alice, `unknown environment \`${env}\` for \`checkout-api\``);
      expect(refusal.text).toContain("Environments: `staging`, `production`");
    }
    expect(await h.gantry.store.history("checkout-api")).toHaveLength(1);
    noInternalErrors();
  });

  it("answers Notify me, Lock… and Unlock buttons naming unconfigured services or environments as unknown, and opens nothing", async () => {
    h = await startHarness({ config: testConfig() });
    await forge(USERS.alice, "notify_unlock", "checkout-api:__proto__");
    await answer(h, USERS.alice, "unknown environment `__proto__` for `checkout-api`");
    await forge(USERS.alice, "notify_unlock", "constructor:staging");
    await answer(h, USERS.alice, "unknown service `constructor`");
    await forge(USERS.alice, "open_lock_form", "checkout-api:constructor");
    await answer(h, USERS.alice, "unknown environment `constructor` for `checkout-api`");
    await forge(USERS.alice, "unlock_env", "__proto__:staging");
    await answer(h, USERS.alice, "unknown service `__proto__`");
    expect(h.slack.views(USERS.alice).filter((v) => v.kind === "modal")).toEqual([]);
    expect(await h.gantry.store.listLocks()).toEqual([]);
    noInternalErrors();
  });

  it("answers Approve, Cancel and Reject buttons whose value is not a deploy id plainly, and opens no modal", async () => {
    h = await startHarness({ config: testConfig() });
    for (const value of ["constructor", "-1", "1e400", "99999999999999999999", ""]) {
      for (const actionId of ["approve_deploy", "cancel_deploy", "reject_deploy"])
        await forge(USERS.alice, actionId, value);
    }
    await h.slack.waitForEphemeral(() => h.slack.ephemerals(USERS.alice).length === 15);
    expect(new Set(h.slack.ephemerals(USERS.alice).map((m) => m.text))).toEqual(
      new Set(["That deploy no longer exists."]),
    );
    expect(h.slack.calls.filter((c) => c.method === "views.open")).toEqual([]);
  });

  it("answers /dora constructor and /dora __proto__ as an unknown team or service", async () => {
    h = await startHarness({ config: testConfig() });
    for (const name of ["constructor", "__proto__"]) {
      const reply = await command(h, USERS.alice, "/dora", name);
      expect(reply.text).toContain(`unknown team or service \`${name}\``);
    }
  });

  it("answers typed commands naming constructor as an unknown service or environment", async () => {
    h = await startHarness({ config: testConfig() });
    expect((await command(h, USERS.alice, "/deploy", "constructor to staging")).text).toContain(
      "unknown service `constructor`",
    );
    expect((await command(h, USERS.alice, "/promote", "checkout-api from constructor to production")).text).toContain(
      "unknown environment `constructor`",
    );
    expect((await command(h, USERS.alice, "/rollback", "checkout-api __proto__")).text).toContain(
      "unknown environment `__proto__`",
    );
    expect((await command(h, USERS.alice, "/deploy", "lock checkout-api constructor for 1h")).text).toContain(
      "unknown environment `constructor`",
    );
    expect(await h.gantry.store.history("checkout-api")).toEqual([]);
  });
});
