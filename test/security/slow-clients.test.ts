/**
 * Attack: slowloris. Connections that never finish their headers, or never finish a body they announced, hold a
 * socket each for as long as the server lets them: Node's defaults are a minute for headers and five for a request.
 * Gantry cuts both off; the test shortens its limits (GANTRY_CHILD_*_TIMEOUT_MS) so it needs not wait for them.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target;
beforeAll(async () => {
  t = await startTarget({ env: { GANTRY_CHILD_HEADERS_TIMEOUT_MS: "500", GANTRY_CHILD_REQUEST_TIMEOUT_MS: "1000" } });
});
afterAll(async () => {
  await t.stop();
});

/** Opens a connection, writes `text` and never more; resolves with what the server said once it closed the socket. */
function stall(text: string): { opened: Promise<void>; closed: Promise<string> } {
  const { port } = new URL(t.url);
  const socket: Socket = connect(Number(port), "127.0.0.1");
  let said = "";
  socket.setEncoding("utf8").on("data", (d: string) => (said += d));
  const opened = new Promise<void>((resolve) => socket.once("connect", () => (socket.write(text), resolve())));
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(said)));
  socket.on("error", () => undefined);
  return { opened, closed };
}

describe("slow clients", () => {
  it("a client that never finishes its headers is disconnected, and Gantry serves others meanwhile", async () => {
    const stalled = Array.from({ length: 20 }, () =>
      stall("POST /slack/events HTTP/1.1\r\nHost: gantry\r\nX-Slack-Signature: v0="),
    );
    await Promise.all(stalled.map((s) => s.opened));
    expect(await t.alive()).toBe(true);
    for (const answer of await Promise.all(stalled.map((s) => s.closed))) expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it("a client that never finishes the body it announced is disconnected", async () => {
    const stalled = stall(
      'POST /github/webhooks HTTP/1.1\r\nHost: gantry\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"action":',
    );
    await stalled.opened;
    expect(await stalled.closed).toMatch(/^HTTP\/1\.1 408|^$/);
    expect(await t.alive()).toBe(true);
  });
});
