import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { GantryError } from "./errors.js";
import type { Logger } from "./log.js";

/** A route answers true when it handled the request. */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A route for one path (any query string), handled by `handle`. */
export function atPath(path: string, handle: (req: IncomingMessage, res: ServerResponse) => void): Route {
  return (req, res) => {
    if ((req.url ?? "").split("?")[0] !== path) return false;
    handle(req, res);
    return true;
  };
}

/**
 * How long a client may take, against slow clients that hold sockets open (slowloris). Slack gives up on an answer
 * after 3 s and GitHub after 10 s, and their bodies are small, so any honest request arrives well within these.
 */
export interface HttpLimits {
  /** From connecting to the end of the request headers. */
  headersTimeoutMs: number;
  /** From connecting to the end of the request body. */
  requestTimeoutMs: number;
}

export const HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000 };

export interface HttpServerParts {
  /** Tried in order: health, metrics, extra routes, GitHub webhooks, Slack. */
  routes: readonly Route[];
  log: Logger;
  limits?: Partial<HttpLimits>;
}

/** Gantry's HTTP server: its routes in order, then 404. A route that throws answers 500 rather than ending the process. */
export function createHttpServer(parts: HttpServerParts): Server {
  const limits = { ...HTTP_LIMITS, ...parts.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default), which would stretch them by as much.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      try {
        for (const route of parts.routes) if (route(req, res)) return;
        res.writeHead(404).end();
      } catch (err) {
        parts.log.error({ err, path: (req.url ?? "").split("?")[0] }, "HTTP request failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    },
  );
  return server;
}

/** Listens, or fails with words when the port is taken (instead of an unhandled 'error' event). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      if (err.code !== "EADDRINUSE") return reject(err);
      reject(
        new GantryError(
          "port_in_use",
          `port ${port} is already in use on ${host}: stop what listens there, or set PORT to a free port`,
          { port, host },
        ),
      );
    };
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
}
