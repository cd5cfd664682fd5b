/**
 * Attack: the demo from another machine, or from another web page. `npm run demo` listened on every interface, and
 * its playground API (which signs whatever it is asked to as any demo user) accepted a cross-origin POST, so any
 * page the developer visited could drive it. Now the demo listens on loopback only, and the API takes requests only
 * from its own page: same origin, a loopback Host (against DNS rebinding), and the token that page was served with.
 */
import { request } from "node:http";
import { connect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { startDemo, type Demo } from "../../sandbox/demo/start.js";

let demo: Demo;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gantry-demo-"));
  demo = await startDemo({ dataDir: dir, port: 0, speed: 10, log: createLogger("silent") });
}, 60_000);
afterAll(async () => {
  await demo.stop();
  rmSync(dir, { recursive: true, force: true });
});

const base = () => demo.gantry.url;
const publishes = () => demo.slack.calls.filter((c) => c.method === "views.publish").length;
const home = (headers: Record<string, string>) =>
  fetch(`${base()}/playground/api/action`, {
    method: "POST",
    headers: { "content-type": "text/plain", ...headers },
    body: JSON.stringify({ type: "home", user: "U0ALICE" }),
  });

/** The token the page is served with, as the page's own script reads it. */
async function pageToken(): Promise<string> {
  const html = await (await fetch(`${base()}/playground/`)).text();
  const token = /<meta name="playground-token" content="([^"]+)">/.exec(html)?.[1];
  if (!token) throw new Error("the page carries no playground token");
  return token;
}

describe("the demo's playground", () => {
  it("listens on loopback only: another local address is refused", async () => {
    const { port } = new URL(base());
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), "127.0.0.2");
      socket.once("connect", () => (socket.destroy(), resolve("connected")));
      socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(outcome).toBe("ECONNREFUSED");
  });

  it("a cross-origin POST to the playground API is refused and does nothing, token or not", async () => {
    const before = publishes();
    expect((await home({ origin: "https://evil.example" })).status).toBe(403);
    const token = await pageToken();
    expect((await home({ origin: "https://evil.example", "x-playground-token": token })).status).toBe(403);
    expect((await home({ origin: "null", "x-playground-token": token })).status).toBe(403);
    expect(publishes()).toBe(before);
  });

  it("a same-origin POST without the page's token is refused", async () => {
    const before = publishes();
    expect((await home({ origin: base() })).status).toBe(403);
    expect((await home({ origin: base(), "x-playground-token": "guessed" })).status).toBe(403);
    expect(publishes()).toBe(before);
  });

  it("a request naming another host (DNS rebinding) is refused", async () => {
    const { port } = new URL(base());
    // fetch() will not send another Host, so this request is made by hand, as a rebound browser would send it.
    const rebound = (headers: Record<string, string>) =>
      new Promise<{ status: number }>((resolve, reject) => {
        request(
          `${base()}/playground/api/world`,
          { headers: { host: `evil.example:${port}`, ...headers } },
          (res) => (res.resume(), resolve({ status: res.statusCode ?? 0 })),
        )
          .on("error", reject)
          .end();
      });
    expect((await rebound({})).status).toBe(403);
    expect((await rebound({ "x-playground-token": await pageToken() })).status).toBe(403);
  });

  it("the page's own requests carry its token and work: the world, the event stream and actions", async () => {
    const token = await pageToken();
    const world = await fetch(`${base()}/playground/api/world`, { headers: { "x-playground-token": token } });
    expect(world.status).toBe(200);
    expect((await fetch(`${base()}/playground/api/world`)).status).toBe(403);
    const events = await fetch(`${base()}/playground/api/events?user=U0ALICE&token=${token}`);
    expect([events.status, events.headers.get("content-type")]).toEqual([200, "text/event-stream"]);
    await events.body?.cancel();
    expect((await fetch(`${base()}/playground/api/events?user=U0ALICE`)).status).toBe(403);
    const published = demo.slack.waitForCall((c) => c.method === "views.publish" && c.args.user_id === "U0ALICE");
    const res = await home({ origin: base(), "x-playground-token": token, "content-type": "application/json" });
    expect(res.status).toBe(200);
    await published;
  });
});
