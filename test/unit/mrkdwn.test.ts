import { describe, expect, it } from "vitest";
import {
  code,
  date,
  escapeText,
  join,
  link,
  mrkdwn,
  principals,
  safeUrl,
  SlackText,
  user,
} from "../../src/slack/mrkdwn.js";

const GITHUB = ["https://github.com"];

describe("Slack text", () => {
  it("escapes every interpolated string, and the literal too, so no mention or link can be written", () => {
    const ref = "<!channel> & <https://evil|click>";
    expect(escapeText(ref)).toBe("&lt;!channel&gt; &amp; &lt;https://evil|click&gt;");
    expect(mrkdwn`*${"checkout-api"}* ships ${ref} <env>`.mrkdwn).toBe(
      "*checkout-api* ships &lt;!channel&gt; &amp; &lt;https://evil|click&gt; &lt;env&gt;",
    );
    expect(mrkdwn`${mrkdwn`*nested*`} stays, ${3} is a number`.mrkdwn).toBe("*nested* stays, 3 is a number");
  });

  it("can be made only here", () => {
    expect(
      () => new (SlackText as unknown as new (a: symbol, b: string) => SlackText)(Symbol("SlackText"), "<!channel>"),
    ).toThrow();
  });

  it("keeps code spans whole: backticks and line breaks cannot end them", () => {
    expect(code("fix`_it_`\n<!here>").mrkdwn).toBe("`fix\u02cb_it_\u02cb &lt;!here&gt;`");
  });

  it("mentions only what is a user id", () => {
    expect(user("U0ALICE").mrkdwn).toBe("<@U0ALICE>");
    expect(user("!channel").mrkdwn).toBe("`!channel`");
    expect(user("U0A><!here").mrkdwn).toBe("`U0A&gt;&lt;!here`");
    expect(principals(["@platform", "U0CAROL"]).mrkdwn).toBe("`@platform` or <@U0CAROL>");
    expect(join(["a<b", mrkdwn`*c*`], ", ").mrkdwn).toBe("a&lt;b, *c*");
  });

  it("shows dates with an escaped fallback, and only real ones", () => {
    expect(date("2026-01-05T10:00:00Z", "{time}", "<10:00>").mrkdwn).toBe("<!date^1767607200^{time}|&lt;10:00&gt;>");
    expect(date("not a date", "{time}", "later").mrkdwn).toBe("later");
  });

  it("links only https pages on the configured hosts, with | < > percent-encoded", () => {
    expect(safeUrl("https://github.com/acme/api/actions/runs/1", GITHUB)).toBe(
      "https://github.com/acme/api/actions/runs/1",
    );
    expect(safeUrl("https://github.com/a/runs/1|Looks legit> <!here>", GITHUB)).toBe(
      "https://github.com/a/runs/1%7CLooks%20legit%3E%20%3C!here%3E",
    );
    expect(safeUrl("https://github.com/a?x=1&y=2", GITHUB)).toBe("https://github.com/a?x=1&amp;y=2");
    for (const bad of [
      "https://evil.example.com/x",
      "http://github.com/x",
      "javascript:alert(1)",
      "https://user:pw@github.com/x",
      "https://github.com.evil.com/x",
      "//github.com/x",
      "",
    ]) {
      expect(safeUrl(bad, GITHUB), bad).toBeUndefined();
    }
    // A configured http origin (the sandbox, a lab's Enterprise Server) is linked as configured.
    expect(safeUrl("http://127.0.0.1:3000/acme/api", ["http://127.0.0.1:3000"])).toBe("http://127.0.0.1:3000/acme/api");
    expect(safeUrl("http://127.0.0.1:3001/acme/api", ["http://127.0.0.1:3000"])).toBeUndefined();
  });

  it("shows a link it may not make as its label and the address as code", () => {
    expect(link("https://github.com/a/1", "details", GITHUB).mrkdwn).toBe("<https://github.com/a/1|details>");
    expect(link("https://evil.example.com/x|Approve> <!channel>", "details", GITHUB).mrkdwn).toBe(
      "details `https://evil.example.com/x|Approve&gt; &lt;!channel&gt;`",
    );
    expect(link(null, "details", GITHUB).mrkdwn).toBe("details");
  });
});
