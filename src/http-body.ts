/**
 * Request bodies read with a ceiling, before anything verifies or parses them: anyone on the internet can POST, and a
 * body is only worth its bytes once its signature holds. A Content-Length over the limit is refused unread; a body
 * without one is counted as it streams and dropped the moment it passes the limit, so what is held in memory never
 * exceeds the limit per request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: "too_large" | "aborted" };

/** How long a refused client's connection stays open for the answer to reach it. */
const LINGER_MS = 2_000;

export async function readLimitedBody(req: IncomingMessage, limitBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) return { ok: false, reason: "too_large" };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (read: BodyRead) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      chunks.length = 0;
      done({ ok: false, reason: "too_large" });
    };
    const onEnd = () => done({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = () => done({ ok: false, reason: "aborted" });
    const onClose = () => done({ ok: false, reason: "aborted" });
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * Answers a request whose body Gantry will not read (too large) and stops reading it; the connection is cut after
 * a short grace, so the answer reaches the client first but the sending cannot go on.
 */
export function refuseBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
): void {
  // No `Connection: close`: Node would then destroy the socket as soon as the answer is written, and a client still
  // sending would see a reset instead of the answer. Reading stops instead, so the sender stalls on a full window.
  if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
  req.on("error", () => undefined);
  req.pause();
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.socket.once("close", () => clearTimeout(cut));
}
