/**
 * Attack: large bodies, unsigned, to the two endpoints that take POSTs from the internet. Gantry must refuse them
 * from Content-Length before reading, and stop reading a body without one as soon as it passes the limit, before
 * buffering it or checking its signature: eight 25 MB bodies in parallel took the process past its pod's memory.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTarget, type Target } from "../support/security-target.js";

const MB = 1024 * 1024;
let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t.stop();
});

interface Sent {
  status: number | string;
  /** Bytes of body written by the time the answer came (or the connection ended). */
  written: number;
}

/**
 * POSTs up to `total` bytes of body in 64 KiB chunks, stopping as soon as an answer arrives. With `declare`, the
 * request says Content-Length: total up front; without it the body is chunked and its size unknown to the server.
 */
function post(
  path: string,
  total: number,
  opts: { declare: boolean; headers?: Record<string, string> },
): Promise<Sent> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve) => {
    let written = 0;
    let answered = false;
    const req = request(`${t.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.declare ? { "content-length": String(total) } : {}),
        ...opts.headers,
      },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, written });
      req.destroy();
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (!answered) resolve({ status: err.code ?? err.message, written });
    });
    const write = (): void => {
      while (!answered && written < total) {
        const ok = req.write(chunk.subarray(0, Math.min(chunk.length, total - written)));
        written += Math.min(chunk.length, total - written);
        if (!ok) return void req.once("drain", write);
      }
      if (!answered && !opts.declare) req.end();
    };
    // A declared body is announced and then withheld: only an answer from Content-Length alone ends the wait.
    if (opts.declare) req.flushHeaders();
    else write();
  });
}

describe("bodies over the limit", () => {
  it("an unsigned body declaring 25 MB to /github/webhooks is refused with 413 before any of it is sent", async () => {
    expect(
      await post("/github/webhooks", 25 * MB, { declare: true, headers: { "x-github-event": "workflow_run" } }),
    ).toEqual({ status: 413, written: 0 });
  });

  it("an unsigned body declaring 2 MB to /slack/events is refused with 413 before any of it is sent", async () => {
    expect(await post("/slack/events", 2 * MB, { declare: true })).toEqual({ status: 413, written: 0 });
  });

  it("an unsigned chunked 25 MB body to /github/webhooks is cut off with 413 long before its end", async () => {
    const sent = await post("/github/webhooks", 25 * MB, {
      declare: false,
      headers: { "x-github-event": "workflow_run" },
    });
    expect(sent.status).toBe(413);
    expect(sent.written).toBeLessThan(25 * MB);
  });

  it("an unsigned chunked 3 MB body to /slack/events is cut off with 413", async () => {
    expect((await post("/slack/events", 3 * MB, { declare: false })).status).toBe(413);
  });

  it("a signed Slack request of 2 MB is refused with 413 like an unsigned one", async () => {
    const body = `payload=${"a".repeat(2 * MB)}`;
    expect((await t.client.send(body)).status).toBe(413);
  });

  it("eight parallel 25 MB bodies to each endpoint leave Gantry serving", async () => {
    const all = ["/slack/events", "/github/webhooks"].flatMap((path) =>
      Array.from({ length: 8 }, () => post(path, 25 * MB, { declare: false })),
    );
    expect(new Set((await Promise.all(all)).map((s) => s.status))).toEqual(new Set([413]));
    expect(await t.alive()).toBe(true);
  });
});
